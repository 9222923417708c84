"""Small dialogs opened from the study map: a conflict to look at, "who are you?"."""

from __future__ import annotations

import json

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from lessonstudy.model import Role
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.study_file import Conflict
from lessonstudy.tui.screens.study_map import conflict_words


class ConflictDialog(ModalScreen[None]):
    """Someone else's version of a document that was kept aside: look, then dismiss."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="conflict.close"),
        Binding("d", "forget", "Dismiss it", id="conflict.dismiss"),
    ]

    def __init__(self, study_file: StudyFile, conflict: Conflict) -> None:
        super().__init__()
        self.study_file = study_file
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        try:
            body = json.dumps(json.loads(self.conflict.body), indent=2, ensure_ascii=False)
        except ValueError:
            body = self.conflict.body
        with Vertical(classes="dialog wide"):
            yield Label(conflict_words(self.conflict), classes="dialog-title")
            yield Static(
                "Two people changed this at the same time. The version on screen is the "
                "newer one; this is the other, kept so nothing is lost. Copy anything you "
                "need from it, then dismiss it.",
                classes="hint",
            )
            yield Static(Text(body), id="conflict-body")
            with Vertical(classes="buttons"):
                yield Button("Dismiss it (d)", id="forget", variant="warning")
                yield Button("Close (Esc)", id="close")

    @on(Button.Pressed, "#forget")
    def action_forget(self) -> None:
        self.study_file.dismiss_conflict(self.conflict.id)
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


class WhoAreYouDialog(ModalScreen[str | None]):
    """Before observing: which member is taking these notes?"""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="who.cancel")]

    def __init__(self, study_file: StudyFile, lesson: int) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson = lesson

    def compose(self) -> ComposeResult:
        members, _ = self.study_file.read(documents.MEMBERS)
        plan, _ = self.study_file.read(documents.lesson(self.lesson))
        assigned = plan.assignments if plan is not None else {}
        names: list[str] = list(assigned)
        for member in members or []:
            if member.name not in names and (
                Role.OBSERVER in member.roles or not assigned or member.name != plan.teacher
            ):
                names.append(member.name)
        options = []
        for name in names:
            pupils = assigned.get(name, [])
            words = f"  watching {', '.join(pupils)}" if pupils else ""
            if plan is not None and name == plan.teacher:
                words += "  (teaching this lesson)"
            options.append(Option(Text.assemble((name, "bold"), (words, "dim")), id=name))
        with Vertical(classes="dialog"):
            yield Label(f"Who are you? (observing RL{self.lesson})", classes="dialog-title")
            yield OptionList(*options, id="who-list")
            yield Input(placeholder="or type your name and press Enter", id="who-name")

    def on_mount(self) -> None:
        who = self.query_one("#who-list", OptionList)
        if who.option_count:
            who.focus()
        else:
            self.query_one("#who-name").focus()

    @on(OptionList.OptionSelected, "#who-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    @on(Input.Submitted, "#who-name")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
