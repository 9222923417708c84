"""A yes-or-no question for something that cannot be undone (erasing a note for good)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from lessonstudy.tui.plain import plain


class ConfirmDialog(ModalScreen[bool]):
    """`question` and what it means; only y confirms (Enter does not: a note typed
    fast must never erase anything), n or Esc keep everything."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No, keep it", id="confirm.no"),
    ]

    def __init__(self, question: str, explanation: str) -> None:
        super().__init__()
        self.question = question
        self.explanation = explanation

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.question), classes="dialog-title")
            yield Static(plain(self.explanation))
            yield Static("y: yes · n or Esc: no, keep it", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_key(self, event: events.Key) -> None:
        # Typing meant for the screen behind goes nowhere while this asks: say so at
        # once, rather than let it vanish unremarked (seen: a note typed after ctrl+l).
        if event.is_printable and event.character not in ("y", "n"):
            event.stop()
            self.notify(
                f"{self.question} Answer y or n first: what is typed here goes nowhere.",
                severity="warning",
                timeout=4,
            )
