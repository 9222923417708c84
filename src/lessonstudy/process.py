"""The Lesson Study cycle itself, as pure functions over the model.

Which steps a study has and in what order, each step's state (derived from
the data, never a box to tick), what comes next, who is unobserved, the
evidence grid (predictions beside observations) and carry-forward of agreed
changes into the next plan.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import enum
from uuid import UUID

from attrs import frozen

from lessonstudy.model import (
    CLASS,
    ChangeItem,
    Discussion,
    Judgement,
    Observation,
    ResearchLesson,
    Stage,
    StageMark,
    Study,
    new_id,
)


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
    unwatched = unobserved_pupils(lesson, labels)
    if unwatched:
        missing.append("an observer for " + ", ".join(unwatched))
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
    plan.number = number
    plan.date = None
    plan.time = ""
    plan.teacher = ""
    plan.initial_thoughts = ""
    plan.interview_questions = ""
    plan.carried_changes = [
        ChangeItem(text) for text in (discussion.agreed_changes if discussion else [])
    ]
    return plan


def is_blank_plan(lesson: ResearchLesson) -> bool:
    """True while a plan has nothing in it: it can still start from the previous one."""
    return not (
        lesson.stages
        or lesson.learning_intentions
        or lesson.success_criteria
        or lesson.teacher
        or lesson.carried_changes
    )


# ---------------------------------------------------------------------- evidence


@frozen
class EvidenceCell:
    """One pupil at one stage: what we predicted beside what was seen."""

    prediction: str
    observed: str  # the group's summary, written after the lesson
    notes: tuple[Observation, ...]

    @property
    def judgements(self) -> collections.Counter[Judgement]:
        return collections.Counter(n.judgement for n in self.notes if n.judgement)

    @property
    def summary(self) -> Judgement | None:
        """The judgement most notes agree on (ties: the less hopeful one, to be safe)."""
        counts = self.judgements
        if not counts:
            return None
        order = [Judgement.LESS, Judgement.UNEXPECTED, Judgement.AS_PREDICTED, Judgement.BETTER]
        return max(order, key=lambda j: (counts[j], -order.index(j)))

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
    unstaged: tuple[Observation, ...]  # notes whose stage is not in the plan


def evidence_grid(study: Study, lesson_number: int) -> EvidenceGrid:
    lesson = study.lesson(lesson_number)
    labels = tuple(study.labels)
    if lesson is None:
        return EvidenceGrid(lesson_number, labels, (), ())
    by_place: dict[tuple[UUID | None, str], list[Observation]] = collections.defaultdict(list)
    for note in study.live_notes(lesson_number):
        by_place[(note.stage_id, note.about)].append(note)
    stage_ids = {stage.id for stage in lesson.stages}
    rows = []
    for number, stage in enumerate(lesson.stages, start=1):
        cells = {
            label: EvidenceCell(
                stage.predictions.get(label, ""),
                stage.observed.get(label, ""),
                tuple(by_place.get((stage.id, label), ())),
            )
            for label in labels
        }
        rows.append(EvidenceRow(number, stage, cells, tuple(by_place.get((stage.id, CLASS), ()))))
    unstaged = tuple(
        note
        for (stage_id, _about), notes in by_place.items()
        if stage_id not in stage_ids
        for note in notes
    )
    return EvidenceGrid(lesson_number, labels, tuple(rows), unstaged)


@frozen
class JourneyPoint:
    lesson: int
    judgements: collections.Counter[Judgement]
    notes: int
    critical: int

    @property
    def summary(self) -> Judgement | None:
        if not self.judgements:
            return None
        return self.judgements.most_common(1)[0][0]


def pupil_journey(study: Study, label: str) -> list[JourneyPoint]:
    """One case pupil across the research lessons: how observations compared."""
    points = []
    for lesson in study.lessons:
        notes = [n for n in study.live_notes(lesson.number) if n.about == label]
        points.append(
            JourneyPoint(
                lesson.number,
                collections.Counter(n.judgement for n in notes if n.judgement),
                len(notes),
                sum(1 for n in notes if n.critical),
            )
        )
    return points


# ---------------------------------------------------------------------- lesson clock


@frozen
class ClockRow:
    number: int
    stage: Stage
    planned_minutes: int | None
    started: dt.datetime | None
    actual_minutes: float | None  # None while the stage is running or never reached


def lesson_clock(
    lesson: ResearchLesson, marks: list[StageMark], observer: str | None = None
) -> list[ClockRow]:
    """Planned against actual time per stage, from the stage marks.

    A stage starts at its first mark; it ends at the next mark of a different
    stage (or the end-of-lesson mark). Marks from `observer` only, if given.
    """
    chosen = sorted(
        (
            m
            for m in marks
            if m.lesson == lesson.number and (observer is None or m.observer == observer)
        ),
        key=lambda m: m.at,
    )
    # Collapse repeated marks of the same stage into its first moment.
    timeline: list[StageMark] = []
    for mark in chosen:
        if not timeline or timeline[-1].stage_id != mark.stage_id:
            timeline.append(mark)
    starts: dict[UUID, dt.datetime] = {}
    ends: dict[UUID, dt.datetime] = {}
    following_marks: list[StageMark | None] = [*timeline[1:], None] if timeline else []
    for current, following in zip(timeline, following_marks, strict=True):
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


def current_stage(lesson: ResearchLesson, marks: list[StageMark], observer: str) -> Stage | None:
    """The stage this observer last marked (None before the first mark or after the end)."""
    mine = [m for m in marks if m.lesson == lesson.number and m.observer == observer]
    if not mine:
        return None
    return lesson.stage_by_id(max(mine, key=lambda m: m.at).stage_id)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
