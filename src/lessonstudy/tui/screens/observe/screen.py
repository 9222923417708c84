"""Observer mode: what an observer at the back of the classroom uses for fifty minutes.

The screen shows the running stage (title, planned minutes, time in it), the
predictions for each case pupil at this stage (the observer's own pupils
first), one note line and the notes so far, newest first. A note is a pupil
key, a judgement key, the text and Enter (see widgets/note_line.py); its time
and stage fill in by themselves.

One lesson, one timeline: the running stage is a fact of the lesson, not of
each observer. ctrl+n / ctrl+b on anyone's screen move the lesson's one clock
(a stage mark with the time and who moved it), ctrl+l ends the lesson and
opens the end-of-lesson view; every observer's screen follows. A note's stage
is not written by this screen at all: the note is stored as "the stage running
at its time" and the store reads it from the marks in the file, so a note
typed a moment after someone else moved the clock (before this screen heard of
it) still lands in the right stage. A stage chosen in the correction dialog
overrides it.

Escape on an empty note line goes back to the study map, as on every step
(Escape in the notes list comes back to the note line first; typed text is
never thrown away by it). Letters typed while the notes list has the focus go
to the note line: no single printable key changes a note.

The name given with `--as` (or typed in "Who are you?") is matched to a
member's name, ignoring case, or to a member's first name when only one member
has it: "grace" observes as "Grace Okafor", with her assigned pupils and her
own notes. A name that is no member's is kept as typed, and the screen says so.

Several observers write to one study at once, each in their own process.
When another process commits, the app posts `StudyChanged`; the screen then
fetches only the notes changed since the last one it saw (`after_seq`) and the
stage marks added since (`mark_seq`) and merges them in. It never touches the
note line or the focus, so nobody's typing is interrupted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections.abc import Iterator
from functools import partial
from uuid import UUID

import attrs
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    CasePupil,
    Observation,
    ResearchLesson,
    Stage,
    StageMark,
    now,
    pupil_keys,
)
from lessonstudy.printable import printable
from lessonstudy.process import (
    StepKind,
    Timeline,
    latest_mark,
    lesson_clock,
    placed,
    running_since,
    stage_to_resume,
    timeline,
)
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.lesson_clock import LessonClock, minutes_seconds
from lessonstudy.tui.widgets.note_line import (
    CLASS_KEY,
    PUPIL_STYLE,
    NoteDraft,
    NoteLine,
    about_words,
)
from lessonstudy.tui.widgets.notes_table import NotesTable, short_name

SAVED_SHOWN = dt.timedelta(seconds=5)  # "note saved" stays in the header this long
QUIT_AGAIN_SECONDS = 5.0  # a second ctrl+q this soon quits though a note is in the line
RECENT_CHANGES = 300  # note changes read before the first frame; the rest follow

HINT = (
    "pupil key (0 = class) · then = + - ? and ! (critical), or just type · Enter saves · "
    "Backspace on an empty line takes back a pick · ctrl+n/ctrl+b move the lesson's clock · "
    "Tab: the notes list (Enter corrects, Delete deletes, ctrl+z undoes, ctrl+d shows deleted)"
)
# On a short terminal (80x24) one line: the note line's placeholder says the rest.
SHORT_HINT = "Enter saves · ! critical · Tab: notes (correct, delete) · F1: all keys"


def match_observer(name: str, known: list[str]) -> str:
    """The member `name` means: exact, then ignoring case, then a unique first name.

    Anything else is kept as typed (a guest may observe too).
    """
    name = " ".join(name.split())
    if name in known:
        return name
    folded = name.casefold()
    same = [k for k in known if k.casefold() == folded]
    if len(same) == 1:
        return same[0]
    first = [k for k in known if k.split() and k.split()[0].casefold() == folded]
    return first[0] if len(first) == 1 else name


class ObserveScreen(Screen[None]):
    CSS_PATH = "observe.tcss"
    HELP_STEP = StepKind.OBSERVE
    # "-short" below 30 rows (80x24): a one-line hint, more room for the notes.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding("ctrl+n", "next_stage", "Next stage", id="observe.next_stage", priority=True),
        # Not in the footer (80 columns hold five keys): the hint and F1 list it.
        Binding(
            "ctrl+b",
            "previous_stage",
            "Back a stage",
            id="observe.previous_stage",
            priority=True,
            show=False,
        ),
        Binding("ctrl+l", "end_lesson", "End lesson", id="observe.end_lesson", priority=True),
        Binding("escape", "leave", "Study map", id="observe.leave"),
    ]

    def __init__(self, study_file: StudyFile, lesson: int, observer: str) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson_number = lesson
        self.lesson = ResearchLesson(number=lesson)
        self.pupils: list[CasePupil] = []
        self.marks: list[StageMark] = []  # the lesson's, whoever moved the clock
        self._mark_seq = 0
        self._timeline: Timeline | None = None
        self._lesson_revision = -1
        self._pupils_revision = -1
        self._seen_seq = 0
        self._last_saved: dt.datetime | None = None
        self._quit_asked: float | None = None  # when quitting was last held back
        self._running_since: dt.datetime | None = None  # the running stage's start
        self._shown_stage: Stage | None = None
        self._loaded = False  # on_mount has read the notes and marks
        self.older_notes_loaded = False  # True once every note of the lesson is in the list
        self._read_plan()
        self.known_observers = self._known_observers()
        self.observer = match_observer(observer, self.known_observers)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="stage")
        with Horizontal(id="top"):
            with VerticalScroll(id="predictions-box"):
                yield Static(id="predictions")
            yield LessonClock(id="clock")
        yield NoteLine(self._pupil_choices(), self._save_note, id="note-line")
        yield Static(HINT, id="hint")
        yield Static(SHORT_HINT, id="short-hint")
        yield Static(id="notes-title")
        yield NotesTable(self.observer, self._stage_numbers(), id="notes")
        yield Footer(compact=True)  # so that esc and F1 still fit in 80 columns

    def on_mount(self) -> None:
        self._read_marks()
        self.table.type_into = self._type_into_note
        self.table.set_pupils({p.label: p.pseudonym for p in self.pupils})
        self._load_notes()
        self._show_stage()
        self.set_interval(1.0, self._tick, name="observe-clock")
        self.note_line.input.focus()
        self._loaded = True
        self._say_who_and_what()

    def _say_who_and_what(self) -> None:
        """A name that is no member's, or a lesson with no plan: say so at once."""
        if not self._planned:
            self.notify(
                f"RL{self.lesson_number} has no plan in this study yet: notes are kept, "
                "but there are no stages or predictions to go with them.",
                title="No plan for this lesson",
                severity="warning",
                timeout=10,
            )
        if self.known_observers and self.observer not in self.known_observers:
            self.notify(
                f"{self.observer!r} is not one of the group ({', '.join(self.known_observers)}). "
                f"Your notes are kept under {self.observer!r}.",
                title="Not a member",
                severity="warning",
                timeout=10,
            )

    @property
    def note_line(self) -> NoteLine:
        return self.query_one(NoteLine)

    @property
    def table(self) -> NotesTable:
        return self.query_one(NotesTable)

    # ------------------------------------------------------------------ the plan

    def _read_plan(self) -> bool:
        """Read the lesson plan and pupils again if they changed; True if they did."""
        revisions = self.study_file.revisions()
        lesson_rev = revisions.get(("lesson", str(self.lesson_number)), 0)
        pupils_rev = revisions.get(("pupils", ""), 0)
        if (lesson_rev, pupils_rev) == (self._lesson_revision, self._pupils_revision):
            return False
        plan = self.study_file.find(documents.lesson(self.lesson_number))
        self.lesson, self._lesson_revision = plan or (ResearchLesson(self.lesson_number), 0)
        self.pupils, self._pupils_revision = self.study_file.read(documents.PUPILS)
        return True

    @property
    def _planned(self) -> bool:
        """The lesson has a plan in the study (it may still have no stages)."""
        return self._lesson_revision > 0

    def _known_observers(self) -> list[str]:
        """The group's members, and anyone the plan assigns pupils to."""
        names = [member.name for member in self.study_file.read(documents.MEMBERS).value]
        names += [name for name in self.lesson.assignments if name not in names]
        return names

    def _own_labels(self) -> list[str]:
        return list(self.lesson.watching.get(self.observer, []))  # none for the teacher

    def _ordered_pupils(self) -> list[CasePupil]:
        """The observer's own assigned pupils first, then the others."""
        own = self._own_labels()
        return sorted(
            self.pupils,
            key=lambda p: (own.index(p.label) if p.label in own else len(own), p.label),
        )

    def _pupil_choices(self) -> list[tuple[str, str]]:
        return [(p.label, p.pseudonym) for p in self._ordered_pupils()]

    def _stage_numbers(self) -> dict[UUID, int]:
        return {stage.id: n for n, stage in enumerate(self.lesson.stages, start=1)}

    # ------------------------------------------------------------------ the lesson's clock

    def _read_marks(self) -> None:
        """Every mark of the lesson, afresh (on opening, or when the plan changed)."""
        self._mark_seq = self.study_file.mark_seq()
        self.marks = self.study_file.marks(self.lesson_number)
        self._timeline = None

    def _fetch_marks(self) -> list[StageMark]:
        """The marks added since we last looked (anyone's): the clock moved."""
        seq = self.study_file.mark_seq()
        if seq == self._mark_seq:
            return []
        new = self.study_file.marks(self.lesson_number, after_seq=self._mark_seq)
        self._mark_seq = seq
        known = {mark.id for mark in self.marks}
        new = [mark for mark in new if mark.id not in known]
        if new:
            self.marks = sorted([*self.marks, *new], key=lambda m: m.at)
            self._timeline = None
        return new

    @property
    def timeline(self) -> Timeline:
        if self._timeline is None:
            self._timeline = timeline(self.lesson, self.marks)
        return self._timeline

    def _latest(self) -> StageMark | None:
        return latest_mark(self.marks, self.lesson_number)

    def _position(self) -> tuple[int | None, StageMark | None]:
        """(0-based index of the running stage or None, the mark that set the clock there)."""
        mark = self._latest()
        if mark is None:
            return None, None
        number = self.lesson.stage_number(mark.stage_id)
        return (None if number is None else number - 1), mark

    def _ended(self) -> dt.datetime | None:
        mark = self._latest()
        return mark.at if mark is not None and mark.stage_id is None else None

    def action_next_stage(self) -> None:
        stages = self.lesson.stages
        if not stages:
            self.notify("This lesson has no stages planned yet.", severity="warning")
            return
        if self._ended() is not None:
            self.notify(
                "The lesson has ended. ctrl+b takes the end back: the stage running then runs on."
            )
            return
        index, _mark = self._position()
        if index is None:
            target = 0
        elif index + 1 < len(stages):
            target = index + 1
        else:
            self.notify("This is the last stage: ctrl+l ends the lesson.")
            return
        self._add_mark(stages[target].id)

    def action_previous_stage(self) -> None:
        stages = self.lesson.stages
        index, _mark = self._position()
        if self._ended() is not None:
            # Take the end back: the stage that was running runs on, from its start.
            resume = stage_to_resume(self.marks, self.lesson_number)
            if resume is not None and self.lesson.stage_number(resume) is not None:
                self._add_mark(resume)
            else:
                self.notify("No stage of the plan was running when the lesson ended.")
        elif index is None or index == 0:
            self.notify("Already at the start of the lesson.")
        else:
            self._add_mark(stages[index - 1].id)

    def action_end_lesson(self) -> None:
        """ctrl+l: end the lesson (for every observer: asked first), or, once it has
        ended, open the end-of-lesson view."""
        if self._ended() is not None:
            self._show_summary()
            return
        from lessonstudy.tui.screens.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if not yes:
                self.action_focus_line()
                return
            self._clock_moved(self._fetch_marks())  # someone may have ended it meanwhile
            if self._ended() is not None or self._add_mark(None):
                self._show_summary()

        self.app.push_screen(
            ConfirmDialog(
                "End the lesson for every observer?",
                "Every observer's clock stops and notes from now on are in no stage. "
                "ctrl+b afterwards takes the end back: the stage running now runs on.",
            ),
            answered,
        )

    def _show_summary(self) -> None:
        from lessonstudy.tui.screens.observe.summary import LessonSummaryScreen

        self.app.push_screen(
            LessonSummaryScreen(self.study_file, self.lesson_number, self.observer)
        )

    def _add_mark(self, stage_id: UUID | None) -> bool:
        """Move the lesson's clock (everyone's screen follows)."""
        self._fetch_marks()  # where the clock is now, if someone else just moved it
        mark = StageMark(
            lesson=self.lesson_number, observer=self.observer, at=now(), stage_id=stage_id
        )
        try:
            self.study_file.add_mark(mark)
        except LessonStudyError as error:
            self.notify(f"Stage change NOT saved: {error}", severity="error")
            return False
        self._fetch_marks()
        self._clock_moved([mark])
        return True

    def _clock_moved(self, new: list[StageMark]) -> None:
        """Marks arrived: show the stage, and place again the notes they may move
        (a note typed just before we heard of a mark made a moment before it)."""
        if new:
            since = min(mark.at for mark in new)
            line = self.timeline
            self.table.upsert(
                placed(note, line)
                for note in self.table.notes_since(since)
                if not note.stage_chosen
            )
        self._show_stage()

    # ------------------------------------------------------------------ showing the stage

    def _show_stage(self) -> None:
        index, _mark = self._position()
        stages = self.lesson.stages
        ended = self._ended()
        clock_rows = lesson_clock(self.lesson, self.marks)
        since = running_since(self.marks, self.lesson_number) if index is not None else None
        self._running_since = since
        self.query_one(LessonClock).show(
            clock_rows, None if index is None else index + 1, since, ended
        )
        shown: Stage | None
        if index is not None:
            shown = stages[index]
        elif ended is None and stages:
            shown = stages[0]  # not started: what to expect first
        else:
            shown = None
        self._show_predictions(shown)
        self._show_header()

    def _show_header(self) -> None:
        index, mark = self._position()
        stages = self.lesson.stages
        # What matters most comes first: an 80-column terminal cuts the end.
        text = Text()
        # The keys come before any title, in few words: all of it fits 80 columns.
        text.append(f" RL{self.lesson_number} ", "bold reverse")
        text.append(printable(f" {short_name(self.observer)} · "))
        ended = self._ended()
        if ended is not None:
            text.append(f"Lesson ended {ended.astimezone():%H:%M}", "bold")
            resume = stage_to_resume(self.marks, self.lesson_number)
            number = None if resume is None else self.lesson.stage_number(resume)
            if number is not None:
                text.append(f" · ctrl+b resumes stage {number}", "dim")
            text.append(" · ctrl+l: summary", "dim")
        elif index is None:
            if stages and mark is not None:
                # The clock is on a stage since taken out of the plan.
                text.append("Stage not in the plan any more", "bold")
                text.append(" · ctrl+n / ctrl+b move the clock", "dim")
            elif stages:
                title = printable(stages[0].title) or "Stage 1"
                text.append("Not started", "bold")
                text.append(f" · ctrl+n starts stage 1 ({title})", "dim")
            elif self._planned:
                text.append("No stages planned for this lesson", "bold")
            else:
                text.append(f"RL{self.lesson_number} is not planned in this study", "bold")
        else:
            stage = stages[index]
            text.append(f"Stage {index + 1} of {len(stages)}", "bold")
            if self._running_since is not None:
                elapsed = now() - self._running_since
                over = stage.minutes is not None and elapsed > dt.timedelta(minutes=stage.minutes)
                text.append(" · ")
                text.append(minutes_seconds(elapsed), "bold dark_orange" if over else "bold")
                text.append(f" of {stage.minutes} min" if stage.minutes is not None else " in it")
            if self._last_saved is not None:  # before the title, which may be cut
                text.append(f" · note saved {self._last_saved.astimezone():%H:%M:%S}", "dim")
            text.append(" · ")
            text.append(printable(stage.title) or "(untitled)", "bold")
            if mark is not None and mark.observer != self.observer:
                text.append(printable(f" · clock moved by {short_name(mark.observer)}"), "dim")
        if self._last_saved is not None and index is None:
            text.append(f" · note saved {self._last_saved.astimezone():%H:%M:%S}", "dim")
        header = self.query_one("#stage", Static)
        if header.size.width:  # cut with an ellipsis, so a cut never looks whole
            text.truncate(header.size.width - 1, overflow="ellipsis")
        header.update(text)

    def _show_predictions(self, stage: Stage | None) -> None:
        self._shown_stage = stage
        text = Text()
        if stage is None:
            text.append("No stage running.", "dim")
            self.query_one("#predictions", Static).update(text)
            return
        number = self.lesson.stages.index(stage) + 1
        title = printable(stage.title) or "(untitled)"
        text.append(f"Predictions, stage {number}: {title}\n", "bold")
        own = self._own_labels()
        picked = self.note_line.about if self.is_mounted else None
        keys = pupil_keys([p.label for p in self.pupils], reserved=[CLASS_KEY])  # as NoteLine's
        for pupil in self._ordered_pupils():
            who = about_words(pupil.label, {pupil.label: pupil.pseudonym})
            mine = " (yours)" if pupil.label in own else ""
            style = PUPIL_STYLE if pupil.label == picked else "bold"
            text.append(f" {keys[pupil.label]} ", "reverse")
            text.append(f" {who}{mine}: ", style)
            prediction = stage.predictions.get(pupil.label, "").strip()
            text.append(printable(prediction) or "(no prediction)", "" if prediction else "dim")
            text.append("\n")
        text.rstrip()
        self.query_one("#predictions", Static).update(text)

    @on(NoteLine.Refusal)
    def _line_refused(self, event: NoteLine.Refusal) -> None:
        """Say why a key or Enter was refused where the hint is (the placeholder is
        hidden behind typed text); the usual hint is back once the line changes."""
        for hint_id, usual in (("#hint", HINT), ("#short-hint", SHORT_HINT)):
            hint = self.query_one(hint_id, Static)
            if event.why is None:
                hint.update(usual)
            else:
                hint.update(Text(event.why, "bold dark_orange"))

    @on(NoteLine.PicksChanged)
    def _picks_changed(self) -> None:
        # Highlight the picked pupil's prediction: what to judge against.
        self._show_predictions(self._shown_stage)

    def _tick(self) -> None:
        index, _mark = self._position()
        if self._last_saved is not None and now() - self._last_saved > SAVED_SHOWN:
            self._last_saved = None
            self._show_header()
        if index is not None:
            self._show_header()
            self.query_one(LessonClock).tick()

    def on_resize(self) -> None:
        self._show_header()  # cut to the new width

    @on(Input.Changed, "#note-text")
    def _typing(self) -> None:
        if self._last_saved is not None and self.note_line.text:
            self._last_saved = None  # the next note has begun: "saved" is old news
            self._show_header()

    # ------------------------------------------------------------------ notes

    def _save_note(self, draft: NoteDraft) -> None:
        """Commit a note (called by the note line; raising keeps the text in the line)."""
        with _collector_paused():
            note = self._commit_note(draft)
        self._last_saved = now()
        # The note is saved: nothing after this may tell the line otherwise, or the
        # observer's next Enter would save it a second time.
        try:
            self.table.upsert([note])
            self._show_header()
        except Exception as error:  # the display catches up on the next refresh
            self.log.error(f"showing a saved note failed: {error!r}")

    def _commit_note(self, draft: NoteDraft) -> Observation:
        # No stage: the note takes the stage running at its time on the lesson's
        # timeline, as the file has it (the store fills it in for every reader).
        note = Observation(
            lesson=self.lesson_number,
            observer=self.observer,
            at=draft.started_at,
            about=draft.about,
            text=draft.text,
            judgement=draft.judgement,
            critical=draft.critical,
            stage_chosen=False,
        )
        self.study_file.add_note(note)
        return placed(note, self.timeline)

    def _type_into_note(self, event: events.Key) -> None:
        """A key typed in the notes list: it belongs to the note line."""
        self.note_line.feed(event)
        self.note_line.input.focus()

    def _load_notes(self) -> None:
        """The newest notes now, the older ones from a thread: the screen opens as
        fast on a study with thousands of notes as on a small one."""
        seq = self.study_file.last_seq()
        recent = self.study_file.notes(self.lesson_number, after_seq=max(seq - RECENT_CHANGES, 0))
        self._seen_seq = seq
        self.table.upsert(recent)
        if seq > RECENT_CHANGES:
            # After the first frame: the thread would compete with it for the GIL.
            self.call_after_refresh(self._load_older_notes)
        else:
            self.older_notes_loaded = True
            _settle_memory()

    @work(thread=True, exclusive=True, group="observe-older-notes")
    def _load_older_notes(self) -> None:
        # Its own read-only connection: the app's connection stays free for the
        # notes being typed meanwhile (and sqlite3 connections are not shared
        # between threads here).
        try:
            with StudyFile.open(self.study_file.path, read_only=True) as reader:
                notes = reader.notes(self.lesson_number)
        except LessonStudyError:
            notes = None
        self.app.call_from_thread(self._older_notes_loaded, notes)

    def _older_notes_loaded(self, notes: list[Observation] | None) -> None:
        if notes is None:  # could not open a second connection: read on this one
            notes = self.study_file.notes(self.lesson_number)
        self.table.upsert(notes)
        self.older_notes_loaded = True
        _settle_memory()

    def _fetch_notes(self) -> None:
        """Merge in the notes changed since we last looked (ours and everyone else's)."""
        # Read the high-water mark first: a note committed in between is fetched
        # twice (merged by id), never missed.
        seq = self.study_file.last_seq()
        changed = self.study_file.notes(self.lesson_number, after_seq=self._seen_seq)
        self._seen_seq = seq
        if changed:
            self.table.upsert(changed)

    def refresh_from_store(self) -> None:
        """Another process committed: fetch what changed. Never touches the note line."""
        plan_changed = self._read_plan()
        if plan_changed:
            # A stage removed from the plan moves marks and notes with it: read
            # the clock and the notes' stages afresh.
            self._read_marks()
            self.note_line.set_pupils(self._pupil_choices())
            self.table.set_pupils({p.label: p.pseudonym for p in self.pupils})
            self.table.set_stage_numbers(self._stage_numbers())
            self._fetch_notes()
            line = self.timeline
            self.table.upsert(
                placed(n, line) for n in self.table.notes_since(None) if not n.stage_chosen
            )
            self._show_stage()
            return
        new_marks = self._fetch_marks()
        self._fetch_notes()
        if new_marks:
            self._clock_moved(new_marks)

    @on(StudyChanged)
    def _study_changed(self) -> None:
        self.refresh_from_store()

    def on_screen_resume(self) -> None:
        # Back from the end-of-lesson view or a correction: catch up on what
        # changed meanwhile (StudyChanged went to the screen on top).
        if self._loaded:
            self.refresh_from_store()
            self._show_stage()

    @on(NotesTable.CountsChanged)
    def _counts_changed(self, event: NotesTable.CountsChanged) -> None:
        table = event.table
        text = Text()
        text.append(f"Notes: {table.note_count}", "bold")
        if table.deleted_count:
            hidden = "shown" if table.show_deleted else "hidden, ctrl+d shows them"
            text.append(f" · {table.deleted_count} deleted ({hidden})", "dim")
        text.append(" · newest first", "dim")
        self.query_one("#notes-title", Static).update(text)

    @on(NotesTable.Chosen)
    def _note_chosen(self, event: NotesTable.Chosen) -> None:
        # The list's newest copy: keys pressed in a burst each act on the note as
        # the one before left it, never on a stale copy (no false conflicts).
        note = self.table.get(event.note.id) or event.note
        if note.observer != self.observer:
            self.notify(f"That is {note.observer}'s note: only {note.observer} can change it.")
            return
        if event.action == "erase":
            self._erase(note)
            return
        if event.action == "correct":
            from lessonstudy.tui.screens.observe.correction import NoteCorrectionScreen

            self.app.push_screen(
                NoteCorrectionScreen(
                    note,
                    self._pupil_choices(),
                    self._stage_titles(),
                    self.timeline.stage_at(note.at),
                ),
                partial(self._corrected, note),
            )
            return
        if self._discussion_held():
            self.notify(
                "The post-lesson discussion has started: notes can no longer be deleted or "
                "brought back.",
                severity="warning",
            )
            return
        deleted = event.action == "delete"
        if note.deleted == deleted:
            return  # already so (a key repeated in a burst)
        if self._update(attrs.evolve(note, deleted=deleted), note):
            if deleted:
                self.notify(
                    "Note deleted. ctrl+z brings it back; ctrl+d shows the deleted notes, "
                    "ctrl+e erases one for good.",
                    timeout=6,
                )
            else:
                self.notify("Note brought back.", timeout=3)

    def _erase(self, note: Observation) -> None:
        """Erase a note for good: x, then y in the dialog that says what it means.
        Allowed after the discussion too (unlike deleting): a real name must go."""
        from lessonstudy.tui.screens.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.study_file.erase_notes([note.id])
            except LessonStudyError as error:
                self.notify(f"NOT erased: {error}", severity="error")
                return
            self.table.upsert([n for n in self.study_file.notes(self.lesson_number)
                               if n.id == note.id])  # fmt: skip
            self.notify("Erased for good: its text is gone from the study file.")

        self.app.push_screen(
            ConfirmDialog(
                "Erase this note for good?",
                "Its text leaves the study file and cannot be brought back, not even by "
                "merging a copy that still has it. Use this for a child's real name.",
            ),
            answered,
        )

    def _corrected(self, before: Observation, note: Observation | None) -> None:
        if note is not None:
            self._update(note, before)
        # Back to where notes are typed: the next keys are the next note.
        self.action_focus_line()

    def _update(self, note: Observation, base: Observation) -> bool:
        try:
            updated = self.study_file.update_note(note, base)
        except LessonStudyError as error:
            self.notify(f"Change NOT saved: {error}", severity="error")
            return False
        self.table.upsert([placed(updated, self.timeline)])
        return True

    def _stage_titles(self) -> list[tuple[UUID, str]]:
        return [
            (stage.id, stage.title or f"Stage {n}")
            for n, stage in enumerate(self.lesson.stages, start=1)
        ]

    def _discussion_held(self) -> bool:
        return self.study_file.revision(documents.discussion(self.lesson_number)) > 0

    def action_focus_line(self) -> None:
        self.note_line.input.focus()

    @on(NotesTable.Done)
    def _notes_done(self) -> None:
        self.action_focus_line()

    def quit_held(self) -> bool:
        """Quitting now would drop the note in the line: say so and hold it back
        (True), as Escape does. A second quit within QUIT_AGAIN_SECONDS goes ahead."""
        if not self.note_line.text.strip():
            return False
        asked, self._quit_asked = self._quit_asked, time.monotonic()
        if asked is not None and self._quit_asked - asked < QUIT_AGAIN_SECONDS:
            return False  # asked twice: the observer means it
        self.notify(
            "The note is still in the line: Enter saves it. "
            f"ctrl+q again within {QUIT_AGAIN_SECONDS:.0f} s quits and drops it.",
            title="Not quitting",
            severity="warning",
            timeout=QUIT_AGAIN_SECONDS,
        )
        return True

    def action_leave(self) -> None:
        """Back to the study map (the note line had nothing in it: nothing is lost)."""
        show_map = getattr(self.app, "action_show_map", None)
        if callable(show_map) and getattr(self.app, "study_file", None) is not None:
            show_map()
        else:  # observer mode on its own (tests, `python -m`): just close it
            self.dismiss(None)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection between Enter and the commit: a full collection
    (5-15 ms) landing there is the one thing that pushed a note past 2 ms.
    It runs at the next allocation after the note is safe instead."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _settle_memory() -> None:
    """Move what is loaded out of the garbage collector's way.

    With thousands of notes in memory a full collection takes 25-40 ms, and it
    lands on whichever keystroke allocates next: one dropped frame in every few
    dozen keys (measured in benchmarks/bench_observe.py). Frozen objects are
    never scanned again; only what is made after this is. (No collect first: it
    would cost the very pause we avoid; a little garbage is kept, once.)
    """
    gc.freeze()
