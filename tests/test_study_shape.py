"""Real studies as they are: their own number of lessons, their own pupils' labels.

Two published studies the app could not set up (issue 15): a two-lesson study
whose case pupils are A, K and J, and a study whose pupils are known by their
initials, M and S. Lessons are added and removed (never one that holds
anything), and a pupil relabelled keeps every note, prediction, interview and
judgement.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from cli_runner import run_cli
from lessonstudy import process, report
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    Answer,
    Discussion,
    Interview,
    IntervieweeKind,
    Judgement,
    Observation,
    PredictionRecord,
    PrivateWord,
    PrivateWords,
    Stage,
    StageMark,
    Study,
    labels_problem,
    new_study,
    parse_pupil_labels,
    pupil_keys,
)
from lessonstudy.store import StudyFile, documents
from lessonstudy.usecases import lessons as lesson_use
from lessonstudy.usecases import pupils as pupil_use
from lessonstudy.usecases.new_study import study_for
from lessonstudy.usecases.relabel import relabel_problem, relabel_pupil

T0 = dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC)


def lessonstudy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # In this process (see cli_runner); test_cli runs each command as a real process.
    return run_cli(*args, cwd=cwd)


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("typed", "labels"),
    [
        ("M,S", ["M", "S"]),
        ("A,K,J", ["A", "K", "J"]),
        ("A K J", ["A", "K", "J"]),
        (" m , s ", ["m", "s"]),
        ("4", ["A", "B", "C", "D"]),
        ("P12, P7", ["P12", "P7"]),
    ],
)
def test_pupils_are_given_as_labels_or_as_a_count(typed: str, labels: list[str]) -> None:
    assert parse_pupil_labels(typed) == labels


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("M", "2 to 6 case pupils, not 1"),
        ("7", "2 to 6 case pupils, not 7"),
        ("A,B,C,D,E,F,G", "2 to 6 case pupils, not 7"),
        ("M,m", "two case pupils are labelled 'm'"),
        ("ABCD,B", "1 to 3 letters or digits, not 'ABCD'"),
        ("A.,B", "1 to 3 letters or digits, not 'A.'"),
    ],
)
def test_labels_the_rules_refuse_are_refused_saying_why(typed: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        parse_pupil_labels(typed)


def test_every_pupil_gets_a_key_of_their_own_whatever_their_labels() -> None:
    assert pupil_keys(["A", "K", "J"], reserved="0") == {"A": "a", "K": "k", "J": "j"}
    assert pupil_keys(["M", "S"], reserved="0") == {"M": "m", "S": "s"}
    # Two labels starting alike: the second takes its next letter; the order the
    # labels are listed in (an observer's own pupils first) changes nothing.
    assert pupil_keys(["KA", "K", "J"], reserved="0") == {"KA": "a", "K": "k", "J": "j"}
    assert pupil_keys(["J", "K", "KA"], reserved="0") == {"J": "j", "K": "k", "KA": "a"}
    keys = pupil_keys(["0", "01", "A", "a1"], reserved="0")
    assert len(set(keys.values())) == 4 and "0" not in keys.values()


# --------------------------------------------------------------------------- lessonstudy new


@pytest.mark.parametrize(
    ("args", "lessons", "labels"),
    [
        (["--lessons", "2", "--pupils", "A,K,J"], [1, 2], ["A", "K", "J"]),
        (["--pupils", "M,S"], [1, 2, 3], ["M", "S"]),
        (["--pupils", "4"], [1, 2, 3], ["A", "B", "C", "D"]),
        ([], [1, 2, 3], ["A", "B", "C"]),
    ],
)
def test_new_creates_the_study_the_group_described(
    tmp_path: Path, args: list[str], lessons: list[int], labels: list[str]
) -> None:
    done = lessonstudy("new", "s.lessonstudy", "--title", "Real", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"({', '.join(labels)})" in done.stdout
    with StudyFile.open(tmp_path / "s.lessonstudy") as study_file:
        study = study_file.load()
    assert [lesson.number for lesson in study.lessons] == lessons
    assert study.overview.lesson_count == len(lessons)
    assert study.labels == labels
    assert [step.lesson for step in process.steps(study) if step.lesson] == [
        n for n in lessons for _ in range(4)
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--pupils", "M"], "2 to 6 case pupils, not 1"),
        (["--pupils", "M,m"], "two case pupils are labelled"),
        (["--lessons", "7"], "1 to 6 research lessons, not 7"),
        (["--lessons", "0"], "1 to 6 research lessons, not 0"),
    ],
)
def test_new_refuses_what_the_rules_refuse_in_one_line(
    tmp_path: Path, args: list[str], says: str
) -> None:
    done = lessonstudy("new", "s.lessonstudy", "--title", "x", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert says in done.stderr
    assert not (tmp_path / "s.lessonstudy").exists()


def test_the_ground_rules_example_names_one_of_the_studys_own_pupils() -> None:
    assert (
        '"At that point I saw pupil S ..."' in study_for("x", 3, ["M", "S"]).overview.protocol_text
    )
    assert "pupil B" in study_for("x", 3, ["A", "B", "C"]).overview.protocol_text


# --------------------------------------------------------------------------- lessons


@pytest.fixture
def two_lessons(tmp_path: Path) -> StudyFile:
    study = study_for("Two lessons", 2, ["A", "K", "J"])
    return StudyFile.create(tmp_path / "two.lessonstudy", study)


def test_a_lesson_is_added_at_the_end_and_an_empty_one_removed(two_lessons: StudyFile) -> None:
    with two_lessons as study_file:
        assert lesson_use.add_lesson(study_file) == 3
        study = study_file.load()
        assert [lesson.number for lesson in study.lessons] == [1, 2, 3]
        assert study.overview.lesson_count == 3
        assert lesson_use.removal_problem(study_file, 3) is None
        lesson_use.remove_lesson(study_file, 3)
        lesson_use.remove_lesson(study_file, 2)
        study = study_file.load()
        assert [lesson.number for lesson in study.lessons] == [1]
        assert study.overview.lesson_count == 1
        assert study_file.find(documents.lesson(2)) is None  # gone: not a blank plan
        # A study keeps at least one lesson, and never more than six.
        with pytest.raises(LessonStudyError, match="only research lesson"):
            lesson_use.remove_lesson(study_file, 1)
        for _ in range(5):
            lesson_use.add_lesson(study_file)
        with pytest.raises(LessonStudyError, match="at most 6"):
            lesson_use.add_lesson(study_file)


def _with(study_file: StudyFile, change: str) -> None:
    """Put one kind of evidence into RL2."""
    plan, revision = study_file.read(documents.lesson(2))
    assert plan is not None
    if change == "stages":
        plan.stages = [Stage(title="Starter")]
        study_file.save(documents.lesson(2), plan, revision)
    elif change == "criterion":
        plan.pupil_success_criteria = {"K": "orders three fractions"}
        study_file.save(documents.lesson(2), plan, revision)
    elif change == "note":
        note = Observation(2, "Ann", T0, "K", "said it", deleted=True)
        study_file.add_note(note)
    elif change == "mark":
        study_file.add_mark(StageMark(2, "Ann", T0, None))
    elif change == "interview":
        interview = Interview(2, "J", answers=[Answer("What?", "the wall")])
        study_file.save(documents.interview(interview), interview, None)
    elif change == "discussion":
        discussion = Discussion(2, agreed_changes=["more talk"])
        study_file.save(documents.discussion(2), discussion, None)
    elif change == "open house":
        house, revision = study_file.read(documents.OPEN_HOUSE)
        assert house is not None
        house.lesson = 2
        study_file.save(documents.OPEN_HOUSE, house, revision)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("stages", "a plan (1 stage)"),
        ("criterion", "a plan (text typed in it)"),
        ("note", "1 observation note"),  # a deleted note too: it can be brought back
        ("mark", "a lesson clock that was started"),
        ("interview", "1 interview"),
        ("discussion", "its post-lesson discussion"),
        ("open house", "the open house"),
    ],
)
def test_a_lesson_that_holds_anything_is_not_removed_and_it_says_what(
    two_lessons: StudyFile, change: str, says: str
) -> None:
    with two_lessons as study_file:
        _with(study_file, change)
        problem = lesson_use.removal_problem(study_file, 2)
        assert problem is not None and says in problem and "RL2 cannot be removed" in problem
        before = study_file.load()
        with pytest.raises(LessonStudyError, match=re.escape(says)):
            lesson_use.remove_lesson(study_file, 2)
        after = study_file.load()
        assert [lesson.number for lesson in after.lessons] == [1, 2]
        assert after.overview.lesson_count == 2
        assert len(after.notes) == len(before.notes)
        assert len(after.interviews) == len(before.interviews)


def test_lessons_stay_numbered_in_order_when_an_early_empty_one_goes(
    two_lessons: StudyFile,
) -> None:
    """Seen in tmux: removing RL1 of three empty lessons left RL2 and RL3."""
    with two_lessons as study_file:
        lesson_use.add_lesson(study_file)
        assert lesson_use.remove_lesson(study_file, 1) == 3
        study = study_file.load()
        assert [lesson.number for lesson in study.lessons] == [1, 2]
        assert study.overview.lesson_count == 2
        assert [s.lesson for s in process.steps(study) if s.lesson] == [1, 1, 1, 1, 2, 2, 2, 2]


def test_an_empty_lesson_before_one_that_holds_something_stays(two_lessons: StudyFile) -> None:
    with two_lessons as study_file:
        lesson_use.add_lesson(study_file)
        study_file.add_note(Observation(3, "Ann", T0, "A", "seen"))
        with pytest.raises(LessonStudyError, match="RL3 after it does"):
            lesson_use.remove_lesson(study_file, 2)
        assert [lesson.number for lesson in study_file.load().lessons] == [1, 2, 3]


# --------------------------------------------------------------------------- relabelling


def evidence_about_k(study: Study) -> Study:
    """K in every place a case pupil is named: notes (one deleted), a prediction and
    its record, what was observed, a success criterion, an observer's assignment,
    an interview and the group's judgement."""
    lesson = study.lessons[0]
    stage = Stage(
        title="Fraction wall",
        predictions={"A": "counts", "K": "halves", "J": "waits"},
        observed={"K": "halved twice"},
        prediction_records={"K": PredictionRecord(written_at=T0)},
    )
    lesson.stages = [stage]
    lesson.pupil_success_criteria = {"K": "places 3/4"}
    lesson.assignments = {"Ann": ["K", "J"], "Bo": ["A"]}
    study.notes = [
        Observation(1, "Ann", T0, "K", "said a half is bigger", stage_id=stage.id),
        Observation(
            1,
            "Ann",
            T0 + dt.timedelta(minutes=1),
            "K",
            "fixed it",
            judgement=Judgement.BETTER,
            stage_id=stage.id,
        ),
        Observation(1, "Ann", T0 + dt.timedelta(minutes=2), "K", "typo", deleted=True),
        Observation(1, "Bo", T0 + dt.timedelta(minutes=3), "A", "counted on"),
        Observation(1, "Bo", T0 + dt.timedelta(minutes=4), "class", "K and J talked"),
    ]
    study.interviews = [
        Interview(1, "K", answers=[Answer("What did you learn?", "halves")]),
        Interview(1, "the K table", kind=IntervieweeKind.GROUP),
    ]
    discussion = Discussion(1, records={"evidence": ["pupil K surprised us"]})
    discussion.set_judgement(stage.id, "K", Judgement.BETTER)
    study.discussions = [discussion]
    return study


def test_relabelling_a_pupil_moves_every_piece_of_their_evidence_with_them(
    tmp_path: Path,
) -> None:
    study = evidence_about_k(study_for("AKJ", 2, ["A", "K", "J"]))
    study.pupils[1].pseudonym = "Kit"
    study.findings.end_points = {"K": "orders fractions", "A": "counts on"}
    with StudyFile.create(tmp_path / "s.lessonstudy", study) as study_file:
        private = PrivateWords([PrivateWord("Kieran", "K"), PrivateWord("Mr Jones")])
        study_file.save(documents.PRIVATE_WORDS, private, None)
        note_ids = {n.id for n in study_file.notes() if n.about == "K"}
        revisions = study_file.revisions()
        assert relabel_pupil(study_file, "K", " P ") == 3
        after = study_file.load()
        after_revisions = study_file.revisions()
        private_after = study_file.read(documents.PRIVATE_WORDS).value

    assert after.labels == ["A", "P", "J"]
    assert after.findings.end_points == {"P": "orders fractions", "A": "counts on"}
    assert private_after == PrivateWords([PrivateWord("Kieran", "P"), PrivateWord("Mr Jones")])
    assert after.pupil("P").pseudonym == "Kit"
    # Every note that was about K is about P, deleted ones too; no other note changed.
    assert {n.id for n in after.notes if n.about == "P"} == note_ids
    assert not [n for n in after.notes if n.about == "K"]
    assert {n.text for n in after.notes if n.about == "P"} == {
        "said a half is bigger",
        "fixed it",
        "typo",
    }
    assert all(n.revision == 2 for n in after.notes if n.about == "P")
    assert [n.about for n in after.notes if n.text in ("counted on", "K and J talked")] == [
        "A",
        "class",
    ]
    lesson = after.lesson(1)
    assert lesson is not None
    stage = lesson.stages[0]
    assert stage.predictions == {"A": "counts", "P": "halves", "J": "waits"}
    assert stage.observed == {"P": "halved twice"}
    assert stage.record("P").written_at == T0
    assert lesson.pupil_success_criteria == {"P": "places 3/4"}
    assert lesson.assignments == {"Ann": ["P", "J"], "Bo": ["A"]}
    assert sorted(i.interviewee for i in after.interviews) == ["P", "the K table"]
    discussion = after.discussion(1)
    assert discussion is not None and discussion.judgement(stage.id, "P") is Judgement.BETTER
    # Typed words are never rewritten: "pupil K" in a point stays as it was said.
    assert discussion.records == {"evidence": ["pupil K surprised us"]}
    # The evidence grid and the report follow.
    grid = process.evidence_grid(after, 1)
    assert grid.labels == ("A", "P", "J")
    written = report.render_markdown(after)
    assert "P (Kit)" in written and "K (Kit)" not in written and "said a half is bigger" in written
    assert grid.rows[0].cells["P"].judgements[Judgement.BETTER] == 1
    # Only what names the pupil got a new revision (an empty RL2 plan did not).
    assert after_revisions[("lesson", "2")] == revisions[("lesson", "2")]
    assert after_revisions[("lesson", "1")] == revisions[("lesson", "1")] + 1


def test_a_relabel_is_all_or_nothing_and_refused_when_the_rules_say_so(tmp_path: Path) -> None:
    study = evidence_about_k(study_for("AKJ", 2, ["A", "K", "J"]))
    with StudyFile.create(tmp_path / "s.lessonstudy", study) as study_file:
        before = study_file.revisions()
        for new, says in [("j", "labelled J already"), ("KKKK", "1 to 3"), ("", "1 to 3")]:
            assert says in (relabel_problem(study_file.load().labels, "K", new) or "")
            with pytest.raises(LessonStudyError, match=says):
                relabel_pupil(study_file, "K", new)
        with pytest.raises(LessonStudyError, match="no case pupil Z"):
            relabel_pupil(study_file, "Z", "Y")
        assert study_file.revisions() == before
        assert {n.about for n in study_file.notes()} == {"K", "A", "class"}
        # A change of case is the same pupil: allowed.
        assert relabel_problem(["A", "K", "J"], "K", "k") is None
        assert relabel_pupil(study_file, "K", "k") == 3
        assert study_file.load().labels == ["A", "k", "J"]


def test_a_new_study_and_its_labels_keep_the_rules() -> None:
    assert labels_problem(["A", "K", "J"]) is None
    with pytest.raises(ValueError, match="not 1"):
        new_study("x", labels=["M"])
    with pytest.raises(ValueError, match="research lessons"):
        new_study("x", lesson_count=7)
    assert new_study("x", pupil_count=4).labels == ["A", "B", "C", "D"]


# --------------------------------------------------------------------------- the write-up


def observed_study(lessons: int, labels: list[str]) -> Study:
    """A study with a stage, predictions, notes, interviews and discussions per lesson."""
    study = study_for("Real", lessons, labels)
    for pupil in study.pupils:
        pupil.pseudonym = f"Pseud{pupil.label}"
    for lesson in study.lessons:
        stage = Stage(title="Starter", minutes=5, predictions={lab: "p" for lab in labels})
        lesson.stages = [stage]
        for minute, label in enumerate(labels):
            at = T0 + dt.timedelta(days=lesson.number, minutes=minute)
            study.notes.append(
                Observation(lesson.number, "Ann", at, label, f"note on {label}", stage_id=stage.id)
            )
        discussion = Discussion(lesson.number, records={"evidence": ["seen"]}, agreed_changes=["x"])
        discussion.set_judgement(stage.id, labels[0], Judgement.BETTER)
        study.discussions.append(discussion)
        study.interviews.append(Interview(lesson.number, labels[-1], answers=[Answer("Q?", "A")]))
    study.open_house.lesson = lessons
    return study


OTHER_LABELS = ["A", "B", "C", "D", "E", "F", "J", "K", "M", "S"]


@pytest.mark.parametrize(("lessons", "labels"), [(2, ["A", "K", "J"]), (3, ["M", "S"])])
@pytest.mark.parametrize("kind", ["report", "handout", "poster"])
def test_the_write_up_names_only_the_lessons_and_pupils_the_study_has(
    lessons: int, labels: list[str], kind: str
) -> None:
    text = report.render_markdown(observed_study(lessons, labels), kind=kind)
    mentioned = {int(n) for n in re.findall(r"\bRL(\d+)", text)}
    assert mentioned and mentioned <= set(range(1, lessons + 1))
    for label in [lab for lab in OTHER_LABELS if lab not in labels]:
        # Where a report names a pupil: "Pupil K", "**K (PseudK)**", a table's "| K".
        for pattern in (
            rf"\bPupil {label}\b",
            rf"\*\*{label}\b",
            rf"\| {label}\b",
            rf"\b{label} \(",
        ):
            assert not re.search(pattern, text), (label, pattern)
    for label in labels:
        assert f"{label} (Pseud{label})" in text


def test_removing_a_pupil_takes_what_the_plans_and_findings_say_of_them_in_one_go(
    tmp_path: Path,
) -> None:
    study = study_for("AKJ", 2, ["A", "K", "J"])
    stage = Stage(title="Starter", predictions={"A": "counts", "K": "halves"})
    study.lessons[0].stages = [stage]
    study.lessons[0].pupil_success_criteria = {"A": "counts on"}
    study.lessons[0].assignments = {"Ann": ["A", "K"]}
    study.findings.end_points = {"A": "counts on in quarters"}
    with StudyFile.create(tmp_path / "s.lessonstudy", study) as study_file:
        study_file.save(documents.PRIVATE_WORDS, PrivateWords([PrivateWord("Alfie", "A")]), None)
        assert process.pupil_plan_mentions(study_file.load(), "A") == [
            "1 prediction",
            "1 success criterion",
            "1 observer's assignment",
            "where they ended, in the findings",
        ]
        pupil_use.remove_pupil(study_file, "A")
        after = study_file.load()
        private = study_file.read(documents.PRIVATE_WORDS).value
        study_file.add_note(Observation(1, "Ann", T0, "K", "seen"))
        with pytest.raises(LessonStudyError, match="cannot be removed"):
            pupil_use.remove_pupil(study_file, "K")
    assert after.labels == ["K", "J"]
    lesson = after.lessons[0]
    assert lesson.stages[0].predictions == {"K": "halves"}
    assert lesson.pupil_success_criteria == {}
    assert lesson.assignments == {"Ann": ["K"]}
    assert after.findings.end_points == {}
    assert private == PrivateWords([PrivateWord("Alfie", "")])  # still guarded


# --------------------------------------------------------------------------- dates in the CLI


@pytest.mark.parametrize("typed", ["3/2/2026", "3 Feb 2026", "2026-02-03", "03-02-2026"])
def test_notes_import_takes_the_day_as_the_app_reads_it(tmp_path: Path, typed: str) -> None:
    study = study_for("Day", 1, ["M", "S"])
    study.lessons[0].stages = [Stage(title="Starter")]
    StudyFile.create(tmp_path / "s.lessonstudy", study).close()
    (tmp_path / "notes.txt").write_text("10:42 m 1 + counted on\n", encoding="utf-8")
    args = ["notes", "import", "s.lessonstudy", "notes.txt", "--observer", "Ann", "--lesson", "1"]
    done = lessonstudy(*args, "--date", typed, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with StudyFile.open(tmp_path / "s.lessonstudy") as study_file:
        (note,) = study_file.notes(1)
    assert (note.at.date(), note.at.strftime("%H:%M"), note.about) == (
        dt.date(2026, 2, 3),
        "10:42",
        "M",
    )


def test_notes_import_refuses_a_date_it_cannot_read_in_one_line(tmp_path: Path) -> None:
    study = study_for("Day", 1, ["M", "S"])
    StudyFile.create(tmp_path / "s.lessonstudy", study).close()
    (tmp_path / "notes.txt").write_text("10:42 m 1 + counted on\n", encoding="utf-8")
    args = ["notes", "import", "s.lessonstudy", "notes.txt", "--observer", "Ann", "--lesson", "1"]
    done = lessonstudy(*args, "--date", "2/13/2026", cwd=tmp_path)
    assert done.returncode == 2
    assert "'2/13/2026' is not a date: there is no month 13" in done.stderr
