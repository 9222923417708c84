"""The post-lesson discussion: a chair-led run through the protocol's steps.

The step list stays on the left with the current step marked; ctrl+n and
ctrl+b move through it in order. Each step shows what the group talks from
(the evidence grid, the interviews, the pupils' journeys) and a list where
the recorder captures points; the agreed-changes step records the changes
that become the next lesson's checklist, and the commentator step the final
commentator's remarks. Everything is saved as it is typed (one
`EditedDocument` on ("discussion", lesson)), with undo.

What the recorder types always goes to the point being written: in the
evidence step the grid has the focus (its = + - ? keys record the group's
judgement of a cell), and any other key typed there starts the point. Enter
adds the point in every step. The agreed changes reach the next plan's
checklist as they are saved (`usecases.carry_forward`): there is no key to
press and nothing to forget.
"""

from __future__ import annotations

import datetime as dt
import time

import attrs
from attrs import evolve
from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Input,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Discussion, Judgement, Role, Study
from lessonstudy.printable import printable
from lessonstudy.process import EvidenceGrid, StepKind, evidence_grid, grid_plan, with_judgements
from lessonstudy.protocols import Protocol, ProtocolStep, ProtocolStepKind, protocol_or_default
from lessonstudy.store import Saved, StudyFile, documents
from lessonstudy.tui.background import BackgroundRead
from lessonstudy.tui.document import EditedDocument, NotSaved
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.plain import plain, plain_text
from lessonstudy.tui.screens.discussion.header import HeaderDialog
from lessonstudy.tui.screens.discussion.points import (
    PointEdit,
    PointInput,
    PointsEditor,
    step_points,
)
from lessonstudy.tui.screens.interviews import interviews_summary
from lessonstudy.tui.widgets.evidence_grid import EvidenceTable, EvidenceView
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.pupil_journey import PupilJourneyChart
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.tui.widgets.unplaced_notes import UnplacedNotes
from lessonstudy.usecases import dates
from lessonstudy.usecases.carry_forward import Carried, carry_into_next_plan
from lessonstudy.usecases.changes import Change
from lessonstudy.usecases.note_updates import grid_with_new_notes, with_changed_notes
from lessonstudy.usecases.placing import place_in_stage
from lessonstudy.words import counted

COMPACT_FOOTER_BELOW = 110  # terminal columns

# Which panel each kind of step shows above the points.
CONTENT_OF_KIND = {
    ProtocolStepKind.EVIDENCE: "content-evidence",
    ProtocolStepKind.INTERVIEWS: "content-interviews",
    ProtocolStepKind.POINTS: "content-journey",
    ProtocolStepKind.AGREED_CHANGES: "content-agreed",
    ProtocolStepKind.COMMENTATOR: "content-commentator",
}


def default_discussion(study: Study, lesson: int) -> Discussion:
    """A new discussion: today, the study's chair and recorder, every member attending."""

    def holder(role: Role) -> str:
        return next((m.name for m in study.members if role in m.roles), "")

    return Discussion(
        lesson=lesson,
        date=dt.date.today(),
        chair=holder(Role.CHAIR),
        recorder=holder(Role.RECORDER),
        attendees=[m.name for m in study.members],
    )


def _notes_stand_as_they_were(change: Change, lesson: int | None) -> bool:
    """Whether the notes read (of `lesson`, or all) and where they stand are still
    right after `change`: no note or clock of theirs moved, and no plan (a stage
    removed moves its notes) nor the open house's choice of plan changed."""
    return not (
        change.notes(lesson)
        or change.marks(lesson)
        or change.document("lesson")
        or change.document("open_house")
    )


def _grid_made_from(study: Study, lesson: int) -> tuple[object, ...]:
    """What the lesson's evidence grid is made from, besides its notes and judgements."""
    return (grid_plan(study, lesson), study.labels)


def study_for_lesson(study_file: StudyFile, lesson: int) -> Study:
    """The study with every document but only `lesson`'s notes and marks.

    The discussion opens on this lesson's evidence: reading the other lessons'
    notes (two thirds of a large study) would only slow its first step. The
    pupils' journeys need them all and load the whole study when first shown.
    """
    return study_file.load(lesson=lesson)


# Other observers' notes, while they still write: merged in and shown at most this
# often (a refresh per note would keep the screen busy the whole time).
NOTES_REFRESH_SECONDS = 1.0

# A protocol's speaker words that name one person in the study.
SPEAKER_ROLES = {
    "final commentator": (Role.FINAL_COMMENTATOR, Role.KNOWLEDGEABLE_OTHER),
    "knowledgeable other": (Role.KNOWLEDGEABLE_OTHER, Role.FINAL_COMMENTATOR),
    "chair": (Role.CHAIR,),
    "recorder": (Role.RECORDER,),
}


def speaker_words(study: Study, lesson: int, discussion: Discussion, speaker: str) -> str:
    """'teacher: Tom Hughes': the protocol's speaker, named when the study says who it is."""
    name = ""
    if speaker == "teacher":
        plan = study.lesson(lesson)
        name = plan.teacher if plan else ""
    elif speaker == "chair":
        name = discussion.chair
    elif speaker == "recorder":
        name = discussion.recorder
    for role in SPEAKER_ROLES.get(speaker, ()) if not name else ():
        name = next((m.name for m in study.members if role in m.roles), "")
        if name:
            break
    return f"{speaker}: {name}" if name else speaker


def other_protocol_points(discussion: Discussion, protocol: Protocol) -> dict[str, list[str]]:
    """Points filed under steps this protocol does not have (the study changed protocol)."""
    ids = {step.id for step in protocol.steps}
    return {
        step_id: [p for p in points if p.strip()]
        for step_id, points in discussion.records.items()
        if step_id not in ids and any(p.strip() for p in points)
    }


class DiscussionScreen(Screen[None]):
    """Run the post-lesson discussion of research lesson `lesson`."""

    CSS_PATH = "discussion.tcss"
    HELP_STEP = StepKind.DISCUSSION  # F1 explains the step (the app's help screen)

    BINDINGS = [
        # Short words: the footer must keep "esc Study map" in view at 80 columns.
        Binding("ctrl+n", "next_step", "Next", id="discussion.next_step", tooltip="The next step"),
        Binding(
            "ctrl+b",
            "previous_step",
            "Back",
            id="discussion.previous_step",
            tooltip="The step before",
        ),
        Binding(
            "f2",
            "edit_header",
            "Who",
            id="discussion.header",
            tooltip="Date, chair, recorder and who is attending",
        ),
        Binding(
            "f4",
            "note_point",
            "Point",
            id="discussion.note_point",
            tooltip="Type a point under this step (the recorder)",
        ),
        Binding(
            "f6",
            "star_notes",
            "Star",
            id="discussion.star_notes",
            tooltip="Star notes of the chosen cell for the write-up",
            show=False,  # in F1 and the palette: the footer keeps "esc Study map" at 80
        ),
        # Undo is everywhere ctrl+z; it is in F1 and the palette, and the footer
        # needs its room at 80 columns for the way back (esc).
        Binding("ctrl+z", "undo", "Undo", id="discussion.undo", priority=True, show=False),
        Binding("escape", "close", "Study map", id="discussion.close"),
    ]

    def __init__(self, study_file: StudyFile, lesson: int) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson = lesson
        self._note_seq = study_file.last_seq()  # read first: a note in between comes twice
        # The grid of the study's notes, kept up to date as notes arrive; made again
        # from the study when needed (see `study`).
        self._notes_grid: EvidenceGrid | None = None
        self._study = study_for_lesson(study_file, lesson)
        self._whole_study = False  # True once every lesson's notes are loaded
        chosen = protocol_or_default(self.study.overview.protocol)
        self.protocol, self._protocol_warning = chosen.protocol, chosen.problem
        self.doc: EditedDocument[Discussion] = EditedDocument(
            study_file, documents.discussion(lesson), lambda: default_discussion(self.study, lesson)
        )
        self.step_index = 0
        self._carried: Carried | None = None  # where the next plan's checklist stands
        self._back_to_grid = False  # a point begun on the grid: back there after Enter
        self._drafts: dict[str, str] = {}  # step id -> a point typed but not added
        self._notes_timer: Timer | None = None  # other observers' notes, shown soon
        # Where the notes stand moved (a stage mark, a plan): they are read again here.
        self._notes_reader = BackgroundRead(
            self,
            self._read_notes,
            self._notes_read_again,
            name="discussion-notes",
            failed=lambda _error: self._reload_study(),  # on this thread, which says why
        )
        self._notes_shown_at = 0.0
        self._draft_step: str | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="discussion-header"):
            yield Static("", id="discussion-title")
            yield SaveStatus(id="discussion-saved")
        with Horizontal(id="discussion-body"):
            yield OptionList(id="step-list")
            with Vertical(id="step-pane"):
                yield Static("", id="step-heading")
                with ContentSwitcher(initial="content-evidence", id="step-content"):
                    yield EvidenceView(id="content-evidence")
                    with VerticalScroll(id="content-interviews"):
                        yield Static("", id="interviews-text")
                    with VerticalScroll(id="content-journey"):
                        yield PupilJourneyChart(id="journey-chart")
                    yield Static("", id="content-agreed")
                    yield TextArea(id="content-commentator", soft_wrap=True)
                yield PointsEditor(self._points_changed, id="points")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # Less space between the keys when narrow, so "esc Study map" stays in view.
        self.query_one(Footer).compact = event.size.width < COMPACT_FOOTER_BELOW

    def on_mount(self) -> None:
        self.title = f"RL{self.lesson} post-lesson discussion"
        if self._protocol_warning:
            self.notify(self._protocol_warning, severity="warning")
        kept = other_protocol_points(self.discussion, self.protocol)
        if kept:
            self.notify(
                f"{counted(sum(len(p) for p in kept.values()), 'point')} noted under "
                "another protocol's steps: kept, listed under the steps, and in the write-up.",
                timeout=6,
            )
        table = self.query_one(EvidenceTable)
        table.judge = self._judge
        table.take_back = self._take_back_judgements
        table.type_into = self._type_into_point
        if self.discussion.agreed_changes:
            self._carry()  # changes agreed in an earlier sitting, or in another window
        self._show_header()
        self._show_step()

    @property
    def study(self) -> Study:
        return self._study

    @study.setter
    def study(self, study: Study) -> None:
        """Another copy of the study: the grid made from the old one is kept only when
        it has the same notes, plan and case pupils (another recorder's points saved)."""
        old, self._study = self._study, study
        if study.notes is not old.notes or _grid_made_from(study, self.lesson) != _grid_made_from(
            old, self.lesson
        ):
            self._notes_grid = None

    @property
    def step(self) -> ProtocolStep:
        return self.protocol.steps[self.step_index]

    @property
    def discussion(self) -> Discussion:
        return self.doc.value

    # ------------------------------------------------------------------ showing

    def _show_header(self) -> None:
        d = self.discussion
        date = dates.show_date(d.date) or "no date"
        text = Text(f"RL{self.lesson} discussion", style="bold")
        if d.chair or d.recorder:
            text.append(
                printable(f" · {date} · chair {d.chair or '?'} · recorder {d.recorder or '?'}")
            )
        else:
            text.append(f" · {date} · F2: who chairs and records")
        text.append(f" · {len(d.attendees)} attending")
        self.query_one("#discussion-title", Static).update(text)
        # The names are there on hover, and in full under F2.
        attending = ", ".join(d.attendees)
        self.query_one("#discussion-title", Static).tooltip = (
            plain(attending) if attending else None
        )

    def _show_step_list(self) -> None:
        options = self.query_one("#step-list", OptionList)
        items = []
        for index, step in enumerate(self.protocol.steps):
            current = index == self.step_index
            prompt = Text("▶ " if current else "  ", style="bold")
            prompt.append(printable(f"{index + 1}. {step.title}"), style="bold" if current else "")
            count = len(step_points(self.discussion, step))
            if step.kind is ProtocolStepKind.COMMENTATOR:
                count = int(bool(self.discussion.commentator_remarks.strip()))
            if count:
                prompt.append(f" ({count})", style="dim")
            if step.optional:
                prompt.append(" optional", style="dim italic")
            items.append(Option(prompt, id=step.id))
        # Points noted under another protocol's steps are kept (and are in the
        # write-up): say so, rather than let them vanish from the screen.
        for step_id, points in other_protocol_points(self.discussion, self.protocol).items():
            kept = Text(f"  {step_id.replace('_', ' ').capitalize()} ({len(points)})", style="dim")
            kept.append("\n    other protocol", style="dim italic")
            items.append(Option(kept, id=f"kept-{step_id}", disabled=True))
        options.set_options(items)
        options.highlighted = self.step_index

    def _show_step(self) -> None:
        step = self.step
        self._show_step_list()
        heading = Text(f"{self.step_index + 1}/{len(self.protocol.steps)} ", style="dim")
        heading.append(printable(step.title), style="bold")
        speaker = speaker_words(self.study, self.lesson, self.discussion, step.speaker)
        heading.append(printable(f" ({speaker})"), style="dim")
        heading.append("\n")
        heading.append(printable(step.prompt), style="italic")
        self.query_one("#step-heading", Static).update(heading)
        pane = self.query_one("#step-pane")
        for kind in ProtocolStepKind:
            pane.set_class(step.kind is kind, f"-{kind.value}")
        self.query_one("#step-content", ContentSwitcher).current = CONTENT_OF_KIND[step.kind]
        self._show_content()
        points = self.query_one(PointsEditor)
        points.display = step.kind is not ProtocolStepKind.COMMENTATOR
        # What was typed and not yet added stays with its own step (each step its
        # draft): it never turns up as a point of another step.
        field = self.query_one("#point-input", Input)
        if self._draft_step is not None:
            self._drafts[self._draft_step] = field.value
        field.value = self._drafts.pop(step.id, "")
        self._draft_step = step.id
        if step.kind is ProtocolStepKind.AGREED_CHANGES:
            points.show(
                "Agreed changes",
                self.discussion.agreed_changes,
                "Type an agreed change in a sentence, Enter to add it",
            )
        else:
            points.show(
                "Points noted by the recorder",
                self.discussion.records.get(step.id, []),
                "Recorder: type a point, Enter adds it",
            )
        self._focus_for_step()
        self.refresh_bindings()

    def _focus_for_step(self) -> None:
        kind = self.step.kind
        if kind is ProtocolStepKind.EVIDENCE:
            self.query_one(EvidenceView).table.focus()
        elif kind is ProtocolStepKind.COMMENTATOR:
            self.query_one("#content-commentator", TextArea).focus()
        else:
            self.query_one("#point-input", Input).focus()

    def _show_content(self) -> None:
        kind = self.step.kind
        if kind is ProtocolStepKind.EVIDENCE:
            view = self.query_one(EvidenceView)
            if view.grid is not None and view.grid.lesson == self.lesson:
                view.study = self.study
                view.update(self.grid())  # only the cells that changed are redrawn
            else:
                view.show(self.grid(), self.study)
        elif kind is ProtocolStepKind.INTERVIEWS:
            self.query_one("#interviews-text", Static).update(
                interviews_summary(self.study, self.study.lesson_interviews(self.lesson))
            )
        elif kind is ProtocolStepKind.POINTS:
            if not self._whole_study:
                self._note_seq = self.study_file.last_seq()
                self.study, self._whole_study = self.study_file.load(), True
            self.query_one(PupilJourneyChart).show(self.study)
        elif kind is ProtocolStepKind.AGREED_CHANGES:
            self.query_one("#content-agreed", Static).update(self._agreed_explanation())
        elif kind is ProtocolStepKind.COMMENTATOR:
            area = self.query_one("#content-commentator", TextArea)
            if area.text != self.discussion.commentator_remarks:
                area.load_text(self.discussion.commentator_remarks)

    def grid(self) -> EvidenceGrid:
        """The evidence grid with the group's judgements as they are being recorded.

        Made from the study's notes once, then kept up to date as other observers'
        notes arrive (`_take_changed_notes`) and as the group judges: a grid made
        again from a lesson's 30,000 notes takes about 10 ms, and every cell of it
        would be new to the view, which makes each new cell's text again."""
        if self._notes_grid is None:
            self._notes_grid = evidence_grid(self.study, self.lesson)
        self._notes_grid = with_judgements(self._notes_grid, self.discussion)
        return self._notes_grid

    def _agreed_explanation(self) -> RenderableType:
        noted = self.discussion.records.get(self.step.id, [])
        talk: list[RenderableType] = []
        if noted:
            # Points the recorder noted while the changes were talked over (in the
            # write-up too, under this step).
            talk.append(Text("Noted while agreeing them:", style="bold"))
            talk += [plain_text(f"  - {point}", style="dim") for point in noted]
        if self.study.lesson(self.lesson + 1) is None:
            last = Text(
                f"RL{self.lesson} is the last research lesson: these conclusions feed the "
                "overall findings and the open house.",
                style="italic",
            )
            return Group(last, *talk)
        text = Text(
            f"Each agreed change goes on RL{self.lesson + 1}'s checklist as it is saved "
            f"(the plan starts as a copy of RL{self.lesson}'s). ",
            style="italic",
        )
        if self._carried is not None:
            text.append(self._carried.words(self.lesson), style="bold")
        return Group(text, *talk)

    def _carry(self) -> None:
        """Bring the next plan's checklist in line with the agreed changes (saved now)."""
        try:
            self._carried = carry_into_next_plan(self.study_file, self.lesson)
        except LessonStudyError as error:
            self._carried = None
            self.notify(
                f"RL{self.lesson + 1}'s checklist could not be updated yet: {error}. "
                "It is brought up to date when this discussion or that plan is opened.",
                severity="warning",
            )

    # ------------------------------------------------------------------ editing

    def _saved(self, saved: Saved | NotSaved | None) -> None:
        self.query_one(SaveStatus).show_saved(saved)

    def _points_changed(self, edit: PointEdit, field: str) -> list[str]:
        step = self.step
        undo_field = f"{step.id}:{field}" if field else ""
        agreed = step.kind is ProtocolStepKind.AGREED_CHANGES
        result: list[str] = []

        def mutate(d: Discussion) -> None:
            nonlocal result
            result = edit(list(d.agreed_changes if agreed else d.records.get(step.id, [])))
            if agreed:
                d.agreed_changes = result
            else:
                d.records[step.id] = result

        if self.doc.is_stale():
            self.doc.reload()  # apply the edit to the newest version, not an old copy
        self._saved(self.doc.change(mutate, undo_field))
        self._show_step_list()
        if self._back_to_grid and step.kind is ProtocolStepKind.EVIDENCE:
            self.query_one(EvidenceView).table.focus()
        self._back_to_grid = False
        if agreed:
            self._carry()
            self.query_one("#content-agreed", Static).update(self._agreed_explanation())
        return result

    @on(TextArea.Changed, "#content-commentator")
    def _commentator_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if text == self.discussion.commentator_remarks:
            return

        def mutate(d: Discussion) -> None:
            d.commentator_remarks = text

        self._saved(self.doc.change(mutate, "commentator_remarks"))

    @on(OptionList.OptionSelected, "#step-list")
    def _step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.go_to_step(event.option_index)

    def go_to_step(self, index: int) -> None:
        if 0 <= index < len(self.protocol.steps) and index != self.step_index:
            self.step_index = index
            self._show_step()

    def action_next_step(self) -> None:
        if self.step_index == len(self.protocol.steps) - 1:
            self.notify("This is the last step of the discussion.")
        self.go_to_step(self.step_index + 1)

    def action_previous_step(self) -> None:
        self.go_to_step(self.step_index - 1)

    def action_note_point(self) -> None:
        if self.step.kind is ProtocolStepKind.COMMENTATOR:
            self.query_one("#content-commentator", TextArea).focus()
        else:
            self.query_one("#point-input", Input).focus()

    def action_undo(self) -> None:
        if not self.doc.can_undo():
            self.notify("Nothing to undo.")
            return
        self._saved(self.doc.undo())
        self._show_header()
        self._show_step()

    def action_edit_header(self) -> None:
        members = [m.name for m in self.study.members]

        def done(result: Discussion | None) -> None:
            if result is None:
                return

            def mutate(d: Discussion) -> None:
                d.date, d.chair, d.recorder = result.date, result.chair, result.recorder
                d.attendees = result.attendees

            self._saved(self.doc.change(mutate, ""))
            self._show_header()

        self.app.push_screen(HeaderDialog(evolve(self.discussion), members), done)

    def _reload_study(self) -> None:
        self._note_seq = self.study_file.last_seq()  # read first: a note in between comes twice
        if self._whole_study:
            self.study = self.study_file.load()
        else:
            self.study = study_for_lesson(self.study_file, self.lesson)

    def _read_notes(self) -> tuple[Study, int, bool]:
        """In a worker (`_notes_reader`), with a connection of its own: the lesson's
        notes and stage marks (every lesson's, once the whole study is read), and
        the sequence number they were read at. 0.4 s for a lesson of a 90,000-note
        study, 1.2 s for all of it: on the UI thread that held the keys."""
        whole = self._whole_study
        with StudyFile.open(self.study_file.path, read_only=True) as reader:
            seq = reader.last_seq()  # read first: a note in between comes twice
            study = reader.load() if whole else study_for_lesson(reader, self.lesson)
        return study, seq, whole

    def _notes_read_again(self, read: tuple[Study, int, bool]) -> None:
        study, seq, whole = read
        if whole != self._whole_study:
            self._notes_reader.ask(now=True)  # every lesson's notes are wanted now
            return
        self._note_seq = seq
        self.study = attrs.evolve(self.study, notes=study.notes, marks=study.marks)
        self._take_changed_notes()  # any since that read
        self._show_live_content()

    def _take_changed_notes(self) -> None:
        """Merge in the notes added or corrected since we last read (a stage mark
        would move unplaced notes: that change reloads the lesson instead)."""
        seq = self.study_file.last_seq()
        lesson = None if self._whole_study else self.lesson
        changed = self.study_file.notes(lesson, after_seq=self._note_seq)
        self._note_seq = seq
        if changed:
            grid = self._notes_grid
            notes = with_changed_notes(self.study.notes, changed)
            self.study = attrs.evolve(self.study, notes=notes)
            if grid is not None:  # None again: a note was corrected, made anew when shown
                self._notes_grid = grid_with_new_notes(grid, changed)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_star_notes(self) -> None:
        """The notes of the cell at the grid's cursor, to star for the write-up."""
        from lessonstudy.tui.screens.star_notes import StarNotesScreen

        view = self.query_one(EvidenceView)
        place = view.cell_at_cursor()
        if place is None or view.grid is None:
            self.notify("Go to a cell of the evidence grid first (the first step).", timeout=3)
            return
        number, label = place
        notes = list(view.grid.rows[number - 1].cells[label].notes)
        names = {p.label: f"{p.label} {p.pseudonym}".strip() for p in self.study.pupils}
        title = f"RL{self.lesson}, stage {number}, {names.get(label, label)}: star for the write-up"

        def refresh(_starred: int | None) -> None:
            self._note_seq = self.study_file.last_seq()
            self.study, self._whole_study = study_for_lesson(self.study_file, self.lesson), False
            view.update(self.grid())

        self.app.push_screen(StarNotesScreen(self.study_file, title, notes, names), refresh)

    # ------------------------------------------------------------------ the group's judgement

    def _judge(self, judgement: Judgement | None) -> bool:
        """= + - ? (or Backspace: none) on the grid: the group's judgement of that cell.
        True if it changed."""
        view = self.query_one(EvidenceView)
        place = view.cell_at_cursor()
        if place is None or view.grid is None:
            return False
        number, label = place
        stage = view.grid.rows[number - 1].stage
        if self.discussion.judgement(stage.id, label) == judgement:
            return False

        def mutate(d: Discussion) -> None:
            d.set_judgement(stage.id, label, judgement)

        if self.doc.is_stale():
            self.doc.reload()
        self._saved(self.doc.change(mutate))  # each key its own step of undo
        view.update(self.grid())
        words = "taken back" if judgement is None else judgement.words
        self.notify(f"The group's judgement of {label} at stage {number}: {words}.", timeout=3)
        return True

    def _take_back_judgements(self, count: int) -> None:
        """Judgement keys that began a point ("- the strips helped"): not judgements."""
        for _ in range(count):
            if self.doc.can_undo():
                self._saved(self.doc.undo())
        self.query_one(EvidenceView).update(self.grid())
        self.notify("Writing a point: the cell's judgement is as it was.", timeout=4)

    def _type_into_point(self, event: events.Key) -> None:
        """A key typed on the grid: the recorder is writing a point."""
        field = self.query_one("#point-input", PointInput)
        field.take(event)
        field.focus()
        self._back_to_grid = True  # once the point is added, the grid again

    @on(DataTable.CellSelected)
    def _cell_entered(self, event: DataTable.CellSelected) -> None:
        # Enter on the grid: on to the point being written (Enter then adds it).
        event.stop()
        self.query_one("#point-input", Input).focus()

    @on(UnplacedNotes.Place)
    def _place_note(self, event: UnplacedNotes.Place) -> None:
        """The group puts a note that is in no stage into a stage of the plan."""
        try:
            if not place_in_stage(self.study_file, event.note, self.lesson, event.number):
                return
        except LessonStudyError as error:
            self.notify(f"Not placed: {error}", severity="error")
            return
        self.notify(f"Placed in stage {event.number}.", timeout=3)
        self._reload_study()
        self._show_content()

    # ------------------------------------------------------------------ live refresh

    @on(StudyChanged)
    def _study_changed(self, message: StudyChanged) -> None:
        """Another process saved: show its notes and edits, keeping what is being typed.

        Notes and stage marks of another lesson change nothing here: no reading.
        Notes alone (observers still writing) are merged in, at most once a second."""
        change = message.change
        lesson = None if self._whole_study else self.lesson
        if change is not None and not (
            change.documents or change.conflicts or change.marks(lesson)
        ):
            if change.notes(lesson):
                self._notes_changed()
            return
        # The documents are read again at once (a few ms: a stage taken out of the plan
        # must not be judged meanwhile), the notes kept: the other recorder's points or
        # a header leave them as they were (a lesson's 30,000 notes were read again
        # for each point saved).
        fresh = self.study_file.load(notes=False)
        self.study = attrs.evolve(fresh, notes=self.study.notes, marks=self.study.marks)
        if change is None or not _notes_stand_as_they_were(change, lesson):
            self._notes_reader.ask()  # a stage mark, a plan: where the notes stand moved
        if self.doc.reload():
            self._show_header()
            self._show_step_list()
            editor = self.query_one(PointsEditor)
            if editor.editing is None:
                editor.show(
                    editor.heading, step_points(self.discussion, self.step), editor.placeholder
                )
        self._show_live_content()

    def _notes_changed(self) -> None:
        if self._notes_timer is not None:
            return  # a refresh is due: it reads these too
        wait = self._notes_shown_at + NOTES_REFRESH_SECONDS - time.monotonic()
        if wait <= 0:
            self._show_changed_notes()  # the first for a while: at once
        else:
            self._notes_timer = self.set_timer(wait, self._show_changed_notes)

    def _show_changed_notes(self) -> None:
        self._notes_timer = None
        self._notes_shown_at = time.monotonic()
        self._take_changed_notes()
        self._show_live_content()

    def _show_live_content(self) -> None:
        typing_remarks = self.query_one("#content-commentator", TextArea).has_focus
        if not typing_remarks:
            self._show_content()
