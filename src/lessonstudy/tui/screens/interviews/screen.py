"""Pupil interviews after a research lesson: about five minutes, exact words kept.

The list on the left holds this lesson's interviews (ctrl+n adds one); the
right side edits the open one: who was interviewed (a case pupil, another
pupil or a small group) and by whom, a five-minute timer, and one answer per
prompt, typed as said. ctrl+f flags the answer being typed as a verbatim
quote for the write-up. The prompts are the study's own (F2 edits them, saved
in the overview), else the protocol's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    Answer,
    Interview,
    IntervieweeKind,
    now,
)
from lessonstudy.process import StepKind
from lessonstudy.protocols import protocol_or_default
from lessonstudy.store import Saved, StudyFile, documents
from lessonstudy.tui.document import EditedDocument, NotSaved
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.plain import plain_text
from lessonstudy.tui.screens.interviews.fields import AnswerArea, AnswerField, PromptsDialog
from lessonstudy.tui.screens.interviews.words import (
    KIND_WORDS,
    NEW_INTERVIEW,
    interviewee_words,
    list_entry,
    questions_text,
    timer_text,
)
from lessonstudy.tui.widgets.date_field import MomentInput
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.usecases import dates
from lessonstudy.usecases.interviews import interview_prompts, start_interview


class InterviewsScreen(Screen[None]):
    """The pupil interviews of research lesson `lesson`."""

    CSS_PATH = "interviews.tcss"
    HELP_STEP = StepKind.INTERVIEWS  # F1 explains the step (the app's help screen)

    BINDINGS = [
        Binding(
            "ctrl+n",
            "new_interview",
            "New",
            id="interviews.new",
            tooltip="Start a new interview",
            priority=True,  # in turn (KeysInTurn): the keys typed after go to its first answer
        ),
        Binding(
            "ctrl+f",
            "flag_quote",
            "Quote",
            id="interviews.quote",
            tooltip="Flag this answer as a verbatim quote for the write-up (again: unflag)",
            priority=True,  # over the answer box's own ctrl+f; in turn, on the answer typed
        ),
        Binding(
            "ctrl+t",
            "start_timer",
            "Timer",
            id="interviews.timer",
            tooltip="Start the five-minute timer again from now",
        ),
        Binding(
            "f2",
            "edit_prompts",
            "Prompts",
            id="interviews.prompts",
            tooltip="Edit this study's interview prompts",
        ),
        Binding(
            "ctrl+d",
            "delete_interview",
            "Delete",
            id="interviews.delete",
            tooltip="Delete this interview (ctrl+z brings it back)",
            priority=True,  # over the answer box's own ctrl+d (delete a character)
            show=False,  # rare: F1 and the palette list it; the footer keeps "esc Study map"
        ),
        # Undo is ctrl+z everywhere; F1 and the palette list it: the footer keeps its room
        # at 80 columns for the way back (esc) and the help (f1).
        Binding("ctrl+z", "undo", "Undo", id="interviews.undo", priority=True, show=False),
        Binding("escape", "close", "Study map", id="interviews.close"),
    ]

    def __init__(
        self,
        study_file: StudyFile,
        lesson: int,
        *,
        clock: Callable[[], dt.datetime] = now,
        live_timer: bool = True,
    ) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson = lesson
        self.clock = clock  # tests pass a fixed clock
        self.live_timer = live_timer  # tests and snapshots turn the ticking off
        # The interviews, pupils, members and plans: no note is shown here (a study's
        # tens of thousands of notes are not read for them).
        self.study = study_file.load(notes=False)
        chosen = protocol_or_default(self.study.overview.protocol)
        self.protocol, self._protocol_problem = chosen.protocol, chosen.problem
        self.doc: EditedDocument[Interview] | None = None
        self._docs: dict[UUID, EditedDocument[Interview]] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="interviews-header"):
            yield Static(
                Text(f"RL{self.lesson} pupil interviews", style="bold"), id="interviews-title"
            )
            yield SaveStatus(id="interviews-saved")
        with Horizontal(id="interviews-body"):
            yield OptionList(id="interview-list")
            with Vertical(id="interview-pane"):
                yield Static("", id="interview-empty")
                with Vertical(id="interview-editor"):
                    with Horizontal(id="interview-when-row"):
                        # When it was held: set by the first answer, typed for an
                        # interview written on paper and typed in later. First in
                        # the Tab order: Tab from the interviewer still goes
                        # straight to the first answer.
                        yield Label("Held", id="interview-when-label")
                        yield MomentInput(id="interview-when", placeholder="at the first answer")
                    with Horizontal(id="interview-who"):
                        yield Select(
                            [(words, kind.value) for kind, words in KIND_WORDS.items()],
                            allow_blank=False,
                            id="interviewee-kind",
                            compact=True,
                        )
                        yield Select(
                            self._pupil_choices(),
                            id="interviewee-pupil",
                            prompt="Which pupil",
                            compact=True,
                        )
                        yield Input(
                            placeholder="Who (e.g. two pupils from table 3)",
                            id="interviewee-text",
                            compact=True,
                            select_on_focus=False,
                        )
                        yield Select(
                            self._member_choices(),
                            id="interviewer",
                            prompt="Interviewer",
                            compact=True,
                        )
                    yield Static("", id="interview-timer")
                    yield Static("", id="interview-questions")
                    # Not a Tab stop of its own: Tab from the interviewer goes
                    # straight to the first answer (the answers scroll to the cursor).
                    yield VerticalScroll(id="answers", can_focus=False)
        yield Footer()

    def _pupil_choices(self) -> list[tuple[Text, str]]:
        return [
            (plain_text(f"{p.label} {p.pseudonym}".strip()), p.label) for p in self.study.pupils
        ]

    def _member_choices(self) -> list[tuple[Text, str]]:
        return [(plain_text(m.name), m.name) for m in self.study.members]

    def on_mount(self) -> None:
        if self._protocol_problem:
            self.notify(self._protocol_problem, severity="warning")
        self._show_questions()
        self._show_list()
        interviews = self._interviews()
        if interviews:
            self.open_interview(interviews[0])
        else:
            self._show_editor()
        if self.live_timer:
            self.set_interval(1, self._tick, name="interview-timer")

    def _show_questions(self) -> None:
        plan = self.study.lesson(self.lesson)
        questions = plan.interview_questions.strip() if plan else ""
        widget = self.query_one("#interview-questions", Static)
        widget.display = bool(questions)
        widget.update(questions_text(questions) if questions else "")

    def _interviews(self) -> list[Interview]:
        return self.study.lesson_interviews(self.lesson)

    @property
    def interview(self) -> Interview | None:
        """The open interview; None when none is open or it was just deleted
        (its document stays open, so ctrl+z can bring it back)."""
        if self.doc is None or self.doc.value.deleted:
            return None
        return self.doc.value

    # ------------------------------------------------------------------ showing

    def _show_list(self) -> None:
        options = self.query_one("#interview-list", OptionList)
        items = []
        current = self.interview.id if self.interview else None
        for interview in self._interviews():
            if interview.id == current and self.interview is not None:
                interview = self.interview
            items.append(Option(list_entry(self.study, interview), id=str(interview.id)))
        items.append(Option(Text("+ New interview (ctrl+n)", style="italic"), id=NEW_INTERVIEW))
        options.set_options(items)
        index = next((i for i, o in enumerate(items) if o.id == str(current)), None)
        # With nothing open, Enter on the list starts an interview at once.
        options.highlighted = index if index is not None else len(items) - 1

    def _show_editor(self, *, focus_first: bool = False) -> None:
        interview = self.interview
        self.query_one("#interview-empty", Static).display = interview is None
        self.query_one("#interview-editor").display = interview is not None
        if interview is None:
            self.query_one("#interview-empty", Static).update(
                f"No interviews for RL{self.lesson} yet. ctrl+n starts one: about five minutes, "
                "one pupil or a small group, straight after the lesson, exact words kept."
            )
            return
        with self.prevent(Select.Changed, Input.Changed):
            self.query_one("#interviewee-kind", Select).value = interview.kind.value
            pupil = self.query_one("#interviewee-pupil", Select)
            labels = self.study.labels
            pupil.value = interview.interviewee if interview.interviewee in labels else Select.NULL
            self.query_one("#interviewee-text", Input).value = (
                "" if interview.kind is IntervieweeKind.CASE_PUPIL else interview.interviewee
            )
            members = [m.name for m in self.study.members]
            self.query_one("#interviewer", Select).value = (
                interview.interviewer if interview.interviewer in members else Select.NULL
            )
        self._show_who()
        self._tick()
        self.call_next(self._rebuild_answers, focus_first)

    async def _rebuild_answers(self, focus_first: bool) -> None:
        answers = self.query_one("#answers", VerticalScroll)
        await answers.remove_children()
        if self.interview is None:
            return
        await answers.mount_all(AnswerField(i, a) for i, a in enumerate(self.interview.answers))
        if focus_first and self.interview.answers:
            self.query(AnswerArea).first().focus()

    def _show_who(self) -> None:
        interview = self.interview
        case = interview is not None and interview.kind is IntervieweeKind.CASE_PUPIL
        self.query_one("#interviewee-pupil").display = case
        self.query_one("#interviewee-text").display = not case

    def _tick(self) -> None:
        started = self.interview.started if self.interview else None
        self.query_one("#interview-timer", Static).update(timer_text(started, self.clock()))
        held = self.query_one("#interview-when", Input)
        if not held.has_focus and held.value != dates.show_moment(started):
            with self.prevent(Input.Changed):
                held.value = dates.show_moment(started)

    @on(Input.Changed, "#interview-when")
    def _when_changed(self, event: Input.Changed) -> None:
        try:
            at = dates.parse_moment(event.value)
        except ValueError:
            return  # not saved until it is a date and a time (the field says why)
        if self.interview is None or at == self.interview.started:
            return
        self._change(lambda i: setattr(i, "started", at), "started")
        self.query_one("#interview-timer", Static).update(timer_text(at, self.clock()))

    # ------------------------------------------------------------------ opening and adding

    def open_interview(self, interview: Interview, *, focus_first: bool = False) -> None:
        # One document per interview, kept while the screen is open: its undo
        # history survives moving to another interview and back.
        doc = self._docs.get(interview.id)
        if doc is None:
            doc = EditedDocument(self.study_file, documents.interview(interview))
            self._docs[interview.id] = doc
        elif doc.is_stale():
            doc.reload()
        self.doc = doc
        self._show_list()
        self._show_editor(focus_first=focus_first)

    def new_interview(self) -> Interview | None:
        prompts = interview_prompts(self.study.overview, self.protocol)
        try:
            interview, saved = start_interview(self.study_file, self.study, self.lesson, prompts)
        except LessonStudyError as error:
            self.notify(f"Could not start an interview: {error}", severity="error")
            return None
        self._saved(saved)
        self.study.interviews.append(interview)
        # Straight to the first answer: the pupil and interviewer are guessed
        # sensibly, and shift+tab goes back to them.
        self.open_interview(interview, focus_first=True)
        return interview

    def action_new_interview(self) -> None:
        self.new_interview()

    @on(OptionList.OptionSelected, "#interview-list")
    def _interview_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == NEW_INTERVIEW:
            self.new_interview()
            return
        for interview in self._interviews():
            if str(interview.id) == event.option.id:
                self._sync_study()
                self.open_interview(interview, focus_first=True)
                return

    def _sync_study(self) -> None:
        """Put the open interview's latest version back into the study's list."""
        if self.interview is None:
            return
        self.study.interviews = [
            self.interview if i.id == self.interview.id else i for i in self.study.interviews
        ]

    # ------------------------------------------------------------------ editing

    def _saved(self, saved: Saved | NotSaved | None) -> None:
        self.query_one(SaveStatus).show_saved(saved)

    def _change(self, mutate: Callable[[Interview], object], field: str) -> None:
        if self.doc is None:
            return
        self._saved(self.doc.change(mutate, field))
        self._sync_study()
        self._show_list()

    @on(Select.Changed, "#interviewee-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str) or self.interview is None:
            return
        kind = IntervieweeKind(event.value)
        if kind is self.interview.kind:
            return

        def mutate(i: Interview) -> None:
            i.kind = kind
            if kind is IntervieweeKind.CASE_PUPIL:
                pupil = self.query_one("#interviewee-pupil", Select).value
                i.interviewee = pupil if isinstance(pupil, str) else ""
            else:
                i.interviewee = self.query_one("#interviewee-text", Input).value.strip()

        self._change(mutate, "")
        self._show_who()

    @on(Select.Changed, "#interviewee-pupil")
    def _pupil_changed(self, event: Select.Changed) -> None:
        label = event.value if isinstance(event.value, str) else ""
        if self.interview is None or self.interview.interviewee == label:
            return
        self._change(lambda i: setattr(i, "interviewee", label), "")

    @on(Input.Changed, "#interviewee-text")
    def _who_changed(self, event: Input.Changed) -> None:
        if self.interview is None or self.interview.kind is IntervieweeKind.CASE_PUPIL:
            return
        text = event.value.strip()
        if text != self.interview.interviewee:
            self._change(lambda i: setattr(i, "interviewee", text), "interviewee")

    @on(Select.Changed, "#interviewer")
    def _interviewer_changed(self, event: Select.Changed) -> None:
        name = event.value if isinstance(event.value, str) else ""
        if self.interview is None or self.interview.interviewer == name:
            return
        self._change(lambda i: setattr(i, "interviewer", name), "")

    @on(TextArea.Changed, ".answer-input")
    def _answer_changed(self, event: TextArea.Changed) -> None:
        field = event.text_area.parent
        if self.interview is None or not isinstance(field, AnswerField):
            return
        index, text = field.index, event.text_area.text
        if index >= len(self.interview.answers) or self.interview.answers[index].answer == text:
            return
        start = self.interview.started is None and text.strip()

        def mutate(i: Interview) -> None:
            i.answers[index].answer = text
            if start:
                i.started = self.clock()

        self._change(mutate, f"answer-{index}")
        if start:
            self._tick()

    @on(AnswerArea.Next)
    def _answer_done(self, event: AnswerArea.Next) -> None:
        """Enter moves on to the next prompt."""
        fields = list(self.query(AnswerArea).results(AnswerArea))
        position = fields.index(event.area)
        if position + 1 < len(fields):
            fields[position + 1].focus()

    def action_flag_quote(self) -> None:
        focused = self.focused
        field = focused.parent if focused is not None else None
        if not isinstance(field, AnswerField) or self.interview is None:
            self.notify("Go to an answer first, then ctrl+f flags it as a quote.")
            return
        index = field.index
        quote = not self.interview.answers[index].quote

        def mutate(i: Interview) -> None:
            i.answers[index].quote = quote

        self._change(mutate, "")
        field.set_quote(quote)

    def action_delete_interview(self) -> None:
        interview = self.interview
        if interview is None:
            self.notify("Open an interview first (Enter on the list).")
            return
        self._change(lambda i: setattr(i, "deleted", True), "")
        self._show_editor()
        self.query_one("#interview-list", OptionList).focus()
        who = interviewee_words(self.study, interview)
        self.notify(f"Interview with {who} deleted. ctrl+z brings it back.")

    def action_start_timer(self) -> None:
        if self.interview is None:
            return
        at = self.clock()
        self._change(lambda i: setattr(i, "started", at), "")
        self._tick()

    def action_undo(self) -> None:
        if self.doc is None or not self.doc.can_undo():
            self.notify("Nothing to undo.")
            return
        self._saved(self.doc.undo())
        self._sync_study()
        self._show_list()
        self._show_editor()

    def action_edit_prompts(self) -> None:
        def done(prompts: list[str] | None) -> None:
            if prompts is None:
                return
            overview = EditedDocument(self.study_file, documents.OVERVIEW)
            self._saved(overview.change(lambda o: setattr(o, "interview_prompts", prompts), ""))
            self.study.overview = overview.value
            self._apply_prompts(prompts)

        prompts = interview_prompts(self.study.overview, self.protocol)
        self.app.push_screen(PromptsDialog(prompts, self.protocol), done)

    def _apply_prompts(self, prompts: list[str]) -> None:
        """The open interview follows the new prompts, keeping every typed answer."""
        if self.interview is None:
            return

        def mutate(i: Interview) -> None:
            kept = {a.prompt: a for a in i.answers}
            answers = [kept.pop(p, Answer(p)) for p in prompts]
            answered_elsewhere = [a for a in kept.values() if a.answer.strip()]
            i.answers = answers + answered_elsewhere

        self._change(mutate, "")
        self._show_editor()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(StudyChanged)
    def _study_changed(self, message: StudyChanged) -> None:
        """Another process saved: refresh the list (the open interview keeps what is typed).

        Not for observers' notes or the lesson clock: nothing here shows them (they
        come many a second while a lesson is observed)."""
        change = message.change
        if change is not None and not (change.documents or change.conflicts):
            return
        self.study = self.study_file.load(notes=False)
        self.protocol = protocol_or_default(self.study.overview.protocol).protocol
        self._show_questions()
        if self.doc is not None and self.doc.is_stale():
            if isinstance(self.focused, AnswerArea):
                self._take_newer_around_typing(self.focused)
            elif not isinstance(self.focused, Input | TextArea):
                self.doc.reload()
                self._show_editor()
        self._sync_study()
        self._show_list()

    def _take_newer_around_typing(self, typing: AnswerArea) -> None:
        """Someone else saved this interview while an answer is being typed: take
        their version, keep the answer being typed on top of it, and show their
        other answers without touching the box with the cursor in it."""
        if self.doc is None:
            return
        field = typing.parent
        index = field.index if isinstance(field, AnswerField) else None
        typed = typing.text
        self.doc.reload()
        answers = self.doc.value.answers
        if index is not None and index < len(answers) and answers[index].answer != typed:
            self._saved(self.doc.change(lambda i: setattr(i.answers[index], "answer", typed), ""))
        for other in self.query(AnswerField):
            if other.index == index or other.index >= len(answers):
                continue
            area = other.query_one(AnswerArea)
            if area.text != answers[other.index].answer:
                with self.prevent(TextArea.Changed):
                    area.text = answers[other.index].answer
