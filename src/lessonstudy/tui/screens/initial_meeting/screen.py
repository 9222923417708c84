"""The initial meeting: focus, question, class and lessons, group, protocol, case pupils.

Long answers (the focus, the research question, why a pupil was chosen ...) are
fields that wrap and grow to show all their text. The group decides how many
research lessons (add one, or remove one that holds nothing yet: the refusal
says what a lesson holds) and who its case pupils are: add one, remove one
(never while evidence points at them; asked first when the plans mention them)
or relabel one, which moves every note, prediction, interview and judgement
with them in one transaction (usecases.relabel).

The lessons table says what each lesson holds, notes counted: it is read again
(the documents, and the notes and marks counted by the store, never the notes
themselves) when another process changes what it shows, only while it is in
view; a screen in front of it, or another tab, defers that until it shows.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    MAX_LESSONS,
    MAX_PUPILS,
    MIN_PUPILS,
    PUPIL_LABELS,
    CasePupil,
    Member,
    Overview,
    pupil_keys,
)
from lessonstudy.process import StepKind, lesson_contents
from lessonstudy.protocols import DEFAULT_PROTOCOL, available_protocols, load_protocol
from lessonstudy.rules import class_size_problem
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.live import StudyChanged, in_front
from lessonstudy.tui.plain import assemble, plain, plain_text
from lessonstudy.tui.screens.editing import (
    FORM_HINT,
    EditingScreen,
    FieldInput,
    field_row,
    set_columns,
)
from lessonstudy.tui.screens.initial_meeting.dialogs import ConfirmDialog
from lessonstudy.tui.screens.initial_meeting.members import MemberDialog, roles_words
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.long_field import LongField, SteadyTextArea
from lessonstudy.tui.widgets.note_line import CLASS_KEY
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.tui.widgets.tick_box import TickBox
from lessonstudy.usecases import dates
from lessonstudy.usecases import lessons as lesson_use
from lessonstudy.usecases import pupils as pupil_use
from lessonstudy.usecases.changes import Change
from lessonstudy.usecases.members import lessons_naming, rename_in_plans
from lessonstudy.usecases.relabel import relabel_problem, relabel_pupil

FOCUS_FIELDS = [  # every one a long answer: it wraps and shows all its text
    ("focus", "Focus: we want to learn how to improve the way pupils learn …"),
    ("research_question", "Research question"),
    ("technique", "The technique we will develop"),
    ("evidence", "Evidence or reading we consulted"),
    ("aim", "Overall aim of the sequence of lessons"),
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
LONG_PUPIL_FIELDS = {"why_chosen", "starting_point"}
PUPIL_EXAMPLES = {  # placeholders: what a group usually writes there
    "pseudonym": "e.g. Sam or S.T. — never the pupil's real name",
    "learner_group": "e.g. making good progress / average / finding it hard in the focus",
    "why_chosen": "e.g. typical of the middle group; rarely explains their thinking",
    "starting_point": "what they can do now in the focus area",
}
PRIVATE_TITLE = "Private note — never leaves this file (not exported, never in a report)"
LABEL_HINT = "1 to 3 letters or digits; Enter relabels everywhere"


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
    if class_size_problem(number):
        raise ValueError(text)  # nor until it is a class size (rules.py)
    return number


def _form_id(label: str) -> str:
    return f"pupil-form-{label}"


class InitialMeetingScreen(EditingScreen):
    CSS_PATH = "initial_meeting.tcss"
    HELP_STEP = StepKind.INITIAL
    BINDINGS = [
        # The tabs show their keys ("F2 Focus"): the footer keeps room for the rest at 80.
        Binding("f2", "tab('focus')", "Focus", id="initial.focus", priority=True, show=False),
        Binding(
            "f3", "tab('class')", "Class & lessons", id="initial.class", priority=True, show=False
        ),
        Binding("f4", "tab('group')", "Group", id="initial.group", priority=True, show=False),
        Binding(
            "f5", "tab('protocol')", "Protocol", id="initial.protocol", priority=True, show=False
        ),
        Binding(
            "f6", "tab('pupils')", "Case pupils", id="initial.pupils", priority=True, show=False
        ),
        # Only while the members or lessons table has the cursor (check_action): in a
        # text field these keys type, and a typed word must never remove anyone.
        Binding("a", "add_member", "Add member", id="initial.add_member"),
        Binding("delete", "remove_member", "Remove member", id="initial.remove_member"),
        Binding("a", "add_lesson", "Add lesson", id="initial.add_lesson"),
        Binding("delete", "remove_lesson", "Remove lesson", id="initial.remove_lesson"),
    ]

    def __init__(self, study_file: StudyFile) -> None:
        super().__init__(study_file)
        self.overview = self.document(documents.OVERVIEW)
        self.members = self.document(documents.MEMBERS)
        self.pupils = self.document(documents.PUPILS)
        self._lessons_stale = False  # changed while out of view: read when shown
        self._bind()

    # ------------------------------------------------------------------ binding fields

    def _bind(self) -> None:
        for name, _label in FOCUS_FIELDS:
            self.bind_attribute(f"ov-{name}", self.overview, name)
        for name, _label in CLASS_FIELDS:
            extra: dict[str, Any] = {}
            if name == "pupil_count":
                extra = {"parse": parse_count, "show": lambda v: "" if v is None else str(v)}
            self.bind_attribute(
                f"class-{name}", self.overview, name, of=lambda o: o.class_details, **extra
            )
        self.bind_attribute(
            "protocol-name",
            self.overview,
            "protocol",
        )
        self.bind_attribute(
            "protocol-text",
            self.overview,
            "protocol_text",
        )
        self.bind_attribute(
            "protocol-agreed",
            self.overview,
            "protocol_agreed",
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
                assemble(("Initial meeting ", "bold"), "— ", overview.title),
                classes="screen-title",
            )
            yield SaveStatus()
        with TabbedContent(initial="focus"):
            with TabPane("F2 Focus", id="focus"), VerticalScroll(classes="form"):
                yield Static(FORM_HINT, classes="hint")
                for name, label in FOCUS_FIELDS:
                    yield Label(label)
                    yield LongField(getattr(overview, name), id=f"ov-{name}")
            with TabPane("F3 Class & lessons", id="class"), VerticalScroll(classes="form"):
                yield Static("The class the research lessons will be taught to.", classes="hint")
                for name, label in CLASS_FIELDS:
                    value = str(self.widget_value(f"class-{name}"))
                    # Digits only for the number: "twenty" would show but never be saved.
                    kind = "integer" if name == "pupil_count" else "text"
                    field = FieldInput(value, id=f"class-{name}", compact=True, type=kind)
                    yield field_row(label, field)
                yield Label("Research lessons", classes="section-title")
                yield Static(
                    "Usually three; some studies have two, or four. a adds a lesson after the "
                    "last; Delete removes the highlighted one if it holds nothing yet.",
                    classes="hint",
                )
                yield DataTable(id="lessons-table", cursor_type="row", classes="table")
                with Horizontal(classes="buttons"):
                    yield Button("Add a research lesson (a)", id="add-lesson", compact=True)
                    yield Button(
                        "Remove the highlighted lesson (Delete)", id="remove-lesson", compact=True
                    )
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
                yield Select(
                    [(plain_text(title), name) for title, name in choices],
                    value=chosen,
                    allow_blank=False,
                    id="protocol-name",
                )
                yield Static(plain(protocol_words(chosen)), id="protocol-about", classes="hint")
                yield Label("Our ground rules: read them together and change what you want")
                yield TextArea(overview.protocol_text, id="protocol-text", classes="tall")
                yield TickBox(
                    "We agree to these ground rules", overview.protocol_agreed, id="protocol-agreed"
                )
            with TabPane("F6 Case pupils", id="pupils"), VerticalScroll(classes="form"):
                yield Static(
                    f"{MIN_PUPILS} to {MAX_PUPILS} case pupils, each typical of a group of "
                    "learners, followed through every lesson. Use a pseudonym or initials, "
                    "never a real name.",
                    classes="hint",
                )
                # The forms with the screen, not mounted after it: one styling and one
                # layout for the whole screen when it opens.
                yield Vertical(
                    *[self._pupil_form(pupil) for pupil in self.pupils.value],
                    id="pupil-forms",
                    classes="row",
                )
                with Horizontal(classes="buttons"):
                    yield Button(
                        "Add a case pupil",
                        id="add-pupil",
                        disabled=len(self.pupils.value) >= MAX_PUPILS,
                    )
        yield Footer()

    def on_mount(self) -> None:
        self._fill_members()
        self._fill_lessons()
        self.query_one("#ov-focus").focus()

    def _fill_members(self) -> None:
        table = self.query_one("#members-table", DataTable)
        cursor = table.cursor_row
        rows = [
            [plain_text(member.name), Text(roles_words(member.roles)), plain_text(member.notes)]
            for member in self.members.value
        ]  # Text, not str: a DataTable reads a str as markup ("[Y4]" would vanish)
        if not rows:
            rows = [[Text("no members yet: press a to add one", style="italic"), Text(), Text()]]
        set_columns(table, ["Name", "Roles", "Notes"], rows)
        for index, row in enumerate(rows):
            table.add_row(*row, key=str(index) if self.members.value else None)
        table.move_cursor(row=min(cursor, table.row_count - 1))

    def _mount_pupil_forms(self, focus: str | None = None) -> None:
        """(Re)build a form per case pupil; `focus`: the id of a field to focus after."""
        self.call_next(self._remount_pupil_forms, focus)

    async def _remount_pupil_forms(self, focus: str | None) -> None:
        """Only the forms of pupils added, removed or relabelled are built or taken
        down; the others stay as they are (their fields hold the documents' values:
        fill_fields), with their titles and remove buttons brought up to date."""
        holder = self.query_one("#pupil-forms", Vertical)
        pupils = self.pupils.value
        wanted = [pupil.label for pupil in pupils]
        forms = {form.id: form for form in holder.query_children(".pupil-form")}
        kept = [form_id for form_id in forms if form_id in {_form_id(lab) for lab in wanted}]
        if kept != [_form_id(lab) for lab in wanted if _form_id(lab) in forms]:
            kept = []  # the order changed: build them all again
        gone = [form for form_id, form in forms.items() if form_id not in kept]
        if gone:
            await holder.remove_children(gone)  # first: a new form may reuse an old id
        before: Widget | None = None
        for pupil in reversed(pupils):  # each new form goes before the next kept one
            form_id = _form_id(pupil.label)
            if form_id in kept:
                before = forms[form_id]
            else:
                form = self._pupil_form(pupil)
                await holder.mount(form, before=before)
                before = form
        self.fill_fields(keep_focused=True)
        keys = self._keys()
        for pupil in pupils:
            form = self.query_one(f"#{_form_id(pupil.label)}", Vertical)
            form.border_title = plain(pupil_title(pupil, keys))  # not markup
            remove = self.query_one(f"#remove-{pupil.label}", Button)
            remove.disabled = len(pupils) <= MIN_PUPILS
        self.query_one("#add-pupil", Button).disabled = len(pupils) >= MAX_PUPILS
        for widget in self.query(f"#{focus}") if focus else []:
            widget.focus()

    def _pupil_form(self, pupil: CasePupil) -> Vertical:
        label = pupil.label
        label_field = FieldInput(
            label, id=f"label-{label}", compact=True, max_length=3, classes="pupil-label"
        )
        label_field.tooltip = LABEL_HINT
        children: list[Any] = [field_row("Label", label_field)]
        for name, words in PUPIL_FIELDS:
            field_id = f"pupil-{label}-{name}"
            placeholder = PUPIL_EXAMPLES.get(name, "")
            field: Any
            if name in LONG_PUPIL_FIELDS:
                field = LongField(getattr(pupil, name), id=field_id, placeholder=placeholder)
            else:
                field = FieldInput(
                    getattr(pupil, name), id=field_id, compact=True, placeholder=placeholder
                )
            children.append(field_row(words, field))
        private = SteadyTextArea(pupil.private_note, id=f"pupil-{label}-private_note", compact=True)
        private.add_class("private")
        private.border_title = PRIVATE_TITLE
        children.append(private)
        remove = Button(
            f"Remove case pupil {label}", id=f"remove-{label}", classes="remove-pupil", compact=True
        )
        remove.disabled = len(self.pupils.value) <= MIN_PUPILS
        children.append(remove)
        form = Vertical(*children, id=_form_id(label), classes="pupil-form")
        form.border_title = plain(pupil_title(pupil, self._keys()))  # not markup
        return form

    def _keys(self) -> dict[str, str]:
        """Each pupil's key on the observers' note line (model.pupil_keys)."""
        return pupil_keys([p.label for p in self.pupils.value], reserved=[CLASS_KEY])

    # ------------------------------------------------------------------ actions

    def after_edit(self, widget_id: str) -> None:
        if widget_id == "protocol-name":
            self._show_protocol()
        elif widget_id.endswith("-pseudonym"):
            for form, pupil in zip(self.query(".pupil-form"), self.pupils.value, strict=False):
                form.border_title = plain(pupil_title(pupil, self._keys()))  # not markup

    def _show_protocol(self) -> None:
        about = protocol_words(self.overview.value.protocol)
        self.query_one("#protocol-about", Static).update(plain(about))

    def refresh_views(self) -> None:
        self._fill_members()
        self._lessons_stale = True  # the overview: how many lessons
        self._fill_lessons_if_shown()
        self._show_protocol()
        shown = [label.id for label in self.query(".pupil-label")]
        wanted = [f"label-{p.label}" for p in self.pupils.value]
        if shown != wanted:
            self._rebind_pupils()
        else:
            for form, pupil in zip(self.query(".pupil-form"), self.pupils.value, strict=False):
                form.border_title = plain(pupil_title(pupil, self._keys()))  # not markup

    def on_screen_resume(self) -> None:
        # A plan edited meanwhile (by us: no StudyChanged), others' notes: what each
        # lesson holds.
        self._lessons_stale = True
        self._fill_lessons_if_shown()

    @on(StudyChanged)
    def _lessons_changed(self, message: StudyChanged) -> None:
        if message.change is None or shows_in_lessons(message.change):
            self._lessons_stale = True
            self._fill_lessons_if_shown()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self._fill_lessons_if_shown()

    def _fill_lessons_if_shown(self) -> None:
        """The lessons table read again if it changed, now if it shows, else once it does."""
        if (
            self._lessons_stale
            and in_front(self)
            and self.query_one(TabbedContent).active == "class"
        ):
            self._fill_lessons()

    def _rebind_pupils(self, focus: str | None = None) -> None:
        for widget_id in [k for k in self._fields if k.startswith("pupil-")]:
            del self._fields[widget_id]
        self._bind_pupils()
        self._mount_pupil_forms(focus)

    # members ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_member", "remove_member"):
            return self.focused is self.query_one("#members-table", DataTable)
        if action in ("add_lesson", "remove_lesson"):
            return self.focused is self.query_one("#lessons-table", DataTable)
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
            if original is not None and original != result.name:
                rename_in_plans(self.study_file, original, result.name)  # observer, teacher
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
        naming = lessons_naming(self.study_file, name)
        if naming:
            where = ", ".join(f"RL{number}" for number in naming)
            self.notify(
                f"{name} observes or teaches in {where}: take them off that plan first "
                "(its Observers tab), then remove them here.",
                severity="warning",
                timeout=8,
            )
            return
        self.change(self.members, lambda ms: ms.pop(index))
        self._fill_members()
        self.notify(f"{name} removed. ctrl+z puts them back.", timeout=4)

    def action_undo(self) -> None:
        before = [m.name for m in self.members.value]
        super().action_undo()
        after = [m.name for m in self.members.value]
        # Undoing a rename renames back in the plans too.
        if len(before) == len(after):
            renamed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
            if len(renamed) == 1:
                rename_in_plans(self.study_file, *renamed[0])

    # pupils -------------------------------------------------------------

    @on(Button.Pressed, "#add-pupil")
    def _add_pupil(self) -> None:
        used = {p.label.casefold() for p in self.pupils.value}
        if len(used) >= MAX_PUPILS:
            return
        spare = [*PUPIL_LABELS, *"GHJKLMNPQRSTUVWXYZ"]
        label = next(lab for lab in spare if lab.casefold() not in used)
        self.change(self.pupils, lambda ps: ps.append(CasePupil(label=label)))
        self._rebind_pupils(focus=f"label-{label}")
        self.notify(f"Case pupil {label} added: give them the label the group uses.", timeout=4)

    @on(Button.Pressed, ".remove-pupil")
    def _remove_pupil(self, event: Button.Pressed) -> None:
        label = (event.button.id or "").removeprefix("remove-")
        if self.pupils.value and len(self.pupils.value) <= MIN_PUPILS:
            return
        problem = pupil_use.removal_problem(self.study_file, label)  # never evidence for nobody
        if problem is not None:
            self.notify(problem, title="Not removed", severity="warning", timeout=10)
            return
        mentions = pupil_use.plan_mentions(self.study_file, label)

        def answered(remove: bool | None) -> None:
            if remove:
                self._do_remove_pupil(label)

        # Always asked: a removed pupil's label, pseudonym and details cannot be undone.
        if mentions:
            question = (
                f"Remove case pupil {label}? The study holds {', '.join(mentions)} about "
                f"{label}: they go with them, and undo cannot bring them back."
            )
        else:
            question = (
                f"Remove case pupil {label}? Their pseudonym and what the group wrote about "
                "them here go too, and undo cannot bring them back."
            )
        self.app.push_screen(
            ConfirmDialog(question, f"Remove {label}", f"Keep {label} (Esc)"), answered
        )

    def _do_remove_pupil(self, label: str) -> None:
        try:
            pupil_use.remove_pupil(self.study_file, label)
        except LessonStudyError as error:
            self.notify(str(error), title="Not removed", severity="warning", timeout=10)
            return
        self.pupils.reload()
        self._rebind_pupils(focus="add-pupil")
        self.notify(f"Case pupil {label} removed.", timeout=4)

    @on(Input.Submitted, ".pupil-label")
    def _label_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # not a bound field: Enter relabels, then moves on
        self._relabel(event.input)

    @on(Input.Blurred, ".pupil-label")
    def _label_left(self, event: Input.Blurred) -> None:
        self._relabel(event.input, moving_on=False)

    def _relabel(self, field: Input, *, moving_on: bool = True) -> None:
        old = (field.id or "").removeprefix("label-")
        new = field.value.strip()
        labels = [p.label for p in self.pupils.value]
        if old not in labels:
            return  # a form being taken down after a relabel or a removal
        if new == old:
            if moving_on:
                self.focus_next()
            return
        problem = relabel_problem(labels, old, new)
        if problem is not None:
            self.notify(f"{old} keeps its label: {problem}.", severity="warning", timeout=8)
            return
        try:
            moved = relabel_pupil(self.study_file, old, new)
        except LessonStudyError as error:
            self.notify(str(error), title="Not relabelled", severity="warning", timeout=10)
            return
        self.pupils.reload()
        self._rebind_pupils(focus=f"pupil-{new}-pseudonym" if moving_on else None)
        self._fill_lessons()
        notes = f"; {moved} note{'s' if moved != 1 else ''} moved with them" if moved else ""
        key = pupil_keys([p.label for p in self.pupils.value], reserved=[CLASS_KEY])[new]
        self.notify(
            f"Case pupil {old} is {new} now, everywhere{notes}. Observers pick them "
            f"with the key {key}.",
            timeout=6,
        )

    # lessons ------------------------------------------------------------

    def _fill_lessons(self) -> None:
        """What each lesson holds: the documents, with the notes and marks counted
        (at 90,000 notes, 6 ms against 600 ms to load every note)."""
        self._lessons_stale = False
        table = self.query_one("#lessons-table", DataTable)
        cursor = table.cursor_row
        try:
            study = self.study_file.load(notes=False)
            counts = self.study_file.lesson_counts()
        except LessonStudyError as error:
            self.notify(str(error), severity="error")
            return
        rows = []
        for lesson in study.lessons:
            held = lesson_contents(study, lesson.number, counts=counts.get(lesson.number, (0, 0)))
            rows.append(
                [
                    Text(f"RL{lesson.number}", style="bold"),
                    Text(dates.show_date(lesson.date) or "no date yet"),
                    Text(lesson.teacher or "—"),
                    Text("; ".join(held) if held else "nothing yet"),
                ]
            )
        set_columns(table, ["Lesson", "Date", "Who teaches", "Holds"], rows)
        for lesson, row in zip(study.lessons, rows, strict=True):
            table.add_row(*row, key=str(lesson.number))
        table.move_cursor(row=min(cursor, max(table.row_count - 1, 0)))
        self.query_one("#add-lesson", Button).disabled = len(rows) >= MAX_LESSONS

    def action_add_lesson(self) -> None:
        self._add_lesson()

    def action_remove_lesson(self) -> None:
        self._remove_lesson()

    @on(Button.Pressed, "#add-lesson")
    def _add_lesson(self) -> None:
        try:
            number = lesson_use.add_lesson(self.study_file)
        except LessonStudyError as error:
            self.notify(str(error), title="Not added", severity="warning", timeout=8)
            return
        self.overview.reload()
        self._fill_lessons()
        table = self.query_one("#lessons-table", DataTable)
        table.move_cursor(row=table.row_count - 1)
        self.notify(f"RL{number} added: the study map shows its steps.", timeout=4)

    @on(Button.Pressed, "#remove-lesson")
    def _remove_lesson(self) -> None:
        table = self.query_one("#lessons-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        number = int(key or 0)
        try:
            removed = lesson_use.remove_lesson(self.study_file, number)
        except LessonStudyError as error:
            self.notify(str(error), title="Not removed", severity="warning", timeout=12)
            return
        self.overview.reload()
        self._fill_lessons()
        if removed == number:
            self.notify(f"RL{number} removed (it held nothing).", timeout=4)
        else:  # an empty lesson before others as empty: the numbers stay in order
            self.notify(
                f"One empty lesson removed: the study has RL1 to RL{removed - 1} now.", timeout=6
            )


# What the lessons table shows of each lesson, besides its notes and clock marks
# (the overview, edited here, is refreshed with the screen's own documents).
LESSON_DOCUMENTS = ("lesson", "interview", "discussion", "open_house")


def shows_in_lessons(change: Change) -> bool:
    """Whether `change` alters what the lessons table shows (usecases.changes)."""
    return bool(
        change.note_lessons
        or change.mark_lessons
        or any(change.document(kind) for kind in LESSON_DOCUMENTS)
    )


def pupil_title(pupil: CasePupil, keys: dict[str, str]) -> str:
    """A pupil's form title: label and pseudonym, so "K" reads as a person, and the
    key observers pick them with (not always the label's first letter)."""
    name = f" — {pupil.pseudonym}" if pupil.pseudonym.strip() else ""
    key = f" · observers' key {keys[pupil.label]}" if pupil.label in keys else ""
    return f"Case pupil {pupil.label}{name}{key}"


def _pupil_get(pupils: list[CasePupil], label: str, name: str) -> str:
    for pupil in pupils:
        if pupil.label == label:
            return getattr(pupil, name)
    return ""


def _pupil_set(pupils: list[CasePupil], label: str, name: str, value: str) -> None:
    for pupil in pupils:
        if pupil.label == label:
            setattr(pupil, name, value)
