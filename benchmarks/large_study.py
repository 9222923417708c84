"""A large study for benchmarks: 3 lessons, 6 observers, 9,000 notes, 30 interviews.

    python benchmarks/large_study.py OUT.lessonstudy [--notes 9000] [--seed N] [--pupils 3]

From other benchmarks: `make_large_study(path, seed=1, notes=90_000)`. The same seed gives
the same study, ids included. The study is built in memory and written with
one `StudyFile.create`, so generating it takes a second or two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from lessonstudy.model import (
    CLASS,
    PUPIL_LABELS,
    Answer,
    CasePupil,
    ChangeItem,
    ClassDetails,
    Discussion,
    Findings,
    Interview,
    IntervieweeKind,
    Judgement,
    Member,
    Observation,
    OpenHouse,
    Overview,
    ResearchLesson,
    Role,
    Stage,
    StageMark,
    Study,
)
from lessonstudy.protocols import ProtocolStepKind, default_ground_rules, load_protocol
from lessonstudy.store import StudyFile

LESSONS = 3
STAGES = 6
OBSERVERS = 6
NOTES = 9_000
INTERVIEWS = 30
LESSON_MINUTES = 60
TZ = dt.UTC  # UK winter time

NewId = Callable[[], uuid.UUID]  # deterministic ids, drawn from the seeded generator

OBSERVER_NAMES = [
    "Amira Bello",
    "Ben Carter",
    "Chloe Davies",
    "Dev Patel",
    "Ella Foster",
    "Finn Gallagher",
]
PSEUDONYMS = ["Maya", "Leo", "Sami", "Ava", "Noah", "Zara"]
LEARNER_GROUPS = [
    "pupils making good progress",
    "pupils at the expected level",
    "pupils finding fractions hard",
    "pupils new to the school",
    "pupils with English as an additional language",
    "pupils who rarely speak in class",
]

# Pieces of realistic observation notes; joined to give texts of varied length.
OPENINGS = [
    "Counts aloud in quarters",
    "Places 3/4 on the line",
    "Draws arcs for each jump",
    "Labels the end of each jump",
    "Folds the strip into eighths",
    "Moves the bead along",
    "Explains to partner",
    "Writes 5/4 under the 1",
    "Compares 3/8 and 3/4",
    "Checks by counting from 0",
    "Puts the card in the 'not sure' box",
    "Looks at partner's whiteboard",
    "Rubs out and tries again",
    "Hand up straight away",
    "Hesitates at one whole",
]
MIDDLES = [
    "without a prompt",
    "after the teacher points at the line",
    "with the strip next to the line",
    "counting the marks rather than the jumps",
    "using the stem sentence",
    "and gets it right first time",
    "but the parts are not equal",
    "then restarts the count at 1",
    "and checks with a partner",
    "slowly, one jump at a time",
]
QUOTES = [
    "'it's the same place, just two names'",
    "'you can't have five quarters, there's only four'",
    "'it's a bit, not four'",
    "'three jumps of eighths from 0'",
    "'thirds are bigger jumps'",
    "'I put it again'",
    "'how far from 0?'",
    "'it's nearly the whole thing'",
    "'one eighth further, because 3/4 is 6/8'",
    "'I don't know where it goes'",
]
LONG_TAILS = [
    "Several others on the table do the same; the teacher re-models with the bead string "
    "on the metre stick and the table follows the count again, this time one bead per count.",
    "Partner disagrees and they argue it out using the strip; they settle on the right place "
    "but neither can say why in words yet.",
    "This is the moment the group predicted would be hardest: worth raising at the "
    "post-lesson discussion and in the interview.",
]
ANSWERS = [
    "The beads. I like pushing them.",
    "You can go past one. You just keep going.",
    "The sentence card, because then I know what to say.",
    "Folding the paper, it makes them the same size.",
    "Asking how far from 0. Then you count the jumps.",
    "Give everyone a strip. The thirds were really hard.",
    "That an eighth is smaller than a quarter even though eight is bigger.",
    "Nothing, it was good. Maybe do it with tenths.",
    "Because I did the ticket and I put them right.",
    "When the teacher did the jumps on the big line.",
]


def make_large_study(path: Path, *, seed: int = 1, pupils: int = 3, notes: int = NOTES) -> Path:
    """Create the large study file at `path` (which must not exist) and return `path`."""
    with StudyFile.create(path, build_large_study(seed=seed, pupils=pupils, notes=notes)):
        pass
    return path


def build_large_study(*, seed: int = 1, pupils: int = 3, notes: int = NOTES) -> Study:
    """The large study in memory, the same for the same seed."""
    rng = random.Random(seed)

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    protocol = load_protocol("english")
    labels = list(PUPIL_LABELS[:pupils])
    members = [
        Member(name, [Role.OBSERVER, Role.TEACHER] + ([Role.CHAIR] if i == 0 else []))
        for i, name in enumerate(OBSERVER_NAMES)
    ]
    members.append(Member("Helen Marsh", [Role.FINAL_COMMENTATOR, Role.RECORDER]))
    study = Study(
        overview=Overview(
            title=f"Large study (seed {seed})",
            focus="We want to learn how to improve the way pupils learn to place fractions "
            "on a number line.",
            research_question="Does counting along a bead string and a number line help?",
            technique="Counting in fractions along a bead string and a number line.",
            evidence="EEF guidance; our autumn assessment.",
            aim="Pupils place fractions on a number line and explain by distance from 0.",
            class_details=ClassDetails("Year 4", 30, "mixed attainment", OBSERVER_NAMES[0]),
            protocol="english",
            protocol_text=default_ground_rules(),
            protocol_agreed=True,
            interview_prompts=list(protocol.interview_prompts),
            lesson_count=LESSONS,
        ),
        members=members,
        pupils=[
            CasePupil(
                label,
                PSEUDONYMS[i],
                LEARNER_GROUPS[i],
                "Typical of a group in the class.",
                "Places 1/2 on a 0-1 line.",
            )
            for i, label in enumerate(labels)
        ],
        id=uid(),
    )
    first = dt.datetime(2026, 1, 20, 10, 45, tzinfo=TZ)
    starts = [first + dt.timedelta(days=14 * n) for n in range(LESSONS)]
    for number in range(1, LESSONS + 1):
        study.lessons.append(_lesson(number, labels, starts[number - 1], rng, uid))
    # Assign each observer one case pupil, round robin, so nobody goes unobserved.
    for lesson in study.lessons:
        lesson.assignments = {
            name: [labels[i % len(labels)]] for i, name in enumerate(OBSERVER_NAMES)
        }

    per_lesson = [notes // LESSONS + (1 if n < notes % LESSONS else 0) for n in range(LESSONS)]
    for lesson, count, start in zip(study.lessons, per_lesson, starts, strict=True):
        study.notes.extend(_notes(lesson, count, start, rng, uid))
        study.marks.extend(_marks(lesson, start, rng, uid))
    study.notes.sort(key=lambda note: note.at)

    for index in range(INTERVIEWS):
        lesson = study.lessons[index % LESSONS]
        start = starts[lesson.number - 1]
        group = index % 5 == 4
        study.interviews.append(
            Interview(
                lesson=lesson.number,
                interviewee="two pupils from table 3" if group else labels[index % len(labels)],
                kind=IntervieweeKind.GROUP if group else IntervieweeKind.CASE_PUPIL,
                interviewer=OBSERVER_NAMES[index % OBSERVERS],
                started=start + dt.timedelta(minutes=LESSON_MINUTES + 2 + 6 * (index // 3)),
                answers=[
                    Answer(prompt, rng.choice(ANSWERS), rng.random() < 0.3)
                    for prompt in protocol.interview_prompts
                ],
                id=uid(),
            )
        )

    step_ids = [step.id for step in protocol.steps if step.kind is not ProtocolStepKind.COMMENTATOR]
    for lesson in study.lessons:
        changes = [f"Change {n} agreed after RL{lesson.number}." for n in range(1, 6)]
        study.discussions.append(
            Discussion(
                lesson=lesson.number,
                date=(starts[lesson.number - 1] + dt.timedelta(days=1)).date(),
                chair=OBSERVER_NAMES[0],
                recorder="Helen Marsh",
                attendees=[*OBSERVER_NAMES, "Helen Marsh"],
                records={
                    step: [_note_text(rng) for _ in range(rng.randint(3, 8))] for step in step_ids
                },
                agreed_changes=changes,
                commentator_remarks=" ".join(_note_text(rng) for _ in range(4)),
            )
        )
    for lesson, previous in zip(study.lessons[1:], study.discussions, strict=False):
        lesson.carried_changes = [ChangeItem(text, True) for text in previous.agreed_changes]

    study.findings = Findings("What we learned.", "The practice we developed.", "What we share.")
    study.open_house = OpenHouse(
        date=dt.date(2026, 3, 17),
        place="School library",
        lesson=LESSONS,
        invitees=["Year 3 team", "Year 5 team"],
        briefing="Observe the learning, not the teaching. Do not talk to pupils.",
        visitor_notes="Visitors saw pupils count jumps from 0.",
    )
    return study


def _lesson(
    number: int, labels: list[str], start: dt.datetime, rng: random.Random, uid: NewId
) -> ResearchLesson:
    stages = [
        Stage(
            title=f"Stage {s}: {rng.choice(OPENINGS).lower()}",
            minutes=LESSON_MINUTES // STAGES,
            teacher_activity=_note_text(rng),
            pupil_activity=_note_text(rng),
            assessment=_note_text(rng),
            predictions={label: _note_text(rng) for label in labels},
            observed={label: _note_text(rng) for label in labels},
            patterns=_note_text(rng),
            id=uid(),
        )
        for s in range(1, STAGES + 1)
    ]
    return ResearchLesson(
        number=number,
        date=start.date(),
        time=start.strftime("%H:%M"),
        aspect="Fractions as numbers",
        objective="To place fractions on a number line.",
        teacher=OBSERVER_NAMES[(number - 1) % OBSERVERS],
        learning_intentions="We are learning to place fractions on a number line.",
        success_criteria="I can count in fractions.\nI can place fractions.",
        pupil_success_criteria={label: _note_text(rng) for label in labels},
        stages=stages,
        resources="Bead strings, metre stick, strips.",
        initial_thoughts=_note_text(rng),
    )


def _note_text(rng: random.Random) -> str:
    """A note of realistic length: mostly one line (30-150 characters), sometimes long."""
    parts = [rng.choice(OPENINGS)]
    if rng.random() < 0.7:
        parts.append(rng.choice(MIDDLES))
    text = " ".join(parts) + "."
    if rng.random() < 0.5:
        text += " " + rng.choice(QUOTES).capitalize()
    if rng.random() < 0.1:
        text += " " + rng.choice(LONG_TAILS)
    return text


JUDGEMENTS = [*Judgement, None]


def _notes(
    lesson: ResearchLesson, count: int, start: dt.datetime, rng: random.Random, uid: NewId
) -> list[Observation]:
    seconds = LESSON_MINUTES * 60
    stage_seconds = seconds // STAGES
    notes = []
    for _ in range(count):
        observer = rng.choice(OBSERVER_NAMES)
        offset = rng.randrange(seconds * 1000) / 1000  # distinct times, to the millisecond
        about = lesson.assignments[observer][0] if rng.random() < 0.85 else CLASS
        notes.append(
            Observation(
                lesson=lesson.number,
                observer=observer,
                at=start + dt.timedelta(seconds=offset),
                about=about,
                text=_note_text(rng),
                stage_id=lesson.stages[min(int(offset // stage_seconds), STAGES - 1)].id,
                judgement=rng.choice(JUDGEMENTS),
                critical=rng.random() < 0.03,
                id=uid(),
            )
        )
    return notes


def _marks(
    lesson: ResearchLesson, start: dt.datetime, rng: random.Random, uid: NewId
) -> list[StageMark]:
    stage_seconds = LESSON_MINUTES * 60 // STAGES
    marks = []
    for observer in OBSERVER_NAMES:
        for index in range(STAGES + 1):
            stage_id = lesson.stages[index].id if index < STAGES else None
            at = start + dt.timedelta(seconds=index * stage_seconds + rng.randint(0, 30))
            marks.append(StageMark(lesson.number, observer, at, stage_id, uid()))
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the study file to create (.lessonstudy)")
    parser.add_argument("--notes", type=int, default=NOTES, help="how many notes (9000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pupils", type=int, default=3, choices=range(2, 7))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    make_large_study(args.out, seed=args.seed, pupils=args.pupils, notes=args.notes)
    took = time.perf_counter() - began
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: {args.notes} notes, {INTERVIEWS} interviews, {size:.1f} MB in {took:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
