"""The discussion's points: what the recorder types under each step of the protocol."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import (
    Input,
    Label,
    OptionList,
)
from textual.widgets.option_list import Option

from lessonstudy.model import Discussion
from lessonstudy.protocols import ProtocolStep, ProtocolStepKind
from lessonstudy.tui.plain import plain_text
from lessonstudy.tui.widgets.compact import CompactAtOnce
from lessonstudy.tui.widgets.note_line import FIELD_KEYS
from lessonstudy.tui.widgets.typing_in_place import TypingInPlace


def step_points(discussion: Discussion, step: ProtocolStep) -> list[str]:
    if step.kind is ProtocolStepKind.AGREED_CHANGES:
        return discussion.agreed_changes
    return discussion.records.get(step.id, [])


class PointInput(CompactAtOnce, TypingInPlace, Input):
    """The recorder's input: Enter takes the point at once and empties the field.

    Handled here rather than by Input's enter binding, which runs only after the
    key has bubbled up to the app: a fast typist's next characters would land
    in the field first and be taken as part of this point.
    """

    class Entered(Message):
        def __init__(self, field: PointInput, value: str) -> None:
            super().__init__()
            self.field = field
            self.value = value

        @property
        def control(self) -> PointInput:
            return self.field

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit()
            return
        await super()._on_key(event)

    def submit(self) -> None:
        value, self.value = self.value, ""
        self.post_message(self.Entered(self, value))

    def take(self, event: events.Key) -> None:
        """A key typed elsewhere (the evidence grid) that belongs to this point."""
        if event.key == "enter":
            self.submit()
        elif event.is_printable and event.character:
            self.insert_text_at_cursor(event.character)
        elif event.key in FIELD_KEYS:
            getattr(self, f"action_{FIELD_KEYS[event.key]}")()


PointEdit = Callable[[list[str]], list[str]]


def add_point(text: str, points: list[str]) -> list[str]:
    return [*points, text]


def replace_point(old: str, new: str, points: list[str]) -> list[str]:
    """Change a point; if someone changed or removed it meanwhile, keep both."""
    if old not in points:
        return [*points, new]
    at = points.index(old)
    return [*points[:at], new, *points[at + 1 :]]


def remove_point(old: str, points: list[str]) -> list[str]:
    if old not in points:
        return points
    at = points.index(old)
    return [*points[:at], *points[at + 1 :]]


class PointsEditor(Vertical):
    """The recorder's list of points for one step: Enter adds, Enter on a point edits it."""

    BINDINGS = [
        Binding("delete", "delete_point", "Delete point", id="points.delete"),
        Binding("escape", "cancel_edit", "Cancel edit", id="points.cancel"),
    ]

    def __init__(
        self, changed: Callable[[PointEdit, str], list[str]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        # (edit, undo field) -> the points as saved. An edit is applied to the
        # points as they are in the file, not to this copy, so a point another
        # recorder added meanwhile is kept.
        self._changed = changed
        self.points: list[str] = []
        self._editing: int | None = None
        self.heading = ""
        self.placeholder = ""

    @property
    def editing(self) -> int | None:
        """The point being edited in the input, or None when typing a new one."""
        return self._editing

    @editing.setter
    def editing(self, index: int | None) -> None:
        self._editing = index
        if self.is_attached:
            self.screen.refresh_bindings()  # the footer's Esc: cancel the edit, or leave

    def compose(self) -> ComposeResult:
        yield Label("Points", id="points-title")
        yield OptionList(id="point-list")
        yield PointInput(
            placeholder="Type a point, Enter to add it",
            id="point-input",
            compact=True,
            select_on_focus=False,  # keys typed on the grid went in first: keep them
        )

    def show(self, title: str, points: list[str], placeholder: str) -> None:
        self.points, self.heading, self.placeholder = list(points), title, placeholder
        self.query_one("#points-title", Label).update(title)
        self.query_one("#point-input", Input).placeholder = placeholder
        self._fill()

    def _fill(self) -> None:
        self.query_one("#points-title", Label).set_class(not self.points, "-empty")
        self.query_one("#point-list", OptionList).set_class(not self.points, "-empty")
        options = self.query_one("#point-list", OptionList)
        highlighted = options.highlighted
        options.set_options(
            Option(plain_text(f"{n}. {text}"), id=str(n)) for n, text in enumerate(self.points, 1)
        )
        if self.points:
            options.highlighted = min(highlighted or 0, len(self.points) - 1)

    @on(PointInput.Entered, "#point-input")
    def _submitted(self, event: PointInput.Entered) -> None:
        event.stop()
        text = event.value.strip()
        field = f"point-{len(self.points)}" if self.editing is None else f"point-{self.editing}"
        edit: PointEdit
        if self.editing is not None:
            old = self.points[self.editing]
            edit = partial(replace_point, old, text) if text else partial(remove_point, old)
        elif text:
            edit = partial(add_point, text)
        else:
            return
        index = self.editing if self.editing is not None else len(self.points)
        self.editing = None
        self.points = self._changed(edit, field)
        self._fill()
        if self.points:
            self.query_one("#point-list", OptionList).highlighted = min(index, len(self.points) - 1)

    @on(OptionList.OptionSelected, "#point-list")
    def _edit(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.editing = event.option_index
        field = self.query_one("#point-input", Input)
        field.value = self.points[event.option_index]
        field.focus()
        self.notify(f"Editing point {event.option_index + 1}: Enter saves, Esc cancels", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape cancels an edit; otherwise it is the screen's (back to the study
        # map), and the footer shows that.
        if action == "cancel_edit":
            return self.editing is not None
        return True

    def action_cancel_edit(self) -> None:
        if self.editing is None:
            raise SkipAction()
        self.editing = None
        self.query_one("#point-input", Input).value = ""

    def action_delete_point(self) -> None:
        options = self.query_one("#point-list", OptionList)
        if options.highlighted is None or not self.points or not options.has_focus:
            return
        index = options.highlighted
        self.points = self._changed(partial(remove_point, self.points[index]), "")
        self._fill()
