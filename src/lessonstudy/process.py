"""The Lesson Study cycle itself, as pure functions over the model.

Which steps a study has and in what order, each step's state (derived from
the data, never a box to tick), what comes next, who is unobserved, the
evidence grid (predictions beside observations) and carry-forward of agreed
changes into the next plan.
"""

from __future__ import annotations

import bisect
import collections
import copy
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import TypeVar
from uuid import UUID

from attrs import evolve, frozen

from lessonstudy.model import (
    CLASS,
    MIN_LESSONS,
    ChangeItem,
    Discussion,
    Findings,
    Interview,
    IntervieweeKind,
    Judgement,
    Observation,
    PredictionRecord,
    PrivateWords,
    ResearchLesson,
    Stage,
    StageMark,
    Study,
    new_id,
)

T = TypeVar("T")

# The order judgements are read and counted in, everywhere.
JUDGEMENT_ORDER = (Judgement.AS_PREDICTED, Judgement.BETTER, Judgement.LESS, Judgement.UNEXPECTED)
# Short words for counts: "2 as predicted, 2 less, 1 better".
JUDGEMENT_SHORT_WORDS = {
    Judgement.AS_PREDICTED: "as predicted",
    Judgement.BETTER: "better",
    Judgement.LESS: "less",
    Judgement.UNEXPECTED: "unexpected",
}


class StepState(enum.Enum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"


class StepKind(enum.Enum):
    INITIAL = "initial"
    PLAN = "plan"
    OBSERVE = "observe"
    INTERVIEWS = "interviews"
    DISCUSSION = "discussion"
    OPEN_HOUSE = "open_house"
    WRITE_UP = "write_up"


STEP_TITLES = {
    StepKind.INITIAL: "Initial meeting",
    StepKind.PLAN: "Plan",
    StepKind.OBSERVE: "Teach & observe",
    StepKind.INTERVIEWS: "Pupil interviews",
    StepKind.DISCUSSION: "Post-lesson discussion",
    StepKind.OPEN_HOUSE: "Open house",
    StepKind.WRITE_UP: "Write-up",
}


@frozen
class Step:
    kind: StepKind
    lesson: int | None
    state: StepState
    detail: str = ""  # what is missing, in a few words

    @property
    def id(self) -> str:
        return self.kind.value if self.lesson is None else f"{self.kind.value}:{self.lesson}"

    @property
    def title(self) -> str:
        title = STEP_TITLES[self.kind]
        return title if self.lesson is None else f"RL{self.lesson}: {title.lower()}"


def _state(done: bool, started: bool) -> StepState:
    if done:
        return StepState.DONE
    return StepState.IN_PROGRESS if started else StepState.NOT_STARTED


# ---------------------------------------------------------------------- step states


def initial_meeting_step(study: Study) -> Step:
    o = study.overview
    wanted = {
        "focus": o.focus,
        "research question": o.research_question,
        "technique": o.technique,
        "group members": study.members,
        "case pupils": all(p.pseudonym.strip() for p in study.pupils),
        "agreed protocol": o.protocol_agreed,
    }
    missing = [name for name, value in wanted.items() if not value]
    started = bool(
        o.focus
        or o.research_question
        or o.technique
        or o.evidence
        or o.aim
        or study.members
        or any(p.pseudonym or p.learner_group for p in study.pupils)
    )
    detail = "needs " + ", ".join(missing) if missing else ""
    return Step(StepKind.INITIAL, None, _state(not missing, started), detail)


def missing_predictions(lesson: ResearchLesson, labels: list[str]) -> list[tuple[int, str]]:
    """(stage number, pupil label) for every empty prediction."""
    return [
        (number, label)
        for number, stage in enumerate(lesson.stages, start=1)
        for label in labels
        if not stage.predictions.get(label, "").strip()
    ]


def carried_predictions(lesson: ResearchLesson, labels: list[str]) -> list[tuple[int, str]]:
    """(stage number, pupil label) for every prediction copied from the previous plan
    that the group has not yet edited or confirmed for this lesson."""
    return [
        (number, label)
        for number, stage in enumerate(lesson.stages, start=1)
        for label in labels
        if stage.predictions.get(label, "").strip() and stage.record(label).carried_from is not None
    ]


@frozen
class PredictionCounts:
    """How a plan's predictions came to be (what the plan and the write-up count)."""

    cells: int  # stages x case pupils
    written: int  # written (or confirmed) for this lesson
    carried: int  # copied from the previous plan, not looked at again yet
    missing: int
    before_teaching: int  # first written before the lesson began (dated ones only)
    undated: int  # written before lessonstudy kept the date
    changed_after_start: int  # changed after the lesson began


def prediction_counts(
    lesson: ResearchLesson, labels: list[str], started: dt.datetime | None = None
) -> PredictionCounts:
    """Count a plan's predictions; `started` is when the lesson's first stage began."""
    written = carried = missing = before = undated = changed = 0
    for stage in lesson.stages:
        for label in labels:
            record = stage.record(label)
            changed += record.changed_after_start
            if not stage.predictions.get(label, "").strip():
                missing += 1
            elif record.carried_from is not None:
                carried += 1
            else:
                written += 1
                if record.written_at is None:
                    undated += 1
                elif started is not None and record.written_at <= started:
                    before += 1
    return PredictionCounts(
        len(lesson.stages) * len(labels), written, carried, missing, before, undated, changed
    )


def pupil_words(study: Study, label: str) -> str:
    """A case pupil as a person: "K (Kit)", or "K" while the pseudonym is blank."""
    pupil = study.pupil(label)
    pseudonym = pupil.pseudonym.strip() if pupil else ""
    return f"{label} ({pseudonym})" if pseudonym else label


def unobserved_pupils(lesson: ResearchLesson, labels: list[str]) -> list[str]:
    """Case pupils no observer is assigned to."""
    watched = {label for pupils in lesson.assignments.values() for label in pupils}
    return [label for label in labels if label not in watched]


def plan_step(study: Study, lesson: ResearchLesson) -> Step:
    labels = study.labels
    missing: list[str] = []
    if not lesson.teacher:
        missing.append("a teacher")
    if not lesson.stages:
        missing.append("stages")
    gaps = missing_predictions(lesson, labels)
    if gaps:
        missing.append(f"{len(gaps)} predictions")
    carried = carried_predictions(lesson, labels)
    if carried:
        missing.append(f"{len(carried)} carried-over predictions looked at again")
    unwatched = unobserved_pupils(lesson, labels)
    if unwatched:
        missing.append("an observer for " + ", ".join(pupil_words(study, u) for u in unwatched))
    open_changes = [c for c in lesson.carried_changes if not c.done]
    if open_changes:
        missing.append(f"{len(open_changes)} agreed changes to work in")
    started = bool(
        lesson.teacher
        or lesson.stages
        or lesson.learning_intentions
        or lesson.assignments
        or lesson.date
    )
    # A carried-forward plan starts as a copy: it is "in progress", not done, until
    # its checklist is worked through.
    started = started or bool(lesson.carried_changes)
    return Step(
        StepKind.PLAN,
        lesson.number,
        _state(not missing, started),
        "needs " + ", ".join(missing) if missing else "",
    )


def observe_step(study: Study, lesson: ResearchLesson) -> Step:
    notes = [n for n in study.notes if n.lesson == lesson.number and not n.deleted]
    marks = [m for m in study.marks if m.lesson == lesson.number]
    ended = any(m.stage_id is None for m in marks)
    later = bool(study.lesson_interviews(lesson.number) or study.discussion(lesson.number))
    done = bool(notes) and (ended or later)
    detail = _count(len(notes), "note") if notes else ""
    unplaced = sum(1 for n in notes if lesson.stage_number(n.stage_id) is None)
    if unplaced:
        detail += f" ({unplaced} in no stage)"
    return Step(StepKind.OBSERVE, lesson.number, _state(done, bool(notes or marks)), detail)


def interviews_step(study: Study, lesson: ResearchLesson) -> Step:
    interviews = study.lesson_interviews(lesson.number)
    answered = [i for i in interviews if any(a.answer.strip() for a in i.answers)]
    detail = _count(len(interviews), "interview") if interviews else ""
    return Step(
        StepKind.INTERVIEWS, lesson.number, _state(bool(answered), bool(interviews)), detail
    )


def discussion_step(study: Study, lesson: ResearchLesson) -> Step:
    discussion = study.discussion(lesson.number)
    if discussion is None:
        return Step(StepKind.DISCUSSION, lesson.number, StepState.NOT_STARTED)
    started = bool(discussion.records or discussion.agreed_changes or discussion.chair)
    last = lesson.number == study.overview.lesson_count
    # After the last lesson there is no next plan: the findings carry the conclusions.
    done = bool(discussion.records) and (bool(discussion.agreed_changes) or last)
    detail = "" if done else "needs the agreed changes" if discussion.records else ""
    return Step(StepKind.DISCUSSION, lesson.number, _state(done, started), detail)


def open_house_step(study: Study) -> Step:
    house = study.open_house
    started = bool(house.date or house.place or house.briefing or house.invitees)
    done = bool(house.date and house.briefing.strip() and house.visitor_notes.strip())
    return Step(StepKind.OPEN_HOUSE, None, _state(done, started))


def write_up_step(study: Study) -> Step:
    f = study.findings
    parts = [f.pupils_learning, f.practice_developed, f.to_share]
    done = all(p.strip() for p in parts)
    return Step(StepKind.WRITE_UP, None, _state(done, any(p.strip() for p in parts)))


def steps(study: Study) -> list[Step]:
    """Every step of the study, in the order a group works through them."""
    result = [initial_meeting_step(study)]
    for lesson in study.lessons:
        result += [
            plan_step(study, lesson),
            observe_step(study, lesson),
            interviews_step(study, lesson),
            discussion_step(study, lesson),
        ]
    result += [open_house_step(study), write_up_step(study)]
    return result


def next_step(study: Study) -> Step | None:
    """The first step that is not done, or None when the study is complete."""
    for step in steps(study):
        if step.state is not StepState.DONE:
            return step
    return None


# ---------------------------------------------------------------------- carry-forward


def carry_forward(
    previous: ResearchLesson, discussion: Discussion | None, number: int
) -> ResearchLesson:
    """The next plan starts as a copy of the previous one, to be refined, not retyped.

    What was observed is cleared (it belongs to the lesson that was taught);
    the discussion's agreed changes become the checklist to work through.
    """
    plan = copy.deepcopy(previous)  # a copy to refine: editing it leaves the taught plan alone
    for stage in plan.stages:
        stage.id = new_id()
        stage.observed = {}
        stage.patterns = ""
        # Each copied prediction is "carried over" until the group edits or confirms
        # it: a copy is not a prediction made for this lesson.
        stage.prediction_records = {
            label: PredictionRecord(
                written_at=stage.record(label).written_at, carried_from=previous.number
            )
            for label, text in stage.predictions.items()
            if text.strip()
        }
    plan.number = number
    plan.copied_from = previous.number
    plan.date = None
    plan.time = ""
    plan.teacher = ""
    plan.initial_thoughts = ""
    plan.interview_questions = ""
    plan.carried_changes = checklist([], discussion.agreed_changes if discussion else [])
    return plan


def is_blank_plan(lesson: ResearchLesson) -> bool:
    """True while a plan has nothing of its own in it: it can still start from the
    previous one (a checklist of agreed changes alone does not count: it is carried)."""
    return not (
        lesson.stages or lesson.learning_intentions or lesson.success_criteria or lesson.teacher
    )


def checklist(current: list[ChangeItem], agreed: list[str]) -> list[ChangeItem]:
    """The next plan's checklist after the discussion agreed `agreed`.

    Every agreed change is on it once, in the discussion's order, keeping its tick;
    a change the discussion took back goes, unless it was already worked in
    (ticked): that is part of the plan now.
    """
    by_text = {item.text: item for item in current}
    wanted = [text for text in dict.fromkeys(t.strip() for t in agreed) if text]
    items = [by_text.get(text) or ChangeItem(text) for text in wanted]
    items += [item for item in current if item.done and item.text not in wanted]
    return items


def record_prediction(
    stage: Stage, label: str, text: str, *, at: dt.datetime, lesson_started: bool
) -> None:
    """Write `label`'s prediction at `stage`, keeping the facts the write-up needs.

    The first time it has text, when it was written is kept; a carried-over
    prediction becomes this lesson's own. Once the lesson has begun, the text it
    had then is kept (sealed) and the change is dated; changing it back to the
    sealed text takes the mark away again.
    """
    old = stage.predictions.get(label, "")
    if text == old:
        return
    record = evolve(stage.record(label), carried_from=None)
    if record.written_at is None and text.strip():
        record = evolve(record, written_at=at)
    if lesson_started:
        if record.sealed_text is None:
            record = evolve(record, sealed_text=old, changed_at=at)
        elif text == record.sealed_text:
            record = evolve(record, sealed_text=None, changed_at=None)
        else:
            record = evolve(record, changed_at=at)
    stage.predictions[label] = text
    stage.prediction_records[label] = record


def confirm_prediction(stage: Stage, label: str, *, at: dt.datetime) -> bool:
    """The group keeps a carried-over prediction for this lesson; False if it was not one."""
    record = stage.record(label)
    if record.carried_from is None or not stage.predictions.get(label, "").strip():
        return False
    stage.prediction_records[label] = evolve(record, carried_from=None, written_at=at)
    return True


def lesson_start(marks: Iterable[StageMark], lesson: int) -> dt.datetime | None:
    """When the lesson's first stage began (its first mark of a stage), or None."""
    times = [m.at for m in marks if m.lesson == lesson and m.stage_id is not None]
    return min(times) if times else None


# ---------------------------------------------------------------------- the lesson's timeline


@frozen
class Timeline:
    """A research lesson's one timeline: its stage marks, whoever made them, in order.

    The stage running at a moment is the stage of the latest mark at or before
    it; None before the first mark, after the end-of-lesson mark, or while a
    stage no longer in the plan was running.
    """

    lesson: int
    times: tuple[dt.datetime, ...]
    stage_ids: tuple[UUID | None, ...]
    planned: frozenset[UUID]  # the stages in the plan now

    def stage_at(self, at: dt.datetime) -> UUID | None:
        index = bisect.bisect_right(self.times, at) - 1
        if index < 0:
            return None
        stage_id = self.stage_ids[index]
        return stage_id if stage_id in self.planned else None

    @property
    def started(self) -> dt.datetime | None:
        """When the first stage began."""
        for at, stage_id in zip(self.times, self.stage_ids, strict=True):
            if stage_id is not None:
                return at
        return None


def timeline(lesson: ResearchLesson, marks: Iterable[StageMark]) -> Timeline:
    return timeline_of(lesson.number, [stage.id for stage in lesson.stages], marks)


def timeline_of(
    lesson_number: int, stage_ids: Iterable[UUID], marks: Iterable[StageMark]
) -> Timeline:
    """The timeline of lesson `lesson_number`, whose plan has the stages `stage_ids`."""
    # Python's sort is stable: of two marks at the same instant, the later one
    # given wins, as in running_stage.
    ordered = sorted((m for m in marks if m.lesson == lesson_number), key=lambda m: m.at)
    return Timeline(
        lesson_number,
        tuple(m.at for m in ordered),
        tuple(m.stage_id for m in ordered),
        frozenset(stage_ids),
    )


def place_notes(
    notes: Iterable[Observation], lessons: Iterable[ResearchLesson], marks: Sequence[StageMark]
) -> None:
    """Fill in, in place, the stage of every note whose stage nobody chose: the stage
    running at its time on its lesson's timeline (None: unplaced)."""
    timelines = {lesson.number: timeline(lesson, marks) for lesson in lessons}
    for note in notes:
        if note.stage_chosen:
            continue
        line = timelines.get(note.lesson)
        note.stage_id = line.stage_at(note.at) if line is not None else None


def placed(note: Observation, line: Timeline) -> Observation:
    """`note` with its stage from `line` unless a person chose it (a new object if it moved)."""
    if note.stage_chosen or note.lesson != line.lesson:
        return note
    stage_id = line.stage_at(note.at)
    return note if stage_id == note.stage_id else evolve(note, stage_id=stage_id)


def running_stage(
    lesson: ResearchLesson, marks: list[StageMark], at: dt.datetime | None = None
) -> Stage | None:
    """The stage running at `at` (default: now) on the lesson's one shared timeline.

    The lesson's stage marks, whoever made them, form one timeline: the stage
    running at a moment is the one of the latest mark at or before it (None
    before the first mark, after the end-of-lesson mark, or for a stage no
    longer in the plan).
    """
    latest: StageMark | None = None
    for mark in marks:
        if mark.lesson != lesson.number or (at is not None and mark.at > at):
            continue
        if latest is None or mark.at >= latest.at:
            latest = mark
    return None if latest is None else lesson.stage_by_id(latest.stage_id)


def latest_mark(marks: Iterable[StageMark], lesson: int) -> StageMark | None:
    """The mark that set the lesson's clock where it is now (None: not started)."""
    latest: StageMark | None = None
    for mark in marks:
        if mark.lesson == lesson and (latest is None or mark.at >= latest.at):
            latest = mark
    return latest


# ---------------------------------------------------------------------- evidence


@frozen
class CellVerdict:
    """What the evidence says about one pupil at one stage, and whose word it is.

    The group's judgement when the group made one; otherwise only the counts of
    the notes' marks, never a verdict worked out from them.
    """

    judgement: Judgement | None  # the group's agreed judgement
    counts: tuple[tuple[Judgement, int], ...]  # the notes' marks, in JUDGEMENT_ORDER
    notes: int

    @property
    def counts_words(self) -> str:
        """'2 as predicted, 2 less, 1 better' ('' when no note was judged)."""
        return ", ".join(f"{n} {JUDGEMENT_SHORT_WORDS[j]}" for j, n in self.counts)

    @property
    def words(self) -> str:
        if self.judgement is not None:
            return self.judgement.words
        if self.counts:
            return self.counts_words
        if self.notes:
            return f"{_count(self.notes, 'note')}, none judged"
        return "no notes"


def cell_verdict(notes: Sequence[Observation], group: Judgement | None) -> CellVerdict:
    """THE verdict of a cell: the discussion grid, the report and the journeys all use it."""
    counts = collections.Counter(n.judgement for n in notes if n.judgement)
    return CellVerdict(
        group, tuple((j, counts[j]) for j in JUDGEMENT_ORDER if counts[j]), len(notes)
    )


@frozen
class EvidenceCell:
    """One pupil at one stage: what we predicted beside what was seen."""

    prediction: str  # as predicted before the lesson (the sealed text, if changed since)
    observed: str  # the group's summary, written after the lesson
    notes: tuple[Observation, ...]
    group: Judgement | None = None  # the group's agreed judgement
    changed_to: str | None = None  # the prediction as changed after the lesson began
    changed_at: dt.datetime | None = None

    @property
    def judgements(self) -> collections.Counter[Judgement]:
        return collections.Counter(n.judgement for n in self.notes if n.judgement)

    @property
    def verdict(self) -> CellVerdict:
        return cell_verdict(self.notes, self.group)

    @property
    def critical(self) -> bool:
        return any(n.critical for n in self.notes)


@frozen
class EvidenceRow:
    number: int
    stage: Stage
    cells: dict[str, EvidenceCell]
    class_notes: tuple[Observation, ...]


@frozen
class EvidenceGrid:
    """Stages down, case pupils across: the evidence the discussion rests on."""

    lesson: int
    labels: tuple[str, ...]
    rows: tuple[EvidenceRow, ...]
    unplaced: tuple[Observation, ...]  # notes in no stage of the plan, in time order

    @property
    def unstaged(self) -> tuple[Observation, ...]:
        return self.unplaced

    @property
    def note_count(self) -> int:
        """Every note of the lesson that is not deleted: placed, class and unplaced."""
        cells = sum(len(cell.notes) for row in self.rows for cell in row.cells.values())
        return cells + sum(len(row.class_notes) for row in self.rows) + len(self.unplaced)


def evidence_grid(study: Study, lesson_number: int) -> EvidenceGrid:
    lesson = study.lesson(lesson_number)
    labels = tuple(study.labels)
    if lesson is None:
        return EvidenceGrid(lesson_number, labels, (), tuple(study.live_notes(lesson_number)))
    discussion = study.discussion(lesson_number)
    by_place: dict[tuple[UUID | None, str], list[Observation]] = collections.defaultdict(list)
    for note in study.live_notes(lesson_number):
        by_place[(note.stage_id, note.about)].append(note)
    stage_ids = {stage.id for stage in lesson.stages}
    rows = []
    for number, stage in enumerate(lesson.stages, start=1):
        cells = {}
        for label in labels:
            record = stage.record(label)
            text = stage.predictions.get(label, "")
            sealed = record.sealed_text
            cells[label] = EvidenceCell(
                text if sealed is None else sealed,
                stage.observed.get(label, ""),
                tuple(by_place.get((stage.id, label), ())),
                discussion.judgement(stage.id, label) if discussion else None,
                None if sealed is None else text,
                record.changed_at if sealed is not None else None,
            )
        rows.append(EvidenceRow(number, stage, cells, tuple(by_place.get((stage.id, CLASS), ()))))
    # Every note is somewhere: a case pupil or the class, a pupil no longer in the
    # study included, which is listed with the unplaced notes rather than lost.
    unplaced = sorted(
        (
            note
            for (stage_id, about), notes in by_place.items()
            if stage_id not in stage_ids or (about != CLASS and about not in labels)
            for note in notes
        ),
        key=lambda n: n.at,
    )
    return EvidenceGrid(lesson_number, labels, tuple(rows), tuple(unplaced))


@frozen
class JourneyPoint:
    """One case pupil in one research lesson, stage by stage as the evidence says."""

    lesson: int
    verdicts: tuple[CellVerdict, ...]  # one per stage of the plan
    judgements: collections.Counter[Judgement]  # the notes' marks, every note of the lesson
    notes: int  # every note on the pupil in this lesson (unplaced ones too)
    critical: int
    unplaced: int = 0  # notes on the pupil in no stage

    @property
    def group_judgements(self) -> tuple[Judgement | None, ...]:
        return tuple(v.judgement for v in self.verdicts)


def pupil_journeys(study: Study) -> dict[str, list[JourneyPoint]]:
    """Every case pupil across the research lessons, built from the same cells
    (and `cell_verdict`) as the discussion grid and the report."""
    journeys: dict[str, list[JourneyPoint]] = {label: [] for label in study.labels}
    for lesson in study.lessons:
        grid = evidence_grid(study, lesson.number)
        for label in journeys:
            cells = [row.cells[label] for row in grid.rows]
            unplaced = [n for n in grid.unplaced if n.about == label]
            notes = [n for cell in cells for n in cell.notes] + unplaced
            journeys[label].append(
                JourneyPoint(
                    lesson.number,
                    tuple(cell.verdict for cell in cells),
                    collections.Counter(n.judgement for n in notes if n.judgement),
                    len(notes),
                    sum(1 for n in notes if n.critical),
                    len(unplaced),
                )
            )
    return journeys


def pupil_journey(study: Study, label: str) -> list[JourneyPoint]:
    """One case pupil across the research lessons."""
    return pupil_journeys(study).get(label, [])


def unplaced_count(study: Study, lesson_number: int | None = None) -> int:
    """Notes (not deleted) in no stage of their lesson's plan."""
    numbers = [lesson_number] if lesson_number is not None else [x.number for x in study.lessons]
    return sum(len(evidence_grid(study, n).unplaced) for n in numbers)


# ---------------------------------------------------------------------- removing stages and pupils


@frozen
class StageEvidence:
    """What points at one stage of a plan: what removing the stage must take care of."""

    number: int
    title: str
    notes: int  # notes in the stage (not deleted), however they got there
    predictions: int
    marks: int  # times the lesson's clock moved to it
    judgements: int  # the group's judgements of it
    before: Stage | None  # where its notes can go
    after: Stage | None

    @property
    def taught(self) -> bool:
        """Something happened in this stage: its notes must go somewhere."""
        return bool(self.notes or self.marks)

    @property
    def needs_asking(self) -> bool:
        return bool(self.taught or self.predictions or self.judgements)


def stage_evidence(study: Study, lesson_number: int, stage_id: UUID) -> StageEvidence | None:
    """What removing `stage_id` from lesson `lesson_number`'s plan would touch (None: no
    such stage). `study` holds that lesson's notes placed on its timeline."""
    lesson = study.lesson(lesson_number)
    number = lesson.stage_number(stage_id) if lesson else None
    if lesson is None or number is None:
        return None
    stage = lesson.stages[number - 1]
    discussion = study.discussion(lesson_number)
    return StageEvidence(
        number,
        stage.title or f"stage {number}",
        sum(1 for n in study.live_notes(lesson_number) if n.stage_id == stage_id),
        sum(1 for text in stage.predictions.values() if text.strip()),
        sum(1 for m in study.marks if m.lesson == lesson_number and m.stage_id == stage_id),
        sum(1 for j in discussion.judgements if j.stage_id == stage_id) if discussion else 0,
        lesson.stages[number - 2] if number > 1 else None,
        lesson.stages[number] if number < len(lesson.stages) else None,
    )


def pupil_removal_problem(study: Study, label: str) -> str | None:
    """Why case pupil `label` cannot be removed from the study, or None when it can.

    A pupil with evidence (notes, even deleted ones that can be brought back, an
    interview as a case pupil, or the group's judgements) stays: removing them
    would leave that evidence pointing at nobody."""
    notes = sum(1 for n in study.notes if n.about == label)
    interviews = sum(1 for i in study.interviews if i.interviewee == label and not i.deleted)
    judged = sum(1 for d in study.discussions for j in d.judgements if j.pupil == label)
    reasons = []
    if notes:
        reasons.append(_count(notes, "observation note"))
    if interviews:
        reasons.append(_count(interviews, "interview"))
    if judged:
        reasons.append(_count(judged, "judgement of the group"))
    if not reasons:
        return None
    return (
        f"Case pupil {label} cannot be removed: the study holds {', '.join(reasons)} about "
        f"{label}. The evidence would point at nobody; give the label a new pseudonym instead."
    )


def pupil_plan_mentions(study: Study, label: str) -> list[str]:
    """What the plans and findings say about case pupil `label` (predictions, what
    was observed, success criteria, observers watching them, where they ended), in
    a few words each: what removing the pupil takes away, so the screen asks first."""
    predictions = observed = criteria = watchers = 0
    for lesson in study.lessons:
        for stage in lesson.stages:
            predictions += bool(stage.predictions.get(label, "").strip())
            observed += bool(stage.observed.get(label, "").strip())
        criteria += bool(lesson.pupil_success_criteria.get(label, "").strip())
        watchers += sum(1 for labels in lesson.assignments.values() if label in labels)
    mentions = []
    if predictions:
        mentions.append(_count(predictions, "prediction"))
    if observed:
        mentions.append(_count(observed, "summary") + " of what was observed")
    if criteria:
        mentions.append(f"{criteria} success criteri{'on' if criteria == 1 else 'a'}")
    if watchers:
        mentions.append(_count(watchers, "observer's assignment"))
    if study.findings.end_points.get(label, "").strip():
        mentions.append("where they ended, in the findings")
    return mentions


def without_pupil(lesson: ResearchLesson, label: str) -> None:
    """Take case pupil `label` out of a plan (in place): predictions, what was observed,
    success criteria and observers' assignments."""
    for stage in lesson.stages:
        stage.predictions.pop(label, None)
        stage.prediction_records.pop(label, None)
        stage.observed.pop(label, None)
    lesson.pupil_success_criteria.pop(label, None)
    for observer in list(lesson.assignments):
        watched = [x for x in lesson.assignments[observer] if x != label]
        if watched:
            lesson.assignments[observer] = watched
        else:
            del lesson.assignments[observer]


# ---------------------------------------------------------------------- the study's shape


def lesson_contents(study: Study, number: int) -> list[str]:
    """What research lesson `number` holds, in a few words each ([]: nothing yet).

    A plan with anything typed in it, notes (deleted ones too: they can come
    back), clock marks, interviews (deleted ones too), its discussion, or the open
    house being this lesson. Agreed changes carried into the plan, none ticked, do
    not count: they stay in the previous discussion, and a lesson added later
    receives them again."""
    lesson = study.lesson(number)
    held: list[str] = []
    if lesson is not None:
        plan = []
        if lesson.stages:
            plan.append(_count(len(lesson.stages), "stage"))
        if lesson.teacher:
            plan.append("a teacher")
        if lesson.date or lesson.time:
            plan.append("a date")
        if any(c.done for c in lesson.carried_changes):
            plan.append("agreed changes ticked")
        typed = [
            lesson.aspect,
            lesson.objective,
            lesson.learning_intentions,
            lesson.success_criteria,
            lesson.resources,
            lesson.initial_thoughts,
            lesson.interview_questions,
            *lesson.pupil_success_criteria.values(),
        ]
        if lesson.assignments:
            plan.append("observers")
        if any(text.strip() for text in typed):
            plan.append("text typed in it")
        if plan:
            held.append(f"a plan ({', '.join(plan)})")
    notes = sum(1 for n in study.notes if n.lesson == number)
    if notes:
        held.append(_count(notes, "observation note"))
    marks = sum(1 for m in study.marks if m.lesson == number)
    if marks and not notes:
        held.append("a lesson clock that was started")
    interviews = sum(1 for i in study.interviews if i.lesson == number)
    if interviews:
        held.append(_count(interviews, "interview"))
    discussion = study.discussion(number)
    if discussion is not None and (
        discussion.records
        or discussion.agreed_changes
        or discussion.judgements
        or discussion.chair
        or discussion.recorder
        or discussion.commentator_remarks.strip()
    ):
        held.append("its post-lesson discussion")
    if study.open_house.lesson == number:
        held.append("the open house, which is to teach it")
    return held


def lesson_removal_problem(study: Study, number: int) -> str | None:
    """Why research lesson `number` cannot be removed, or None when it can.

    Only a lesson that holds nothing goes, and only from the end: lessons are
    numbered in the order they are taught, and every note, interview and
    discussion keeps the number it was made with."""
    numbers = [lesson.number for lesson in study.lessons]
    if number not in numbers:
        return f"The study has no RL{number}."
    if len(numbers) <= MIN_LESSONS:
        return f"RL{number} is the study's only research lesson: a study has at least one."
    held = lesson_contents(study, number)
    if held:
        return (
            f"RL{number} cannot be removed: it holds {_words_list(held)}. "
            "Only a lesson that holds nothing yet can go."
        )
    later = [n for n in numbers if n > number and lesson_contents(study, n)]
    if later:
        return (
            f"RL{number} holds nothing, but RL{later[0]} after it does: lessons keep the "
            "numbers they were taught with, so only an empty lesson at the end can go."
        )
    return None


def relabel_plan(lesson: ResearchLesson, old: str, new: str) -> None:
    """Case pupil `old` is called `new` from now on, everywhere in a plan (in place)."""
    for stage in lesson.stages:
        stage.predictions = _renamed_key(stage.predictions, old, new)
        stage.prediction_records = _renamed_key(stage.prediction_records, old, new)
        stage.observed = _renamed_key(stage.observed, old, new)
    lesson.pupil_success_criteria = _renamed_key(lesson.pupil_success_criteria, old, new)
    lesson.assignments = {
        observer: [new if label == old else label for label in labels]
        for observer, labels in lesson.assignments.items()
    }


def relabel_discussion(discussion: Discussion, old: str, new: str) -> None:
    """The group's judgements of `old` are judgements of `new` (in place)."""
    discussion.judgements = [
        evolve(j, pupil=new) if j.pupil == old else j for j in discussion.judgements
    ]


def relabel_findings(findings: Findings, old: str, new: str) -> None:
    """Where case pupil `old` ended up is where `new` ended up (in place)."""
    findings.end_points = _renamed_key(findings.end_points, old, new)


def relabel_private_words(private: PrivateWords, old: str, new: str) -> None:
    """The private words that stand for `old` stand for `new` (in place)."""
    private.words = [evolve(w, pupil=new) if w.pupil == old else w for w in private.words]


def relabel_interview(interview: Interview, old: str, new: str) -> None:
    if interview.kind is IntervieweeKind.CASE_PUPIL and interview.interviewee == old:
        interview.interviewee = new


def _renamed_key(mapping: dict[str, T], old: str, new: str) -> dict[str, T]:
    """`mapping` with key `old` called `new`, in the same order."""
    return {new if key == old else key: value for key, value in mapping.items()}


def _words_list(items: Sequence[str]) -> str:
    """ "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# ---------------------------------------------------------------------- lesson clock


@frozen
class ClockRow:
    number: int
    stage: Stage
    planned_minutes: int | None
    started: dt.datetime | None
    actual_minutes: float | None  # None while the stage is running or never reached


def lesson_clock(lesson: ResearchLesson, marks: list[StageMark]) -> list[ClockRow]:
    """Planned against actual time per stage, from the lesson's one timeline.

    A stage starts at its first mark; it ends at the next mark of a different
    stage (or the end-of-lesson mark), whoever moved the clock.
    """
    chosen = sorted((m for m in marks if m.lesson == lesson.number), key=lambda m: m.at)
    # Collapse repeated marks of the same stage into its first moment.
    line: list[StageMark] = []
    for mark in chosen:
        if not line or line[-1].stage_id != mark.stage_id:
            line.append(mark)
    starts: dict[UUID, dt.datetime] = {}
    ends: dict[UUID, dt.datetime] = {}
    following_marks: list[StageMark | None] = [*line[1:], None] if line else []
    for current, following in zip(line, following_marks, strict=True):
        if current.stage_id is None or current.stage_id in starts:
            continue
        starts[current.stage_id] = current.at
        if following is not None:
            ends[current.stage_id] = following.at
    rows = []
    for number, stage in enumerate(lesson.stages, start=1):
        start, end = starts.get(stage.id), ends.get(stage.id)
        actual = (end - start).total_seconds() / 60 if start and end else None
        rows.append(ClockRow(number, stage, stage.minutes, start, actual))
    return rows


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# ---------------------------------------------------------------------- faithfulness


class ChangeStatus(enum.Enum):
    """What became of a change agreed after a lesson, in the next lesson's plan."""

    DONE = "done"  # on the next plan's checklist, ticked as worked in
    OPEN = "open"  # on the checklist, not ticked yet
    DROPPED = "dropped"  # not on the next plan's checklist
    LAST = "last"  # agreed after the last research lesson: there is no next plan

    @property
    def carried(self) -> bool:
        return self in (ChangeStatus.DONE, ChangeStatus.OPEN)


@frozen
class ChangeOutcome:
    text: str
    status: ChangeStatus


@frozen
class ChangesCarried:
    """The changes agreed after one lesson and what the next plan did with each."""

    agreed: tuple[ChangeOutcome, ...]
    extra: tuple[ChangeItem, ...]  # on the next checklist, not agreed in these words
    following: int | None  # the next lesson's number (None after the last)

    @property
    def carried(self) -> int:
        return sum(1 for c in self.agreed if c.status.carried)

    @property
    def worked_in(self) -> int:
        return sum(1 for c in self.agreed if c.status is ChangeStatus.DONE)


def changes_carried(
    discussion: Discussion | None, following: ResearchLesson | None
) -> ChangesCarried:
    """Each change agreed after a lesson, once, with what became of it in the next plan."""
    agreed = [c for c in (discussion.agreed_changes if discussion else []) if c.strip()]
    carried = {c.text.strip(): c for c in following.carried_changes} if following else {}
    outcomes = []
    for text in agreed:
        item = carried.pop(text.strip(), None)
        if following is None:
            status = ChangeStatus.LAST
        elif item is None:
            status = ChangeStatus.DROPPED
        else:
            status = ChangeStatus.DONE if item.done else ChangeStatus.OPEN
        outcomes.append(ChangeOutcome(text, status))
    extra = tuple(c for c in carried.values() if c.text.strip())
    return ChangesCarried(tuple(outcomes), extra, following.number if following else None)


@frozen
class CycleFacts:
    """How faithfully one research lesson's cycle was done, from what the study recorded
    as it happened (the methods appendix and the school's impact summary state these):
    predictions written before teaching, every case pupil observed by a named observer
    at every stage, interviews soon after, the discussion within a day or so, and the
    agreed changes carried into the next plan. Counts only: nothing here rates anyone."""

    lesson: int
    date: dt.date | None
    taught: bool  # the lesson's clock was started or notes were taken
    predictions: PredictionCounts
    stages: int
    notes: int
    observers: dict[str, tuple[str, ...]]  # case pupil label -> the observers assigned
    stages_seen: dict[str, int]  # case pupil label -> stages with a note on them
    predictions_written: dict[str, int]  # case pupil label -> stages predicted before teaching
    interviews: int  # held after the lesson (not deleted)
    pupils_interviewed: int  # case pupils among them
    interviews_same_day: int  # held on the day of the lesson (dated ones)
    discussion_held: bool
    discussion_days_after: int | None  # None: no discussion, or a date is missing
    changes: ChangesCarried

    @property
    def pupils_with_observer(self) -> int:
        return sum(1 for names in self.observers.values() if names)

    @property
    def pupils_seen_every_stage(self) -> int:
        if not self.stages:
            return 0
        return sum(1 for seen in self.stages_seen.values() if seen >= self.stages)

    @property
    def discussion_soon(self) -> bool:
        """Held the day of the lesson or the next (only dates are recorded, so this
        is how "within 24-36 hours" can be known)."""
        return self.discussion_days_after is not None and 0 <= self.discussion_days_after <= 1


def cycle_facts(
    study: Study, lesson: ResearchLesson, grid: EvidenceGrid | None = None
) -> CycleFacts:
    """The faithfulness facts of one research lesson (pass its grid if already built)."""
    grid = grid if grid is not None else evidence_grid(study, lesson.number)
    labels = study.labels
    started = lesson_start(study.marks, lesson.number)
    observers: dict[str, list[str]] = {label: [] for label in labels}
    for observer, watched in lesson.assignments.items():
        for label in watched:
            observers.setdefault(label, []).append(observer)
    stages_seen = {
        label: sum(1 for row in grid.rows if label in row.cells and row.cells[label].notes)
        for label in labels
    }
    # As predicted before the lesson: the sealed text where it was changed since.
    written = {
        label: sum(
            1 for row in grid.rows if label in row.cells and row.cells[label].prediction.strip()
        )
        for label in labels
    }
    interviews = study.lesson_interviews(lesson.number)
    discussion = study.discussion(lesson.number)
    days_after = None
    if discussion is not None and discussion.date and lesson.date:
        days_after = (discussion.date - lesson.date).days
    return CycleFacts(
        lesson=lesson.number,
        date=lesson.date,
        taught=started is not None or grid.note_count > 0,
        predictions=prediction_counts(lesson, labels, started),
        stages=len(lesson.stages),
        notes=grid.note_count,
        observers={label: tuple(names) for label, names in observers.items()},
        stages_seen=stages_seen,
        predictions_written=written,
        interviews=len(interviews),
        pupils_interviewed=len(
            {
                i.interviewee
                for i in interviews
                if i.kind is IntervieweeKind.CASE_PUPIL and i.interviewee in labels
            }
        ),
        interviews_same_day=sum(
            1
            for i in interviews
            if i.started is not None and lesson.date and i.started.date() == lesson.date
        ),
        discussion_held=discussion is not None
        and bool(discussion.records or discussion.agreed_changes or discussion.date),
        discussion_days_after=days_after,
        changes=changes_carried(discussion, study.lesson(lesson.number + 1)),
    )
