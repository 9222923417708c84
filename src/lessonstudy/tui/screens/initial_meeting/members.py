"""The group's members at the initial meeting: a member's dialog and their roles."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    SelectionList,
    Static,
)
from textual.widgets.option_list import OptionDoesNotExist

from lessonstudy.model import (
    Member,
    Role,
)
from lessonstudy.tui.screens.editing import (
    FieldInput,
)


def roles_words(roles: list[Role]) -> str:
    return ", ".join(role.words for role in roles) or "—"


class RolesList(SelectionList[str]):
    """Roles shown as [x] ticked / [ ] not: readable without colour (NO_COLOR, a
    projector). Space ticks the role under the cursor; Enter saves the member, as it
    does in the other fields; ↑ on the first role and ↓ on the last leave the list."""

    BINDINGS = [Binding("enter", "screen.save", "Save", id="member.roles-save", show=False)]

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the prompt, without the coloured button
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self._selected
        base = next(iter(line)).style or self.rich_style
        mark_style = base + Style(bold=True) if ticked else base
        return Strip([Segment("[x] " if ticked else "[ ] ", mark_style), *line])

    def action_select(self) -> None:
        # Tick the role under the cursor now. Textual's SelectionList ticks the role
        # highlighted when its message is handled: space, ↓, space typed fast ticked
        # one role twice (none in the end) and never the second.
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.screen.focus_previous()
        else:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted >= self.option_count - 1:
            self.screen.focus_next()
        else:
            super().action_cursor_down()


class MemberDialog(ModalScreen[Member | None]):
    """Add or edit one group member: name, roles, notes."""

    BINDINGS = [
        Binding("escape", "dismiss", "Cancel", id="member.cancel"),
        Binding("ctrl+s", "save", "Save", id="member.save", priority=True),
        # Out of the name and the notes the arrows move between fields, as the hint
        # says; priority, so the focus moves as the key is read and a space typed
        # straight after ↓ ticks a role rather than going into the name.
        Binding("down", "next_field", "Next field", id="member.next", show=False, priority=True),
        Binding(
            "up",
            "previous_field",
            "Previous field",
            id="member.previous",
            show=False,
            priority=True,
        ),
    ]

    def __init__(self, member: Member | None, taken: set[str]) -> None:
        super().__init__()
        self.member = member
        self.taken = taken

    def compose(self) -> ComposeResult:
        member = self.member or Member(name="")
        with Vertical(classes="dialog"):
            yield Label("Edit member" if self.member else "Add a member", classes="dialog-title")
            # Compact fields: the whole dialog, Save included, fits 80x24.
            yield Label("Name")
            yield FieldInput(member.name, id="member-name", compact=True)
            # Text, not a str: "[x]" in a str would be read as markup and vanish.
            yield Label(Text("Roles ([x] held): space ticks or unticks; one can hold several"))
            yield RolesList(
                *[(role.words, role.value, role in member.roles) for role in Role],
                id="member-roles",
                compact=True,
            )
            yield Label("Notes")
            yield FieldInput(member.notes, id="member-notes", compact=True)
            yield Static(
                "Tab or ↓ moves on, shift+Tab or ↑ goes back; Enter or ctrl+s saves; Esc cancels.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        name = self.query_one("#member-name", Input)
        name.focus()
        name.select_all()  # editing a name: typing replaces it

    def action_next_field(self) -> None:
        if isinstance(self.focused, RolesList):
            raise SkipAction()  # the list's own ↓ (it leaves the list from its last role)
        self.focus_next()

    def action_previous_field(self) -> None:
        if isinstance(self.focused, RolesList):
            raise SkipAction()
        self.focus_previous()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        name = self.query_one("#member-name", Input).value.strip()
        if not name:
            self.notify("A member needs a name.", severity="warning")
            self.query_one("#member-name").focus()
            return
        if name.casefold() in {taken.casefold() for taken in self.taken}:
            self.notify(f"There is already a member called {name}.", severity="warning")
            return
        roles = [Role(value) for value in self.query_one("#member-roles", SelectionList).selected]
        notes = self.query_one("#member-notes", Input).value
        self.dismiss(Member(name=name, roles=roles, notes=notes))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
