"""The nouns of Lesson Study, as plain attrs classes.

Words and fields follow the domain primer (shared/lesson-study.md). This module
imports nothing of the project and no Textual, SQLite or Jinja2: it is the core
that everything else stands on.

People are referred to by name (members' names are unique within a study),
case pupils by label ("A", "B", ...), and stages by a stable UUID so that
reordering a plan never re-labels notes already taken against it.
"""

# No `from __future__ import annotations` here: with it every field's type is a
# string that cattrs resolves with typing.get_type_hints, class by class, before
# it can read a study (about a sixth of reading the example in a command).
import datetime as dt
import enum
import re
import uuid
from collections.abc import Iterable, Sequence
from uuid import UUID

from attrs import Factory, define, evolve, field

CLASS = "class"
"""The `about` value of a note on the class or other pupils, not a case pupil."""

OPEN_HOUSE_LESSON = 0
"""The `lesson` of the notes and stage marks taken at the open house.

The open house teaches one of the plans (usually the last) again, to visitors:
its notes - guests' notes above all - and its stage marks make a timeline of
their own, kept apart from every research lesson's evidence, which is always
read by lesson number."""

DEFAULT_LESSON_COUNT = 3
DEFAULT_PUPIL_LABELS = ("A", "B", "C")
MIN_PUPILS, MAX_PUPILS = 2, 6
MIN_LESSONS, MAX_LESSONS = 1, 6  # usually three; published studies have two to four
PUPIL_LABELS = ("A", "B", "C", "D", "E", "F")
MAX_LABEL_LENGTH = 3
"""A case pupil's label: 1 to 3 letters or digits ("A", "K", "MS", "P12")."""


def new_id() -> UUID:
    return uuid.uuid4()


def now() -> dt.datetime:
    """The current time, always timezone-aware (local zone)."""
    return dt.datetime.now(dt.UTC).astimezone()


class Judgement(enum.Enum):
    """An observation judged against the prediction for that pupil and stage."""

    AS_PREDICTED = "as_predicted"
    BETTER = "better"
    LESS = "less"
    UNEXPECTED = "unexpected"

    @property
    def symbol(self) -> str:
        return JUDGEMENT_SYMBOLS[self]

    @property
    def words(self) -> str:
        return JUDGEMENT_WORDS[self]

    @classmethod
    def from_symbol(cls, symbol: str) -> "Judgement":
        for judgement, sym in JUDGEMENT_SYMBOLS.items():
            if sym == symbol:
                return judgement
        raise ValueError(f"unknown judgement mark {symbol!r} (use = + - ?)")


JUDGEMENT_SYMBOLS = {
    Judgement.AS_PREDICTED: "=",
    Judgement.BETTER: "+",
    Judgement.LESS: "-",
    Judgement.UNEXPECTED: "?",
}
JUDGEMENT_WORDS = {
    Judgement.AS_PREDICTED: "as predicted",
    Judgement.BETTER: "better than predicted",
    Judgement.LESS: "less than predicted",
    Judgement.UNEXPECTED: "unexpected",
}


class Role(enum.Enum):
    """Study-wide roles. Who teaches and who observes is set per lesson."""

    CHAIR = "chair"
    RECORDER = "recorder"
    FINAL_COMMENTATOR = "final_commentator"
    KNOWLEDGEABLE_OTHER = "knowledgeable_other"
    TEACHER = "teacher"
    OBSERVER = "observer"
    GUEST = "guest"

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


class IntervieweeKind(enum.Enum):
    CASE_PUPIL = "case_pupil"
    OTHER_PUPIL = "other_pupil"
    GROUP = "group"


# --------------------------------------------------------------------------- study overview


@define
class ClassDetails:
    year_group: str = ""
    pupil_count: int | None = None
    attainment: str = ""  # "set" or "mixed attainment", in the group's own words
    usual_teacher: str = ""
    subject: str = ""


@define
class Overview:
    """What the group agrees at the initial meeting."""

    title: str = ""
    focus: str = ""  # "we want to learn how to improve the way pupils learn ..."
    research_question: str = ""
    technique: str = ""
    evidence: str = ""  # reading or evidence the group consulted
    aim: str = ""  # overall aim of the sequence of lessons
    class_details: ClassDetails = field(factory=ClassDetails)
    protocol: str = "english"  # name of the discussion protocol (templates/protocols)
    protocol_text: str = ""  # the group's ground rules
    protocol_agreed: bool = False
    interview_prompts: list[str] = field(factory=list)
    lesson_count: int = DEFAULT_LESSON_COUNT
    # For the case report (the Lesson Study UK proforma, structured abstracts):
    # asked for in the write-up step.
    useful_for: str = ""  # who might find the report useful
    context: str = ""  # the school, its community, the department
    group_experience: str = ""  # the group and its experience of lesson study
    decided_against: str = ""  # what the group considered and decided against, and why
    references: list[str] = field(factory=list)  # one reference an item


@define
class Member:
    name: str
    roles: list[Role] = field(factory=list)
    notes: str = ""


@define
class CasePupil:
    label: str
    pseudonym: str = ""
    learner_group: str = ""  # which group of learners this pupil is typical of
    why_chosen: str = ""
    starting_point: str = ""  # current attainment in the focus area
    private_note: str = ""  # stays in the study file: never exported, never reported


# --------------------------------------------------------------------------- research lessons


@define
class PredictionRecord:
    """What the study knows about one prediction beyond its text.

    Predictions are written before the lesson is taught: that is what makes
    them evidence. So a plan keeps when each was first written, whether it was
    copied from the previous plan and not yet looked at again, and, once the
    lesson has begun, the text it had then if someone changes it afterwards.
    """

    written_at: dt.datetime | None = None  # first written (None: before this was kept)
    carried_from: int | None = None  # copied from RLn's plan, not yet edited or confirmed
    sealed_text: str | None = None  # the text when the lesson began, kept once changed after
    changed_at: dt.datetime | None = None  # last changed after the lesson began

    @property
    def changed_after_start(self) -> bool:
        return self.sealed_text is not None


@define
class Stage:
    title: str = ""
    minutes: int | None = None
    teacher_activity: str = ""
    pupil_activity: str = ""
    assessment: str = ""  # how we will assess / what evidence we will look for
    predictions: dict[str, str] = field(factory=dict)  # pupil label -> predicted response
    observed: dict[str, str] = field(factory=dict)  # pupil label -> how they responded
    patterns: str = ""  # patterns common to all case pupils
    id: UUID = field(factory=new_id)
    # pupil label -> when written, carried over, sealed (see PredictionRecord)
    prediction_records: dict[str, PredictionRecord] = field(factory=dict)

    def record(self, label: str) -> PredictionRecord:
        """The record of `label`'s prediction (a blank one if none is kept)."""
        return self.prediction_records.get(label) or PredictionRecord()


@define
class ChangeItem:
    """An agreed change carried forward into the next plan, ticked when worked in."""

    text: str
    done: bool = False


@define
class ResearchLesson:
    number: int
    date: dt.date | None = None
    time: str = ""  # "HH:MM", as written on the plan
    aspect: str = ""  # aspect of learning in focus
    objective: str = ""  # the "accountable" learning objective
    teacher: str = ""
    assignments: dict[str, list[str]] = field(factory=dict)  # observer -> pupil labels
    learning_intentions: str = ""
    success_criteria: str = ""
    pupil_success_criteria: dict[str, str] = field(factory=dict)  # pupil label -> criterion
    stages: list[Stage] = field(factory=list)
    resources: str = ""
    initial_thoughts: str = ""
    carried_changes: list[ChangeItem] = field(factory=list)
    interview_questions: str = ""  # jotted at the end of observing
    copied_from: int | None = None  # the plan started as a copy of RLn's plan

    @property
    def observers(self) -> list[str]:
        return list(self.watching)

    @property
    def watching(self) -> dict[str, list[str]]:
        """Who watches which case pupils: the assignments, less the teacher's. Whoever
        teaches cannot watch; their assignment is kept (it counts again if someone
        else teaches). Seen in a trial: a plan copied from the last one kept its new
        teacher as an observer, and the app said every case pupil had one."""
        return {
            name: labels
            for name, labels in self.assignments.items()
            if not self.teacher or name != self.teacher
        }

    def stage_by_id(self, stage_id: UUID | None) -> Stage | None:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        return None

    def stage_number(self, stage_id: UUID | None) -> int | None:
        """1-based position of a stage, or None when it is not in this plan."""
        for index, stage in enumerate(self.stages, start=1):
            if stage.id == stage_id:
                return index
        return None


# --------------------------------------------------------------------------- live evidence


@define
class Observation:
    """One note taken during a research lesson. Append-only; edits bump `revision`.

    A note's stage is the stage running at its time on the lesson's one shared
    timeline (the stage marks), unless someone chose a stage for this note
    (`stage_chosen`). The store fills `stage_id` in from the timeline whenever
    it reads a note whose stage was not chosen, so a note typed a moment after
    another observer moved the clock still lands in the right stage.
    """

    lesson: int  # a research lesson's number, or OPEN_HOUSE_LESSON
    observer: str
    at: dt.datetime
    about: str  # a case pupil's label, or CLASS
    text: str
    stage_id: UUID | None = None  # None: unplaced (before the first stage, after the end)
    judgement: Judgement | None = None
    critical: bool = False
    deleted: bool = False
    revision: int = 1
    id: UUID = field(factory=new_id)
    # True: placed by a person (or an import that names the stage), not by the
    # timeline. By default a note made with a stage has chosen it, one made
    # without a stage takes the timeline's.
    stage_chosen: bool = field(
        default=Factory(lambda note: note.stage_id is not None, takes_self=True)
    )
    # Starred "for the write-up" (end of lesson, discussion): the report's cells
    # print the starred notes first.
    starred: bool = False


@define
class StageMark:
    """The lesson's clock moved to a stage (stage_id None: the lesson ended).

    Marks are facts of the lesson, not of one observer: together they are the
    lesson's one timeline. `observer` says who moved the clock.
    """

    lesson: int
    observer: str
    at: dt.datetime
    stage_id: UUID | None
    id: UUID = field(factory=new_id)


@define
class Answer:
    prompt: str
    answer: str = ""
    quote: bool = False  # flagged as a verbatim quote for the write-up


@define
class Interview:
    lesson: int
    interviewee: str  # a case pupil's label, or a description ("two pupils from table 3")
    kind: IntervieweeKind = IntervieweeKind.CASE_PUPIL
    interviewer: str = ""
    started: dt.datetime | None = None
    answers: list[Answer] = field(factory=list)
    # Deleting keeps the interview, marked: a merge from a copy that still has
    # it cannot bring it back, and undo can.
    deleted: bool = False
    id: UUID = field(factory=new_id)


@define
class GroupJudgement:
    """What the group agreed, in the discussion, about one pupil at one stage."""

    stage_id: UUID
    pupil: str  # a case pupil's label
    judgement: Judgement


@define
class Discussion:
    """The post-lesson discussion of one research lesson."""

    lesson: int
    date: dt.date | None = None
    chair: str = ""
    recorder: str = ""
    attendees: list[str] = field(factory=list)
    records: dict[str, list[str]] = field(factory=dict)  # protocol step id -> points
    agreed_changes: list[str] = field(factory=list)
    commentator_remarks: str = ""
    # The group's agreed judgement per pupil and stage (the evidence step).
    judgements: list[GroupJudgement] = field(factory=list)

    def judgement(self, stage_id: UUID, pupil: str) -> Judgement | None:
        for item in self.judgements:
            if item.stage_id == stage_id and item.pupil == pupil:
                return item.judgement
        return None

    def set_judgement(self, stage_id: UUID, pupil: str, judgement: Judgement | None) -> None:
        """Record (or with None, take back) the group's judgement of one cell."""
        self.judgements = [
            j for j in self.judgements if not (j.stage_id == stage_id and j.pupil == pupil)
        ]
        if judgement is not None:
            self.judgements.append(GroupJudgement(stage_id, pupil, judgement))


@define
class Findings:
    """After the last cycle: what the group learned."""

    pupils_learning: str = ""
    practice_developed: str = ""
    to_share: str = ""
    key_points: list[str] = field(factory=list)  # two or three, for the top of the report
    how_shared: str = ""  # how it was shared, once it was
    next_steps: str = ""
    # label -> what the pupil could do and said at the end, against their success criteria
    end_points: dict[str, str] = field(factory=dict)


@define
class OpenHouse:
    date: dt.date | None = None
    time: str = ""  # as written: "13:40" or "13:40-14:40"
    teacher: str = ""  # who teaches the open-house lesson
    place: str = ""
    lesson: int | None = None  # usually the refined last plan
    invitees: list[str] = field(factory=list)
    briefing: str = ""
    visitor_notes: str = ""


@define
class PrivateWord:
    """A word that must never leave the study file (a pupil's real name, a nickname)."""

    text: str
    pupil: str = ""  # the case pupil's label it stands for ("" for anyone else)


@define
class PrivateWords:
    """The group's list of words every export and report is checked against.

    Kept in the study file only: it is not part of `Study`, so neither the
    JSON export nor a write-up can carry it out."""

    words: list[PrivateWord] = field(factory=list)


# --------------------------------------------------------------------------- the study


@define
class Study:
    overview: Overview = field(factory=Overview)
    members: list[Member] = field(factory=list)
    pupils: list[CasePupil] = field(factory=list)
    lessons: list[ResearchLesson] = field(factory=list)
    notes: list[Observation] = field(factory=list)
    marks: list[StageMark] = field(factory=list)
    interviews: list[Interview] = field(factory=list)
    discussions: list[Discussion] = field(factory=list)
    findings: Findings = field(factory=Findings)
    open_house: OpenHouse = field(factory=OpenHouse)
    id: UUID = field(factory=new_id)

    @property
    def labels(self) -> list[str]:
        return [pupil.label for pupil in self.pupils]

    def lesson(self, number: int) -> ResearchLesson | None:
        for lesson in self.lessons:
            if lesson.number == number:
                return lesson
        return None

    def discussion(self, number: int) -> Discussion | None:
        for discussion in self.discussions:
            if discussion.lesson == number:
                return discussion
        return None

    def pupil(self, label: str) -> CasePupil | None:
        for pupil in self.pupils:
            if pupil.label == label:
                return pupil
        return None

    def live_notes(self, lesson: int) -> list[Observation]:
        """Notes of one lesson that are not deleted, in time order."""
        return sorted(
            (n for n in self.notes if n.lesson == lesson and not n.deleted),
            key=lambda n: n.at,
        )

    def open_house_plan(self) -> ResearchLesson | None:
        """The plan the open house teaches: the lesson chosen for it, else the last."""
        chosen = self.open_house.lesson
        if chosen is not None and self.lesson(chosen) is not None:
            return self.lesson(chosen)
        return self.lessons[-1] if self.lessons else None

    def open_house_lesson(self) -> ResearchLesson | None:
        """The open house as a lesson of its own: the plan it teaches, numbered
        OPEN_HOUSE_LESSON, so that its stage marks and notes make their own timeline."""
        plan = self.open_house_plan()
        return None if plan is None else evolve(plan, number=OPEN_HOUSE_LESSON)

    def guest_notes(self) -> list[Observation]:
        """Notes visitors took at the open house (not the group's), in time order."""
        members = {member.name for member in self.members}
        return [n for n in self.live_notes(OPEN_HOUSE_LESSON) if n.observer not in members]

    def lesson_interviews(self, lesson: int) -> list[Interview]:
        """Interviews after research lesson `lesson` (not the deleted ones)."""
        return [i for i in self.interviews if i.lesson == lesson and not i.deleted]


# --------------------------------------------------------------------------- labels and counts
# One set of rules for the new-study dialog, `lessonstudy new`, the initial
# meeting and the JSON import (rules.py), so a label typed anywhere is judged alike.


def label_problem(label: str) -> str | None:
    """Why `label` cannot be a case pupil's label (None: it can)."""
    if not 1 <= len(label) <= MAX_LABEL_LENGTH or not label.isalnum():
        return f"a case pupil's label is 1 to {MAX_LABEL_LENGTH} letters or digits, not {label!r}"
    return None


def labels_problem(labels: Sequence[str]) -> str | None:
    """Why `labels` cannot be a study's case pupils (None: they can): 2 to 6 of them,
    each a sound label, no two alike whatever their case ("m" and "M" are one key)."""
    if not MIN_PUPILS <= len(labels) <= MAX_PUPILS:
        return f"a study has {MIN_PUPILS} to {MAX_PUPILS} case pupils, not {len(labels)}"
    seen: set[str] = set()
    for label in labels:
        problem = label_problem(label)
        if problem:
            return problem
        if label.casefold() in seen:
            return f"two case pupils are labelled {label!r} (labels differ by more than case)"
        seen.add(label.casefold())
    return None


def lesson_count_problem(count: int) -> str | None:
    if MIN_LESSONS <= count <= MAX_LESSONS:
        return None
    return f"a study has {MIN_LESSONS} to {MAX_LESSONS} research lessons, not {count}"


def parse_pupil_labels(text: str) -> list[str]:
    """The case pupils as typed: labels split by commas or spaces ("M,S", "A K J"), or a
    number of pupils labelled from A ("4": A, B, C, D). ValueError saying why otherwise."""
    text = text.strip()
    if not text:
        raise ValueError(
            f"give {MIN_PUPILS} to {MAX_PUPILS} labels (e.g. A,K,J) or a number of pupils"
        )
    if text.isdigit():
        count = int(text)
        if not MIN_PUPILS <= count <= MAX_PUPILS:
            raise ValueError(f"a study has {MIN_PUPILS} to {MAX_PUPILS} case pupils, not {count}")
        return list(PUPIL_LABELS[:count])
    labels = [part for part in re.split(r"[\s,;]+", text) if part]
    problem = labels_problem(labels)
    if problem:
        raise ValueError(problem)
    return labels


def pupil_keys(labels: Sequence[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """One key per case pupil for picking them while observing.

    A label's key is its first character, lower case ("M" -> m), wherever that is
    free; a label whose first character another label has ("KA" beside "K") takes
    its next free character ("a"), or else the first free letter or digit. No key
    is one of `reserved` (the class key). The keys depend only on the set of
    labels, not the order given: every observer (own pupils listed first or not)
    and every device gets the same keys."""
    taken = {key.lower() for key in reserved}
    keys: dict[str, str] = {}
    in_order = sorted(labels, key=lambda label: (label.casefold(), label))
    for label in in_order:  # first characters first: "K" keeps k whatever else there is
        first = label[:1].lower()
        if first and first not in taken:
            keys[label] = first
            taken.add(first)
    spare = "abcdefghijklmnopqrstuvwxyz123456789"
    for label in in_order:
        if label not in keys:
            key = next(c for c in [*label[1:].lower(), *spare] if c.isalnum() and c not in taken)
            keys[label] = key
            taken.add(key)
    return {label: keys[label] for label in labels}


def new_study(
    title: str,
    *,
    lesson_count: int = DEFAULT_LESSON_COUNT,
    pupil_count: int | None = None,
    labels: Sequence[str] | None = None,
    interview_prompts: list[str] | None = None,
    protocol_text: str = "",
) -> Study:
    """A fresh study with empty lesson plans: case pupils labelled `labels`, or the
    first `pupil_count` of A, B, C ... (default A, B, C). ValueError saying why for a
    count or label the rules refuse."""
    if labels is None:
        count = len(DEFAULT_PUPIL_LABELS) if pupil_count is None else pupil_count
        if not MIN_PUPILS <= count <= MAX_PUPILS:
            raise ValueError(f"a study has {MIN_PUPILS} to {MAX_PUPILS} case pupils")
        labels = PUPIL_LABELS[:count]
    problem = labels_problem(labels) or lesson_count_problem(lesson_count)
    if problem:
        raise ValueError(problem)
    overview = Overview(
        title=title,
        lesson_count=lesson_count,
        interview_prompts=list(interview_prompts or []),
        protocol_text=protocol_text,
    )
    return Study(
        overview=overview,
        pupils=[CasePupil(label=label) for label in labels],
        lessons=[ResearchLesson(number=n) for n in range(1, lesson_count + 1)],
    )
