"""The plan screen's own widgets: a ticked change of the checklist."""

from __future__ import annotations

from textual.geometry import Size

from lessonstudy.tui.widgets.tick_box import TickBox


class ChangeCheckbox(TickBox):
    """An agreed change to tick off: a sentence or two, so the label wraps
    (a Checkbox is one line and would cut the change short)."""

    DEFAULT_CSS = """
    ChangeCheckbox, ChangeCheckbox:focus {
        width: 1fr;
        height: auto;
        text-wrap: wrap;
        border: none;
        margin-bottom: 1;
    }
    """

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # RenderStyles answers every rule a RulesMap has: Textual's Widget passes it too.
        return self.render().get_height(self.styles, width)  # type: ignore[arg-type]
