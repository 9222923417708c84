"""After the last lesson: the overall findings and the open-house lesson.

Three tabs: the findings (what we learned about the pupils' learning, the
practice we developed, what we will share, two or three key points, where
each case pupil ended, next steps), the open house (date, time, place, who
teaches it, which lesson, invitees, the visitor briefing, notes from the
discussion with visitors, how the work was shared) and the pictures (each
case pupil's journey across the lessons and a lesson's evidence grid). Every
field autosaves; ctrl+z undoes.

The briefing starts from a default written from the study (its focus, what
was learned, the predictions to watch; the handout prints the rules for
observers under it); it is stored as soon as anything on the open-house tab
is edited, and F5 puts the default back.

Every note of the study is read only for the pictures (the journeys chart every
research lesson's notes), in a worker thread (tui.background), and only while
the Pictures tab is in view: at 90,000 notes that read takes most of a second.
The rest (the documents and the open house's own notes, which visitors may be
writing right now) is read on the UI thread, in a millisecond. When another
process changes the study, each is read again only if the change touches it.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from lessonstudy.model import OPEN_HOUSE_LESSON, CasePupil, Findings, OpenHouse, Study
from lessonstudy.process import EvidenceGrid, StepKind, evidence_grid
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.background import BackgroundRead
from lessonstudy.tui.live import StudyChanged, in_front
from lessonstudy.tui.plain import assemble
from lessonstudy.tui.screens.editing import EditingScreen
from lessonstudy.tui.widgets.date_field import DateInput, TimeInput
from lessonstudy.tui.widgets.evidence_grid import EvidenceView
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.pupil_journey import PupilJourneyChart, journeys_chart
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.usecases import dates
from lessonstudy.usecases.changes import Change
from lessonstudy.words import counted

COMPACT_FOOTER_BELOW = 110  # terminal columns

FINDINGS_FIELDS = (
    ("pupils_learning", "What we learned about the pupils' learning"),
    ("practice_developed", "The practice we developed (the refined technique)"),
    ("to_share", "What we will share, with whom, and how"),
)


def default_briefing(study: Study, lesson: int | None) -> str:
    """The visitors' briefing (about 30 minutes before the lesson), from the study."""
    overview = study.overview
    lines = ["Briefing for visitors", ""]
    if overview.focus or overview.research_question:
        lines.append("Why we did this lesson study:")
        lines += [f"- {text}" for text in (overview.focus, overview.research_question) if text]
        if overview.technique:
            lines.append(f"- The technique we developed: {overview.technique}")
        lines.append("")
    learned = study.findings.pupils_learning.strip()
    if learned:
        lines += ["What we have learned so far:", learned, ""]
    plan = study.lesson(lesson) if lesson is not None else None
    if plan is not None and plan.stages:
        lines.append(f"What to watch for (the predictions of RL{plan.number}):")
        for number, stage in enumerate(plan.stages, start=1):
            predicted = [f"{label}: {text}" for label, text in stage.predictions.items() if text]
            if predicted:
                lines.append(f"- Stage {number}, {stage.title}: " + "; ".join(predicted))
        lines.append("")
    # The rules for observers are printed on the handout under the briefing.
    return "\n".join(lines).rstrip("\n")


def parse_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def label_and_pseudonym(pupil: CasePupil) -> str:
    return f"{pupil.label} ({pupil.pseudonym})" if pupil.pseudonym.strip() else pupil.label


class Pictures(NamedTuple):
    """The Pictures tab, made from every note by a worker."""

    study: Study
    journeys: RenderableType
    grids: dict[int, EvidenceGrid]  # each research lesson's


def read_pictures(study_file: StudyFile) -> Pictures:
    """In a worker thread: the whole study, read with a connection of its own."""
    with StudyFile.open(study_file.path, read_only=True) as reader:
        study = reader.load()
    grids = {lesson.number: evidence_grid(study, lesson.number) for lesson in study.lessons}
    return Pictures(study, journeys_chart(study), grids)


# The documents the pictures are drawn from, besides the notes.
PICTURED_DOCUMENTS = ("lesson", "pupils", "discussion")


def changes_pictures(change: Change | None) -> bool:
    """Whether the journeys or a research lesson's grid may differ after `change`."""
    if change is None:
        return True
    research = (change.note_lessons | change.mark_lessons) - {OPEN_HOUSE_LESSON}
    return bool(research) or any(change.document(kind) for kind in PICTURED_DOCUMENTS)


def changes_house(change: Change | None) -> bool:
    """Whether the documents or the open house's own notes changed (`self.study`)."""
    if change is None:
        return True
    return bool(
        change.documents or change.notes(OPEN_HOUSE_LESSON) or change.marks(OPEN_HOUSE_LESSON)
    )


def set_end_point(findings: Findings, label: str, text: str) -> None:
    """Where a case pupil ended; a blank one is not kept."""
    if text.strip():
        findings.end_points[label] = text
    else:
        findings.end_points.pop(label, None)


class OpenHouseScreen(EditingScreen):
    """The overall findings and the open-house lesson."""

    CSS_PATH = "open_house.tcss"
    HELP_STEP = StepKind.OPEN_HOUSE
    BINDINGS = [
        Binding("f2", "tab('findings')", "Findings", id="open_house.findings", priority=True),
        Binding("f3", "tab('house')", "Open house", id="open_house.house", priority=True),
        Binding("f4", "tab('pictures')", "Pictures", id="open_house.pictures", priority=True),
        Binding(
            "f5",
            "default_briefing",
            "Reset",  # short: it must fit the footer at 80 columns
            id="open_house.briefing",
            tooltip="Put back the default briefing for visitors (ctrl+z undoes)",
        ),
    ]

    def __init__(self, study_file: StudyFile) -> None:
        super().__init__(study_file)
        # The documents and the open house's notes; every note only for the pictures.
        self.study = study_file.load(OPEN_HOUSE_LESSON)
        self._noted = {n for n, (notes, _marks) in study_file.lesson_counts().items() if notes}
        self._pictures: Pictures | None = None
        self._pictures_stale = True  # read when the Pictures tab shows
        self._house_stale = False  # changed while another screen was in front
        self._reader = BackgroundRead(
            self,
            lambda: read_pictures(study_file),
            self._show_pictures,
            name="open-house-pictures",
            failed=lambda error: self.notify(str(error), severity="error"),
        )
        self.findings = self.document(documents.FINDINGS)
        self.house = self.document(documents.OPEN_HOUSE)
        for name, _label in FINDINGS_FIELDS:
            self.bind_attribute(f"find-{name}", self.findings, name)
        self.bind_attribute(
            "find-key_points",
            self.findings,
            "key_points",
            parse=parse_lines,
            show="\n".join,
        )
        self.bind_attribute(
            "find-next_steps",
            self.findings,
            "next_steps",
        )
        for pupil in self.study.pupils:
            self.bind_field(
                f"find-end-{pupil.label}",
                self.findings,
                lambda f, label=pupil.label: f.end_points.get(label, ""),
                lambda f, v, label=pupil.label: set_end_point(f, label, v),
            )
        self.bind_field(  # on the open-house tab: written once the work is shared
            "find-how_shared",
            self.findings,
            lambda f: f.how_shared,
            lambda f, v: setattr(f, "how_shared", v),
        )
        self.bind_attribute(
            "house-date",
            self.house,
            "date",
            parse=dates.parse_date,
            show=dates.show_date,
        )
        self.bind_attribute(
            "house-time",
            self.house,
            "time",
            parse=dates.parse_time,
            show=dates.show_time,
        )
        self.bind_field(
            "house-teacher",
            self.house,
            lambda h: h.teacher or None,
            lambda h, v: setattr(h, "teacher", v or ""),
        )
        self.bind_field(
            "house-place", self.house, lambda h: h.place, lambda h, v: setattr(h, "place", v)
        )
        self.bind_field(
            "house-lesson",
            self.house,
            lambda h: h.lesson if h.lesson is not None else self.last_lesson,
            lambda h, v: setattr(h, "lesson", v),
        )
        self.bind_attribute(
            "house-invitees",
            self.house,
            "invitees",
            parse=parse_lines,
            show="\n".join,
        )
        self.bind_attribute(
            "house-briefing",
            self.house,
            "briefing",
            show=lambda v: v or self.briefing_default(),
        )
        self.bind_attribute(
            "house-notes",
            self.house,
            "visitor_notes",
        )

    @property
    def observed_lesson(self) -> int | None:
        """The last lesson with notes: the one whose grid is worth showing first
        (notes counted by the store, deleted ones too: none is read for it)."""
        numbers = [lesson.number for lesson in self.study.lessons if lesson.number in self._noted]
        return numbers[-1] if numbers else self.last_lesson

    @property
    def last_lesson(self) -> int | None:
        return self.study.lessons[-1].number if self.study.lessons else None

    def briefing_default(self) -> str:
        house: OpenHouse = self.house.value
        return default_briefing(self.study, house.lesson or self.last_lesson)

    # ------------------------------------------------------------------ layout

    def open_house_notes_line(self) -> str:
        """What was noted at the open house itself, counted (the notes are on the
        Pictures tab's grid): the group reads them before writing its own notes."""
        notes = self.study.live_notes(OPEN_HOUSE_LESSON)
        if not notes:
            return (
                "No notes were taken at the open house in this study file"
                " (visitors write them with 'lessonstudy serve --open-house')."
            )
        visitors = len({note.observer for note in self.study.guest_notes()})
        group = len(notes) - len(self.study.guest_notes())
        who = [counted(visitors, "visitor")] if visitors else []
        if group:
            who.append(f"the group ({group})")
        return (
            f"{counted(len(notes), 'note')} taken at the open house, by {' and '.join(who)}:"
            " F4 Pictures shows them on the open house's evidence grid."
        )

    def grid_choices(self) -> list[tuple[str, int]]:
        """The lessons whose evidence grid the Pictures tab shows: each research
        lesson, and the open house once something was noted there."""
        choices = [(f"RL{lesson.number}", lesson.number) for lesson in self.study.lessons]
        if self.study.live_notes(OPEN_HOUSE_LESSON) and self.study.open_house_plan():
            choices.append(("Open house", OPEN_HOUSE_LESSON))
        return choices

    def compose(self) -> ComposeResult:
        lessons = [(f"RL{lesson.number}", lesson.number) for lesson in self.study.lessons]
        with Horizontal(id="open-house-header"):
            yield Static(
                assemble(("Findings and open house", "bold"), f"  {self.study.overview.title}"),
                id="open-house-title",
            )
            yield SaveStatus()
        with TabbedContent(initial="findings"):
            with TabPane("Findings", id="findings"), VerticalScroll(classes="form"):
                yield Static(
                    "After the last cycle: what the group learned. These go into the write-up.",
                    classes="hint",
                )
                for name, label in FINDINGS_FIELDS:
                    yield Label(label)
                    yield TextArea(self.widget_value(f"find-{name}"), id=f"find-{name}")
                yield Label("Two or three key points, one a line (the top of the report)")
                yield TextArea(self.widget_value("find-key_points"), id="find-key_points")
                for pupil in self.study.pupils:
                    yield Label(
                        Text(
                            f"Where {label_and_pseudonym(pupil)} ended: what they could do and"
                            " said at the end, against their success criteria"
                        )
                    )
                    yield TextArea(
                        self.widget_value(f"find-end-{pupil.label}"), id=f"find-end-{pupil.label}"
                    )
                yield Label("Next steps")
                yield TextArea(self.widget_value("find-next_steps"), id="find-next_steps")
            with TabPane("Open house", id="house"), VerticalScroll(classes="form"):
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Date")
                        yield DateInput(
                            self.widget_value("house-date"), id="house-date", compact=False
                        )
                    with Vertical():
                        yield Label("Time")
                        yield TimeInput(
                            self.widget_value("house-time"),
                            id="house-time",
                            placeholder="e.g. 13:40-14:40",
                            compact=False,
                        )
                    with Vertical(classes="narrow"):
                        yield Label("Lesson")
                        yield Select(
                            lessons,
                            value=self.widget_value("house-lesson") or Select.NULL,
                            allow_blank=not lessons,
                            id="house-lesson",
                        )
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Place")
                        yield Input(
                            self.widget_value("house-place"),
                            id="house-place",
                            select_on_focus=False,
                        )
                    with Vertical():
                        yield Label("Taught by")
                        teacher = self.widget_value("house-teacher")
                        names = [m.name for m in self.study.members if m.name]
                        if teacher and teacher not in names:
                            names.append(teacher)  # no longer in the group: still shown
                        yield Select(
                            [(Text(name), name) for name in names],
                            value=teacher or Select.NULL,
                            prompt="Who teaches it",
                            id="house-teacher",
                        )
                yield Label("Invited colleagues (one a line)")
                yield TextArea(self.widget_value("house-invitees"), id="house-invitees")
                yield Label(
                    "Briefing for visitors (about 30 minutes before; F5: the default;"
                    " the handout adds the rules for observers)"
                )
                yield TextArea(
                    self.widget_value("house-briefing"), id="house-briefing", classes="tall"
                )
                yield Label("Notes from the discussion with the visitors")
                yield Static(
                    self.open_house_notes_line(), id="open-house-notes-count", classes="hint"
                )
                yield TextArea(self.widget_value("house-notes"), id="house-notes", classes="tall")
                yield Label(
                    "How the work was shared (once it was: the open house, handouts, talks)"
                )
                yield TextArea(self.widget_value("find-how_shared"), id="find-how_shared")
            with TabPane("Pictures", id="pictures"), VerticalScroll(id="pictures-scroll"):
                reading = Text("Reading the notes …", style="dim")
                yield PupilJourneyChart(reading, id="open-house-journey")
                with Horizontal(classes="row"):
                    yield Label("Evidence grid of ", classes="inline-label")
                    yield Select(
                        self.grid_choices(),
                        value=self.observed_lesson or Select.NULL,
                        allow_blank=not lessons,
                        id="pictures-lesson",
                    )
                yield EvidenceView(id="open-house-evidence")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # Less space between the keys when narrow, so every tab's key stays in view.
        self.query_one(Footer).compact = event.size.width < COMPACT_FOOTER_BELOW

    def on_mount(self) -> None:
        self.query_one("#find-pupils_learning", TextArea).focus()

    def refresh_views(self) -> None:
        """Our documents changed (another process, undo): the open house's grid
        follows the plan it teaches."""
        if self.query_one("#pictures-lesson", Select).value == OPEN_HOUSE_LESSON:
            self._show_grid()

    def _show_grid(self) -> None:
        """The chosen lesson's grid: the open house's from its own notes, read here;
        a research lesson's as the worker made it (none until it has)."""
        choice = self.query_one("#pictures-lesson", Select).value
        if choice == OPEN_HOUSE_LESSON:
            self.query_one(EvidenceView).show(evidence_grid(self.study, choice), self.study)
        elif isinstance(choice, int) and self._pictures is not None:
            grid = self._pictures.grids.get(choice)
            if grid is not None:
                self.query_one(EvidenceView).show(grid, self._pictures.study)

    def _pictures_in_view(self) -> bool:
        return in_front(self) and self.query_one(TabbedContent).active == "pictures"

    def _read_pictures_if_shown(self, *, now: bool = False) -> None:
        """Every note read again (in a worker) if the pictures changed and show."""
        if self._pictures_stale and self._pictures_in_view():
            self._pictures_stale = False
            self._reader.ask(now=now)

    def _show_pictures(self, pictures: Pictures) -> None:
        self._pictures = pictures
        self.query_one(PupilJourneyChart).update(pictures.journeys)
        self._show_grid()

    @on(Select.Changed, "#pictures-lesson")
    def _grid_lesson(self) -> None:
        self._show_grid()

    # ------------------------------------------------------------------ editing

    def after_edit(self, widget_id: str) -> None:
        house: OpenHouse = self.house.value
        if widget_id.startswith("house-") and widget_id != "house-briefing" and not house.briefing:
            # Store the briefing the visitors will get, as shown, once the group works on it.
            text = self.query_one("#house-briefing", TextArea).text
            self.change(self.house, lambda h: setattr(h, "briefing", text), "house-briefing")

    def action_default_briefing(self) -> None:
        text = self.briefing_default()
        self.change(self.house, lambda h: setattr(h, "briefing", text))
        self.query_one("#house-briefing", TextArea).load_text(text)
        self.action_tab("house")
        self.notify("The default briefing is back. ctrl+z undoes.", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "default_briefing":
            # Only where the briefing is: elsewhere F5 would replace text out of sight.
            return self.query_one(TabbedContent).active == "house"
        return True

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.refresh_bindings()
        self._read_pictures_if_shown(now=True)

    @on(StudyChanged)
    def _study_changed_here(self, message: StudyChanged) -> None:
        """Another process changed the study: read again only what the change touches,
        and only what shows (the rest once it does)."""
        if changes_pictures(message.change):
            self._pictures_stale = True
            self._read_pictures_if_shown()
        if changes_house(message.change):
            self._house_stale = True
            self._read_house_if_shown()

    def on_screen_resume(self) -> None:
        self._read_house_if_shown()
        self._read_pictures_if_shown(now=True)

    def _read_house_if_shown(self) -> None:
        """The documents and the open house's own notes (a millisecond at 90,000 notes)."""
        if not (self._house_stale and in_front(self)):
            return
        self._house_stale = False
        self.study = self.study_file.load(OPEN_HOUSE_LESSON)
        self.query_one("#open-house-notes-count", Static).update(self.open_house_notes_line())
        choices = self.query_one("#pictures-lesson", Select)
        shown = choices.value
        offered = self.grid_choices()
        with self.prevent(Select.Changed):
            choices.set_options(offered)
            if shown in {value for _name, value in offered}:
                choices.value = shown
        self._show_grid()
