"""The initial meeting: focus, question, class, group, protocol and case pupils."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    MAX_PUPILS,
    MIN_PUPILS,
    PUPIL_LABELS,
    CasePupil,
    Member,
    Overview,
    Role,
)
from lessonstudy.process import StepKind
from lessonstudy.protocols import DEFAULT_PROTOCOL, available_protocols, load_protocol
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.screens.editing import (
    FORM_HINT,
    EditingScreen,
    FieldInput,
    field_row,
    set_columns,
)
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.usecases.pupils import removal_problem

FOCUS_FIELDS = [
    ("focus", "Focus: we want to learn how to improve the way pupils learn …", False),
    ("research_question", "Research question", False),
    ("technique", "The technique we will develop", False),
    ("evidence", "Evidence or reading we consulted", True),
    ("aim", "Overall aim of the sequence of lessons", True),
]
CLASS_FIELDS = [
    ("year_group", "Year group"),
    ("pupil_count", "Number of pupils"),
    ("attainment", "Set or mixed attainment"),
    ("usual_teacher", "Usual teacher"),
    ("subject", "Subject"),
]
PUPIL_FIELDS = [
    ("pseudonym", "Pseudonym or initials"),
    ("learner_group", "Typical of which learners"),
    ("why_chosen", "Why chosen"),
    ("starting_point", "Starting point"),
]
PUPIL_EXAMPLES = {  # placeholders: what a group usually writes there
    "pseudonym": "e.g. Sam or S.T. — never the pupil's real name",
    "learner_group": "e.g. making good progress / average / finding it hard in the focus",
    "why_chosen": "e.g. typical of the middle group; rarely explains their thinking",
    "starting_point": "what they can do now in the focus area",
}
PRIVATE_TITLE = "Private note — never leaves this file (not exported, never in a report)"


def protocol_choices() -> list[tuple[str, str]]:
    """(title, name) of every protocol: "English model ..." reads better than "english"."""
    choices = []
    for name in available_protocols() or [DEFAULT_PROTOCOL]:
        try:
            title = load_protocol(name).title or name
        except LessonStudyError:
            title = name  # a school's broken file: still listed; protocol_words says why
        choices.append((title, name))
    return choices


def protocol_words(name: str) -> str:
    """What a protocol is and the order the discussion takes, for choosing one."""
    try:
        protocol = load_protocol(name)
    except LessonStudyError as error:
        return str(error)
    lines = [" ".join(protocol.description.split())] if protocol.description else []
    lines.append("The discussion, in order:")
    for number, step in enumerate(protocol.steps, start=1):
        optional = ", optional" if step.optional else ""
        lines.append(f"  {number}. {step.title} ({step.speaker}{optional})")
    return "\n".join(lines)


def parse_count(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    number = int(text)  # ValueError: not saved until it is a number
    if number < 0:
        raise ValueError(text)
    return number


def roles_words(roles: list[Role]) -> str:
    return ", ".join(role.words for role in roles) or "—"


class InitialMeetingScreen(EditingScreen):
    HELP_STEP = StepKind.INITIAL
    BINDINGS = [
        # The tabs show their keys ("F2 Focus"): the footer keeps room for the rest at 80.
        Binding("f2", "tab('focus')", "Focus", id="initial.focus", priority=True, show=False),
        Binding("f3", "tab('class')", "Class", id="initial.class", priority=True, show=False),
        Binding("f4", "tab('group')", "Group", id="initial.group", priority=True, show=False),
        Binding(
            "f5", "tab('protocol')", "Protocol", id="initial.protocol", priority=True, show=False
        ),
        Binding(
            "f6", "tab('pupils')", "Case pupils", id="initial.pupils", priority=True, show=False
        ),
        # Only while the members table has the cursor (check_action): in a text
        # field these keys type, and a typed word must never remove anyone.
        Binding("a", "add_member", "Add member", id="initial.add_member"),
        Binding("delete", "remove_member", "Remove member", id="initial.remove_member"),
    ]

    def __init__(self, study_file: StudyFile) -> None:
        super().__init__(study_file)
        self.overview = self.document(documents.OVERVIEW)
        self.members = self.document(documents.MEMBERS)
        self.pupils = self.document(documents.PUPILS)
        self._bind()

    # ------------------------------------------------------------------ binding fields

    def _bind(self) -> None:
        for name, _label, _long in FOCUS_FIELDS:
            self.bind_field(
                f"ov-{name}",
                self.overview,
                lambda o, n=name: getattr(o, n),
                lambda o, v, n=name: setattr(o, n, v),
            )
        for name, _label in CLASS_FIELDS:
            extra: dict[str, Any] = {}
            if name == "pupil_count":
                extra = {"parse": parse_count, "show": lambda v: "" if v is None else str(v)}
            self.bind_field(
                f"class-{name}",
                self.overview,
                lambda o, n=name: getattr(o.class_details, n),
                lambda o, v, n=name: setattr(o.class_details, n, v),
                **extra,
            )
        self.bind_field(
            "protocol-name",
            self.overview,
            lambda o: o.protocol,
            lambda o, v: setattr(o, "protocol", v),
        )
        self.bind_field(
            "protocol-text",
            self.overview,
            lambda o: o.protocol_text,
            lambda o, v: setattr(o, "protocol_text", v),
        )
        self.bind_field(
            "protocol-agreed",
            self.overview,
            lambda o: o.protocol_agreed,
            lambda o, v: setattr(o, "protocol_agreed", v),
        )
        self._bind_pupils()

    def _bind_pupils(self) -> None:
        for pupil in self.pupils.value:
            for name in [n for n, _ in PUPIL_FIELDS] + ["private_note"]:
                self.bind_field(
                    f"pupil-{pupil.label}-{name}",
                    self.pupils,
                    lambda ps, lab=pupil.label, n=name: _pupil_get(ps, lab, n),
                    lambda ps, v, lab=pupil.label, n=name: _pupil_set(ps, lab, n, v),
                )

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        overview: Overview = self.overview.value
        with Horizontal(id="top-bar"):
            yield Static(
                Text.assemble(("Initial meeting ", "bold"), "— ", overview.title),
                classes="screen-title",
            )
            yield SaveStatus()
        with TabbedContent(initial="focus"):
            with TabPane("F2 Focus", id="focus"), VerticalScroll(classes="form"):
                yield Static(FORM_HINT, classes="hint")
                for name, label, long in FOCUS_FIELDS:
                    yield Label(label)
                    value = getattr(overview, name)
                    if long:
                        yield TextArea(value, id=f"ov-{name}", compact=True)
                    else:
                        yield FieldInput(value, id=f"ov-{name}", compact=True)
            with TabPane("F3 Class", id="class"), VerticalScroll(classes="form"):
                yield Static("The class the research lessons will be taught to.", classes="hint")
                for name, label in CLASS_FIELDS:
                    value = str(self.widget_value(f"class-{name}"))
                    # Digits only for the number: "twenty" would show but never be saved.
                    kind = "integer" if name == "pupil_count" else "text"
                    field = FieldInput(value, id=f"class-{name}", compact=True, type=kind)
                    yield field_row(label, field)
            with TabPane("F4 Group", id="group"), Vertical(classes="form"):
                yield Static(
                    "Who is in the group and their roles. a adds, Enter edits, "
                    "Delete removes a member.",
                    classes="hint",
                )
                yield DataTable(id="members-table", cursor_type="row", classes="table")
                with Horizontal(classes="buttons"):
                    yield Button("Add a member (a)", id="add-member", variant="primary")
            with TabPane("F5 Protocol", id="protocol"), VerticalScroll(classes="form"):
                yield Label("Discussion protocol (the order of the post-lesson discussion)")
                choices = protocol_choices()
                names = [name for _title, name in choices]
                chosen = overview.protocol if overview.protocol in names else names[0]
                yield Select(choices, value=chosen, allow_blank=False, id="protocol-name")
                yield Static(protocol_words(chosen), id="protocol-about", classes="hint")
                yield Label("Our ground rules: read them together and change what you want")
                yield TextArea(overview.protocol_text, id="protocol-text", classes="tall")
                yield Checkbox(
                    "We agree to these ground rules", overview.protocol_agreed, id="protocol-agreed"
                )
            with TabPane("F6 Case pupils", id="pupils"), VerticalScroll(classes="form"):
                yield Static(
                    f"{MIN_PUPILS} to {MAX_PUPILS} case pupils, each typical of a group of "
                    "learners, followed through every lesson. Use a pseudonym or initials, "
                    "never a real name.",
                    classes="hint",
                )
                yield Vertical(id="pupil-forms", classes="row")
                with Horizontal(classes="buttons"):
                    yield Button("Add a case pupil", id="add-pupil")
                    yield Button("Remove the last pupil", id="remove-pupil")
        yield Footer()

    def on_mount(self) -> None:
        self._fill_members()
        self._mount_pupil_forms()
        self.query_one("#ov-focus").focus()

    def _fill_members(self) -> None:
        table = self.query_one("#members-table", DataTable)
        cursor = table.cursor_row
        rows = [
            [Text(member.name), Text(roles_words(member.roles)), Text(member.notes)]
            for member in self.members.value
        ]  # Text, not str: a DataTable reads a str as markup ("[Y4]" would vanish)
        if not rows:
            rows = [[Text("no members yet: press a to add one", style="italic"), Text(), Text()]]
        set_columns(table, ["Name", "Roles", "Notes"], rows)
        for index, row in enumerate(rows):
            table.add_row(*row, key=str(index) if self.members.value else None)
        table.move_cursor(row=min(cursor, table.row_count - 1))

    def _mount_pupil_forms(self) -> None:
        holder = self.query_one("#pupil-forms", Vertical)
        holder.remove_children()
        forms = [self._pupil_form(pupil) for pupil in self.pupils.value]
        holder.mount_all(forms)
        count = len(self.pupils.value)
        self.query_one("#add-pupil", Button).disabled = count >= MAX_PUPILS
        self.query_one("#remove-pupil", Button).disabled = count <= MIN_PUPILS

    def _pupil_form(self, pupil: CasePupil) -> Vertical:
        children: list[Any] = []
        for name, label in PUPIL_FIELDS:
            field_id = f"pupil-{pupil.label}-{name}"
            field = FieldInput(
                getattr(pupil, name),
                id=field_id,
                compact=True,
                placeholder=PUPIL_EXAMPLES.get(name, ""),
            )
            children.append(field_row(label, field))
        private = TextArea(pupil.private_note, id=f"pupil-{pupil.label}-private_note", compact=True)
        private.add_class("private")
        private.border_title = PRIVATE_TITLE
        children.append(private)
        form = Vertical(*children, classes="pupil-form")
        form.border_title = f"Case pupil {pupil.label}"
        return form

    # ------------------------------------------------------------------ actions

    def after_edit(self, widget_id: str) -> None:
        if widget_id == "protocol-name":
            self._show_protocol()

    def _show_protocol(self) -> None:
        about = protocol_words(self.overview.value.protocol)
        self.query_one("#protocol-about", Static).update(about)

    def refresh_views(self) -> None:
        self._fill_members()
        self._show_protocol()
        existing = {form.border_title for form in self.query(".pupil-form")}
        wanted = {f"Case pupil {p.label}" for p in self.pupils.value}
        if existing != wanted:
            self._rebind_pupils()

    def _rebind_pupils(self) -> None:
        for widget_id in [k for k in self._fields if k.startswith("pupil-")]:
            del self._fields[widget_id]
        self._bind_pupils()
        self._mount_pupil_forms()

    # members ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_member", "remove_member"):
            return self.focused is self.query_one("#members-table", DataTable)
        return True

    def action_add_member(self) -> None:
        self._add_member()

    def action_remove_member(self) -> None:
        self._delete_member(self.query_one("#members-table", DataTable).cursor_row)

    @on(Button.Pressed, "#add-member")
    def _add_member(self) -> None:
        self._edit_member(None)

    @on(DataTable.RowSelected, "#members-table")
    def _member_selected(self, event: DataTable.RowSelected) -> None:
        if event.cursor_row < len(self.members.value):
            self._edit_member(event.cursor_row)
        else:
            self._edit_member(None)

    def _edit_member(self, index: int | None) -> None:
        members: list[Member] = self.members.value
        member = members[index] if index is not None else None
        taken = {m.name for i, m in enumerate(members) if i != index}

        def done(result: Member | None) -> None:
            if result is None:
                return
            original = member.name if member is not None else None

            def put(ms: list[Member]) -> None:
                # Found by name, not by position: the list may have changed in
                # another window while the dialog was open.
                at = next((i for i, m in enumerate(ms) if m.name == original), None)
                if at is None:
                    ms.append(result)
                else:
                    ms[at] = result

            self.change(self.members, put)
            self._fill_members()
            names = [m.name for m in self.members.value]
            table = self.query_one("#members-table", DataTable)
            table.move_cursor(row=names.index(result.name) if result.name in names else 0)

        self.app.push_screen(MemberDialog(member, taken), done)

    def _delete_member(self, index: int) -> None:
        members: list[Member] = self.members.value
        if not 0 <= index < len(members):
            return
        name = members[index].name
        self.change(self.members, lambda ms: ms.pop(index))
        self._fill_members()
        self.notify(f"{name} removed. ctrl+z puts them back.", timeout=4)

    # pupils -------------------------------------------------------------

    @on(Button.Pressed, "#add-pupil")
    def _add_pupil(self) -> None:
        used = {p.label for p in self.pupils.value}
        label = next((lab for lab in PUPIL_LABELS if lab not in used), None)
        if label is None or len(used) >= MAX_PUPILS:
            return
        self.change(self.pupils, lambda ps: ps.append(CasePupil(label=label)))
        self._rebind_pupils()

    @on(Button.Pressed, "#remove-pupil")
    def _remove_pupil(self) -> None:
        if len(self.pupils.value) <= MIN_PUPILS:
            return
        label = self.pupils.value[-1].label
        problem = removal_problem(self.study_file, label)  # evidence never points at nobody
        if problem is not None:
            self.notify(problem, title="Not removed", severity="warning", timeout=10)
            return
        self.change(self.pupils, lambda ps: ps.pop())
        self._rebind_pupils()
        self.notify(f"Case pupil {label} removed. ctrl+z puts them back.", timeout=4)


def _pupil_get(pupils: list[CasePupil], label: str, name: str) -> str:
    for pupil in pupils:
        if pupil.label == label:
            return getattr(pupil, name)
    return ""


def _pupil_set(pupils: list[CasePupil], label: str, name: str, value: str) -> None:
    for pupil in pupils:
        if pupil.label == label:
            setattr(pupil, name, value)


class RolesList(SelectionList[str]):
    """Space ticks a role; Enter saves the member, as it does in the other fields
    (a SelectionList's Enter would tick or untick the role under the cursor)."""

    BINDINGS = [Binding("enter", "screen.save", "Save", id="member.roles-save", show=False)]


class MemberDialog(ModalScreen[Member | None]):
    """Add or edit one group member: name, roles, notes."""

    BINDINGS = [
        Binding("escape", "dismiss", "Cancel", id="member.cancel"),
        Binding("ctrl+s", "save", "Save", id="member.save", priority=True),
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
            yield Label("Roles (space ticks or unticks; one person can hold several)")
            yield RolesList(
                *[(role.words, role.value, role in member.roles) for role in Role],
                id="member-roles",
                compact=True,
            )
            yield Label("Notes")
            yield FieldInput(member.notes, id="member-notes", compact=True)
            yield Static("Enter or ctrl+s saves; Esc cancels.", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        name = self.query_one("#member-name", Input)
        name.focus()
        name.select_all()  # editing a name: typing replaces it

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        name = self.query_one("#member-name", Input).value.strip()
        if not name:
            self.notify("A member needs a name.", severity="warning")
            self.query_one("#member-name").focus()
            return
        if name in self.taken:
            self.notify(f"There is already a member called {name}.", severity="warning")
            return
        roles = [Role(value) for value in self.query_one("#member-roles", SelectionList).selected]
        notes = self.query_one("#member-notes", Input).value
        self.dismiss(Member(name=name, roles=roles, notes=notes))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
