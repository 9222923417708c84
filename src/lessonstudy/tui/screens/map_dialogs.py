"""Small dialogs opened from the study map: a conflict to look at, "who are you?"."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Role
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.study_file import Conflict
from lessonstudy.tui.plain import assemble
from lessonstudy.usecases import conflicts


class ConflictDialog(ModalScreen[None]):
    """Two versions of one thing, field by field in plain words: keep this, keep that,
    or keep both (usecases.conflicts). No JSON, no ids."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="conflict.close"),
    ]

    def __init__(self, study_file: StudyFile, conflict: Conflict) -> None:
        super().__init__()
        self.study_file = study_file
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        try:
            view = conflicts.describe(self.study_file, self.conflict)
        except (LessonStudyError, ValueError) as error:
            view = None
            problem = str(error)
        with Vertical(classes="dialog wide"):
            if view is None:
                yield Label("Two versions kept", classes="dialog-title")
                yield Static(Text(f"This conflict cannot be shown: {problem}"), classes="hint")
            else:
                yield Label(Text(f"Two versions of {view.what}"), classes="dialog-title")
                yield Static(
                    Text(
                        f"Both were changed at the same time. The first column is what is "
                        f"in the study now; the second is {view.who_when}."
                    ),
                    classes="hint",
                )
                table = Table(expand=True, show_lines=True)
                table.add_column("What", ratio=1)
                table.add_column("Now", ratio=2)
                table.add_column("The other version", ratio=2)
                for difference in view.differences:
                    table.add_row(
                        Text(difference.where), Text(difference.now), Text(difference.other)
                    )
                if not view.differences:
                    table.add_row(Text("(nothing differs any more)"), Text(""), Text(""))
                with VerticalScroll(id="conflict-body"):
                    yield Static(table)
            with Horizontal(classes="buttons"):
                yield Button("Keep this (now)", id="keep-this", variant="primary")
                yield Button("Keep that (the other)", id="keep-that", disabled=view is None)
                yield Button(
                    "Keep both",
                    id="keep-both",
                    disabled=view is None or not view.can_keep_both,
                )
                yield Button("Close (Esc)", id="close")

    def on_mount(self) -> None:
        self.query_one("#keep-this", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        choice = event.button.id
        if choice == "close":
            self.dismiss(None)
            return
        action = {
            "keep-this": conflicts.keep_this,
            "keep-that": conflicts.keep_that,
            "keep-both": conflicts.keep_both,
        }[choice or ""]
        try:
            action(self.study_file, self.conflict)
        except LessonStudyError as error:
            self.notify(f"Not done: {error}", severity="error")
            return
        self.dismiss(None)


class WhoAreYouDialog(ModalScreen[str | None]):
    """Before observing: which member is taking these notes?"""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="who.cancel")]

    def __init__(self, study_file: StudyFile, lesson: int) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson = lesson

    def compose(self) -> ComposeResult:
        members = self.study_file.read(documents.MEMBERS).value
        found = self.study_file.find(documents.lesson(self.lesson))
        plan = found.value if found else None
        pupils = self.study_file.read(documents.PUPILS).value
        pseudonyms = {p.label: p.pseudonym.strip() for p in pupils}
        assigned = plan.watching if plan is not None else {}
        teacher = plan.teacher if plan is not None else None
        names: list[str] = list(assigned)
        for member in members:
            if member.name not in names and (
                Role.OBSERVER in member.roles or not assigned or member.name != teacher
            ):
                names.append(member.name)
        options = []
        for name in names:
            watched = [
                f"{label} ({pseudonyms[label]})" if pseudonyms.get(label) else label
                for label in assigned.get(name, [])
            ]
            words = f"  watching {', '.join(watched)}" if watched else ""
            if name == teacher:
                words += "  (teaching this lesson)"
            options.append(Option(assemble((name, "bold"), (words, "dim")), id=name))
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
