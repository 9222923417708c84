"""F1: what the current step of lesson study is for, in plain words, and its keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from lessonstudy.process import StepKind
from lessonstudy.tui.help import step_help


def is_ours(binding: Binding) -> bool:
    """A key worth listing: shown in the footer, or one of ours (they all have ids);
    not the widgets' own cursor keys."""
    return bool(binding.description) and (binding.show or binding.id is not None)


def keys_markdown(screen: Screen[object]) -> str:
    """The keys that work on `screen`, as a Markdown table.

    Also the keys of its widgets that say where they work (a `HELP_WHERE` class
    attribute, e.g. "in the stages grid"), even when another widget has focus:
    F1 from the date field still tells you how to add a stage.
    """
    rows = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not is_ours(binding) or binding.description in seen:
            continue
        seen.add(binding.description)
        display = screen.app.get_key_display(binding)
        rows.append(f"| `{display}` | {binding.description} |")
    for widget in screen.query("*"):
        where = getattr(widget, "HELP_WHERE", None)
        if not where:
            continue
        for bindings in widget._bindings.key_to_bindings.values():
            for binding in bindings:
                if not is_ours(binding) or binding.description in seen:
                    continue
                seen.add(binding.description)
                display = screen.app.get_key_display(binding)
                rows.append(f"| `{display}` | {binding.description} ({where}) |")
    if not rows:
        return ""
    return "\n## Keys on this screen\n\n| Key | Does |\n|---|---|\n" + "\n".join(rows) + "\n"


class HelpScreen(ModalScreen[None]):
    """A short explanation of the step on screen; Escape or F1 closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, kind: StepKind | None, for_screen: Screen[object]) -> None:
        super().__init__()
        self.kind = kind
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        text = step_help(self.kind) + keys_markdown(self.for_screen)
        text += "\n`ctrl+p` opens the command palette: type a step's name to go there.\n"
        body = VerticalScroll(id="help-body")
        # On the frame itself: the screen's own footer is under the help, out of sight.
        body.border_subtitle = "Esc closes the help · ↑↓ scroll"
        with body:
            yield Markdown(text)
