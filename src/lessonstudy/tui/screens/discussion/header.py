"""The discussion's header: when it was held, who chaired and recorded it."""

from __future__ import annotations

from attrs import evolve
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    SelectionList,
)

from lessonstudy.model import Discussion
from lessonstudy.tui.plain import plain_text
from lessonstudy.tui.widgets.date_field import DateInput
from lessonstudy.usecases import dates


class HeaderDialog(ModalScreen[Discussion | None]):
    """Date, chair, recorder and attendees of the discussion."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="discussion_header.cancel"),
        Binding("ctrl+s", "save", "Done", id="discussion_header.save"),
    ]

    def __init__(self, discussion: Discussion, members: list[str]) -> None:
        super().__init__()
        self.discussion = discussion
        self.members = members

    def compose(self) -> ComposeResult:
        d = self.discussion
        names = list(dict.fromkeys([*self.members, *d.attendees]))
        people = [
            (plain_text(name), name)
            for name in dict.fromkeys([*names, d.chair, d.recorder])
            if name
        ]
        with Vertical(id="header-dialog"):
            yield Label(f"RL{d.lesson} discussion: who and when", classes="dialog-title")
            yield Label("Date")
            yield DateInput(dates.show_date(d.date), id="header-date", compact=False)
            with Horizontal(classes="dialog-row"):
                with Vertical():
                    yield Label("Chair")
                    yield Select(people, value=d.chair or Select.NULL, id="header-chair")
                with Vertical():
                    yield Label("Recorder")
                    yield Select(people, value=d.recorder or Select.NULL, id="header-recorder")
            yield Label("Attending (space ticks)")
            yield SelectionList[str](
                *((plain_text(name), name, name in d.attendees) for name in names),
                id="header-attendees",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done (ctrl+s)", variant="primary", id="header-save")
                yield Button("Cancel (esc)", id="header-cancel")

    @on(Button.Pressed, "#header-save")
    @on(Input.Submitted, "#header-date")
    def action_save(self) -> None:
        text = self.query_one("#header-date", Input).value
        try:
            date = dates.parse_date(text)
        except ValueError as error:  # it says what to write instead
            self.notify(str(error), severity="error")
            self.query_one("#header-date").focus()
            return
        chair = self.query_one("#header-chair", Select).value
        recorder = self.query_one("#header-recorder", Select).value
        self.dismiss(
            evolve(
                self.discussion,
                date=date,
                chair=chair if isinstance(chair, str) else "",
                recorder=recorder if isinstance(recorder, str) else "",
                attendees=list(self.query_one("#header-attendees", SelectionList).selected),
            )
        )

    @on(Button.Pressed, "#header-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
