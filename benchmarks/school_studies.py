"""A school's lesson studies, generated: varied subjects, year groups, school years,
stages of the cycle and faithfulness, for the library's benchmark and for trying it.

    python benchmarks/school_studies.py FOLDER [--count 20] [--seed 1]

From other scripts: `make_school(folder, count, seed=1)` writes `count` study
files into `folder` and returns their paths; `build_study(n, seed)` is one study
in memory. The same seed gives the same studies, ids included.

Every study has case pupils with pseudonyms and a private note, and a list of
private words (pupils' real names) that its notes sometimes use: the library
must show none of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from pathlib import Path

from lessonstudy.model import (
    CLASS,
    Answer,
    CasePupil,
    ChangeItem,
    ClassDetails,
    Discussion,
    Findings,
    GroupJudgement,
    Interview,
    IntervieweeKind,
    Judgement,
    Member,
    Observation,
    OpenHouse,
    Overview,
    PredictionRecord,
    PrivateWord,
    PrivateWords,
    ResearchLesson,
    Role,
    Stage,
    StageMark,
    Study,
)
from lessonstudy.store import StudyFile, documents

TZ = dt.UTC
PRIVATE_NOTE = "PRIVATE: lives with grandparents, see safeguarding log"

# subject, year groups as schools write them, focus, technique, question, evidence, stage titles
TOPICS = [
    (
        "Mathematics",
        ["Year 4", "Y4", "Year 3", "Year 5"],
        "place fractions on a number line and explain where they go",
        "counting in fractions along a bead string before placing",
        "Does counting in fractions along a bead string help pupils place fractions?",
        "EEF guidance on mathematics in KS2 and KS3; NCETM fractions materials",
        ["Counting in quarters", "Bead string to number line", "Placing fractions", "Exit ticket"],
    ),
    (
        "Maths",
        ["Year 7", "Year 8"],
        "reason about ratio with bar models",
        "bar models drawn before any calculation",
        "Do bar models help pupils explain ratio problems?",
        "EEF Improving Mathematics in KS2 and KS3; Singapore maths bar modelling",
        ["Starter: sharing sweets", "Drawing the bar", "Ratio problems", "Explaining to a partner"],
    ),
    (
        "English",
        ["Year 2", "Year 6", "Y6"],
        "use inference when reading a whole-class text",
        "reciprocal reading roles with a think-aloud model",
        "Does modelling inference aloud help pupils find evidence in the text?",
        "EEF guidance on improving literacy in KS2; Education Endowment Foundation reading toolkit",
        ["Shared reading", "Think-aloud model", "Reciprocal roles", "Inference questions"],
    ),
    (
        "Science",
        ["Year 5", "Year 9", "Year 10"],
        "plan a fair test and say which variable to change",
        "a planning board with sticky notes for variables",
        "Does a planning board help pupils choose the variable to change?",
        "ASE guidance on working scientifically; EEF improving secondary science",
        ["What makes a test fair?", "The planning board", "Planning in pairs", "Sharing plans"],
    ),
    (
        "History",
        ["Year 8", "Year 9"],
        "use sources as evidence rather than information",
        "a source 'interrogation' grid with provenance questions",
        "Does a provenance grid help pupils weigh a source's usefulness?",
        "Historical Association guidance on sources; Counsell on historical enquiry",
        ["Hook: a mystery source", "Provenance questions", "Grid in pairs", "How useful is it?"],
    ),
    (
        "Geography",
        ["Year 7"],
        "read and describe patterns on a choropleth map",
        "describing maps with a 'general - specific - anomaly' frame",
        "Does a describing frame help pupils describe map patterns precisely?",
        "Geographical Association guidance on map skills",
        ["Map warm-up", "Modelled description", "Frame in pairs", "Independent description"],
    ),
    (
        "French",
        ["Year 7", "Year 8"],
        "speak spontaneously in the target language",
        "mini whiteboards and sentence builders for spontaneous talk",
        "Do sentence builders help pupils speak without a script?",
        "Teaching Schools Council MFL pedagogy review",
        ["Phonics warm-up", "Sentence builder", "Speaking in pairs", "Show me boards"],
    ),
    (
        "Computing",
        ["Year 5", "Year 6"],
        "debug a program by predicting what it will do",
        "PRIMM: predict, run, investigate, modify, make",
        "Does predicting before running help pupils find bugs?",
        "Raspberry Pi Foundation research on PRIMM",
        ["Predict", "Run and compare", "Investigate", "Modify"],
    ),
]
LEARNER_GROUPS = [
    "pupils making good progress",
    "pupils working at the expected level",
    "pupils finding this hard",
    "pupils with English as an additional language",
    "disadvantaged pupils (pupil premium)",
    "pupils with SEND",
]
PSEUDONYMS = ["Maya", "Leo", "Sami", "Ava", "Noah", "Isla", "Remi", "Zara", "Kai", "Orla"]
REAL_NAMES = ["Bartholomew", "Clementine", "Jedediah", "Philippa", "Augustin", "Rosalind"]
TEACHERS = [
    "Priya Shah",
    "Tom Hughes",
    "Grace Okafor",
    "Helen Marsh",
    "Dan Evans",
    "Aisha Khan",
    "Rob Clarke",
    "Mei Lin",
    "Sarah Doyle",
    "Kwame Mensah",
]
OBSERVED = [
    "counted aloud with a partner and checked each step",
    "waited for the teacher before starting",
    "explained the idea to the table in their own words",
    "copied a neighbour's answer without checking",
    "used the resource without a prompt",
    "asked why the method works",
    "stopped at the second problem and looked around",
    "corrected a mistake after rereading the question",
]
SAID = [
    "'Oh, it's the jumps that matter, not the lines.'",
    "'I don't get why we do it this way.'",
    "'Can I use the board again?'",
    "'It's like last time but backwards.'",
]
CHANGES = [
    "Model the first example aloud before pairs start",
    "Give each pair one resource, not one each",
    "Move the misconception to the start of the lesson",
    "Put the stem sentence on every table",
    "Give thinking time before hands go up",
    "Shorten the starter to five minutes",
]
JUDGEMENTS = [*Judgement, None]


def build_study(n: int, seed: int = 1) -> tuple[Study, PrivateWords]:
    """Study number `n` of a school (the same for the same n and seed)."""
    rng = random.Random(seed * 100_003 + n)

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    subject, years, focus, technique, question, evidence, stage_titles = TOPICS[n % len(TOPICS)]
    year_group = rng.choice(years)
    school_year = 2023 + n % 3
    lesson_count = rng.choice([2, 3, 3, 3, 4])
    # How far the study has got: 0 nothing, 1 planned, 2..lessons+1 taught that many,
    # then open house and write-up done.
    progress = rng.choice([0, 1, *range(2, lesson_count + 2), lesson_count + 2, lesson_count + 2])
    taught = max(0, min(lesson_count, progress - 1))
    complete = progress >= lesson_count + 2
    careful = rng.random() < 0.7  # most groups keep the cycle faithful; some less so
    members = [
        Member(name, [Role.TEACHER, Role.OBSERVER] + ([Role.CHAIR] if i == 0 else []))
        for i, name in enumerate(rng.sample(TEACHERS, rng.choice([3, 3, 4])))
    ]
    names = [m.name for m in members]
    pupils_n = rng.choice([2, 3, 3, 3, 4])
    labels = ["A", "B", "C", "D"][:pupils_n]
    groups = rng.sample(LEARNER_GROUPS, pupils_n)
    pseudonyms = rng.sample(PSEUDONYMS, pupils_n)
    real = rng.sample(REAL_NAMES, pupils_n)
    pupils = [
        CasePupil(
            label,
            pseudonyms[i],
            groups[i] if progress else "",
            f"Typical of {groups[i]} in the class.",
            "Starting point noted at the initial meeting.",
            private_note=PRIVATE_NOTE,
        )
        for i, label in enumerate(labels)
    ]
    title = f"{focus[0].upper()}{focus[1:]} ({year_group})"
    study = Study(
        overview=Overview(
            title=title,
            focus=f"We want to learn how to improve the way pupils learn to {focus}."
            if progress
            else "",
            research_question=question if progress else "",
            technique=technique.capitalize() if progress else "",
            evidence=evidence if progress else "",
            aim=f"Pupils {focus}." if progress else "",
            class_details=ClassDetails(
                year_group, rng.randint(22, 31), "mixed attainment", names[0], subject
            ),
            protocol_agreed=progress > 0,
            lesson_count=lesson_count,
        ),
        members=members if progress else [],
        pupils=pupils,
        id=uid(),
    )
    start_day = dt.date(school_year, 10, 1) + dt.timedelta(days=rng.randint(0, 150))
    for number in range(1, lesson_count + 1):
        day = start_day + dt.timedelta(days=14 * (number - 1))
        began = dt.datetime(day.year, day.month, day.day, 10, 30, tzinfo=TZ)
        is_taught = number <= taught
        planned = progress >= 1 and number <= taught + 1
        lesson = ResearchLesson(number=number, date=day if planned else None)
        if planned:
            lesson.time = "10:30"
            lesson.teacher = names[(number - 1) % len(names)]
            lesson.aspect = focus
            lesson.objective = f"To {focus}."
            lesson.pupil_success_criteria = {
                label: f"Can {focus} with {'less' if number > 1 else 'some'} help"
                for label in labels
            }
            watched = labels if careful else labels[:-1]
            lesson.assignments = {}
            for i, label in enumerate(watched):
                observer = names[1 + i % (len(names) - 1)]
                lesson.assignments.setdefault(observer, []).append(label)
            written_at = began - dt.timedelta(days=2 if careful or rng.random() < 0.5 else -1)
            lesson.stages = [
                Stage(
                    title=title_,
                    minutes=12,
                    teacher_activity="Teacher models, then pupils try.",
                    predictions={
                        label: f"{pseudonyms[i]} will {rng.choice(OBSERVED)}"
                        for i, label in enumerate(labels)
                    },
                    prediction_records={
                        label: PredictionRecord(written_at=written_at) for label in labels
                    },
                    id=uid(),
                )
                for title_ in stage_titles
            ]
        if planned and study.discussions and study.discussions[-1].lesson == number - 1:
            agreed = study.discussions[-1].agreed_changes
            kept = agreed if careful else agreed[:-1]
            lesson.carried_changes = [ChangeItem(text, rng.random() < 0.8) for text in kept]
        study.lessons.append(lesson)
        if not is_taught:
            continue
        for index, stage in enumerate(lesson.stages):
            study.marks.append(
                StageMark(
                    number, names[0], began + dt.timedelta(minutes=12 * index), stage.id, uid()
                )
            )
        study.marks.append(
            StageMark(number, names[0], began + dt.timedelta(minutes=50), None, uid())
        )
        for _ in range(rng.randint(12, 30)):
            minute = rng.uniform(0, 48)
            about = rng.choice([*labels, CLASS])
            text = f"{rng.choice(OBSERVED)}"
            if rng.random() < 0.3:
                text += f" {rng.choice(SAID)}"
            if about != CLASS and rng.random() < 0.2:
                i = labels.index(about)
                text = f"{rng.choice([pseudonyms[i], real[i]])} {text}"
            study.notes.append(
                Observation(
                    lesson=number,
                    observer=names[1 + rng.randrange(len(names) - 1)],
                    at=began + dt.timedelta(minutes=minute),
                    about=about,
                    text=text,
                    judgement=rng.choice(JUDGEMENTS),
                    critical=rng.random() < 0.05,
                    id=uid(),
                )
            )
        if careful or rng.random() < 0.5:
            for label in rng.sample(labels, min(2, len(labels))):
                study.interviews.append(
                    Interview(
                        lesson=number,
                        interviewee=label,
                        kind=IntervieweeKind.CASE_PUPIL,
                        interviewer=names[1],
                        started=began + dt.timedelta(minutes=55),
                        answers=[
                            Answer("What did you learn?", rng.choice(SAID).strip("'"), True),
                            Answer("Which part of the teaching helped you most?", "The pairs."),
                        ],
                        id=uid(),
                    )
                )
        discussed = number < taught or progress > lesson_count or rng.random() < 0.5
        if discussed:
            gap = rng.choice([0, 1, 1]) if careful else rng.choice([1, 3, 8])
            study.discussions.append(
                Discussion(
                    lesson=number,
                    date=day + dt.timedelta(days=gap),
                    chair=names[0],
                    recorder=names[-1],
                    attendees=names,
                    records={
                        "evidence": [f"At stage 2 pupil {labels[0]} {rng.choice(OBSERVED)}."],
                        "interviews": [f"The pupils said {rng.choice(SAID)}"],
                    },
                    agreed_changes=rng.sample(CHANGES, rng.randint(2, 3)),
                    judgements=[
                        GroupJudgement(stage.id, label, rng.choice(list(Judgement)))
                        for stage in lesson.stages
                        for label in labels
                        if rng.random() < 0.6
                    ],
                )
            )
    study.notes.sort(key=lambda note: note.at)
    if complete:
        study.findings = Findings(
            pupils_learning=f"Pupils learned to {focus} when {technique} came first.",
            practice_developed=f"{technique.capitalize()}, refined over {lesson_count} lessons.",
            to_share="A handout for the department and a staff-meeting slot.",
            key_points=[f"{technique.capitalize()} helped most pupils {focus}."],
            end_points={
                label: f"{pseudonyms[i]} can now {focus}." for i, label in enumerate(labels)
            },
        )
        study.open_house = OpenHouse(
            date=start_day + dt.timedelta(days=14 * lesson_count),
            briefing="Watch the learning, not the teaching.",
            visitor_notes="Visitors saw pupils explain their thinking.",
        )
    private = PrivateWords([PrivateWord(real[i], label) for i, label in enumerate(labels)])
    return study, private


def make_school(folder: Path, count: int, *, seed: int = 1) -> list[Path]:
    """Write `count` study files into `folder` (which must exist); return their paths."""
    paths = []
    for n in range(count):
        study, private = build_study(n, seed)
        subject = study.overview.class_details.subject.lower()
        path = folder / f"{n:04d}-{subject}.lessonstudy"
        with StudyFile.create(path, study) as study_file:
            study_file.save(documents.PRIVATE_WORDS, private, None)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the study files")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    make_school(args.folder, args.count, seed=args.seed)
    print(f"Wrote {args.count} studies to {args.folder} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
