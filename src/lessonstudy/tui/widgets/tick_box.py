"""A check box whose state reads without colour: ✓ when ticked, blank when not.

Textual's Checkbox draws an "X" in both states and tells them apart by colour
only, which a colour-blind reader, a high-contrast theme or NO_COLOR loses."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """A Checkbox that shows ✓ when ticked and nothing when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # the name Textual reads
        return "✓" if self.value else " "
