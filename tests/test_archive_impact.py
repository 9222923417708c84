"""The impact summary: faithfulness per cycle, changes carried, practice developed and
the case pupils' progress by learner group, by subject and year group: counted from
what the studies recorded, naming studies and groups, never rating a teacher."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import docx
import pytest

from archive_helpers import SECRETS, ZONE, make_school, reading_study, write_study
from lessonstudy.archive.impact import build_impact
from lessonstudy.archive.index import Filters, Library
from lessonstudy.model import ChangeItem, PredictionRecord, Stage, StageMark
from lessonstudy.report.impact import render_impact
from pdf_pages import A4_PORTRAIT, need, read_pdf, same_size
from report_fixtures import markdown_text


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "studies"
    make_school(folder)
    return folder


def impact(folder: Path, index: Path, filters: Filters | None = None) -> dict:
    with Library.open(folder, index) as library:
        library.sync()
        return build_impact(library.facts(filters), folder=str(folder), filters=filters)


def study_row(data: dict, title: str) -> dict:
    return next(s for s in data["studies"] if s["title"] == title)


def test_faithfulness_is_counted_from_what_each_cycle_recorded(
    folder: Path, tmp_path: Path
) -> None:
    data = impact(folder, tmp_path / "i.sqlite3")
    totals = data["totals"]
    # Fractions: two lessons taught (notes), 3 stages x 3 pupils, predictions undated;
    # reading: one lesson taught (its clock started), 2 stages x 2 pupils, none written.
    assert totals["cycles"] == 3
    assert totals["predictions_before"] == {"count": 0, "of": 22, "text": "0 of 22"}
    assert totals["predictions_undated"] == 18
    assert totals["observer_cycles"]["text"] == "3 of 3"
    # every fractions pupil has notes at every stage; in reading only B has one, at stage 1
    assert totals["seen_every_stage"]["text"] == "6 of 8"
    assert totals["interview_cycles"]["text"] == "3 of 3"
    # fractions discussed the next day twice; reading two days later
    assert totals["discussions_soon"]["text"] == "2 of 3"
    # after RL1 of fractions: one change agreed, not carried in those words into RL2;
    # reading's RL2 is not taught yet, so its change is not counted
    assert totals["changes_carried"]["text"] == "0 of 1"
    fractions = study_row(data, "Fractions in Year 4")
    rl1, rl2 = fractions["cycles"]
    assert rl1["discussion"] == "the next day"
    assert rl1["changes"] == "1 agreed · 0 carried · 0 worked in"
    assert rl1["change_items"] == [
        {"text": "After RL1: start with halves and quarters", "status": "dropped"}
    ]
    assert rl2["changes"] == "1 agreed"  # after the last lesson: nothing to carry into
    reading = study_row(data, "Inference in whole-class reading")
    assert reading["cycles"][0]["discussion"] == "2 days later"
    assert reading["cycles"][1]["predictions"] == "not taught; 0 of 0 written"


def test_predictions_written_before_the_lesson_began_are_told_from_later_ones(
    tmp_path: Path,
) -> None:
    study = reading_study()
    lesson = study.lessons[0]
    start = study.marks[0].at
    lesson.stages = [
        Stage(
            title="Think-aloud model",
            predictions={"A": "will find a clue", "B": "will need the model twice"},
            prediction_records={
                "A": PredictionRecord(written_at=start - dt.timedelta(days=1)),
                "B": PredictionRecord(written_at=start + dt.timedelta(minutes=5)),
            },
        )
    ]
    study.marks = [StageMark(1, "Ms Grey", start, lesson.stages[0].id)]
    folder = tmp_path / "studies"
    write_study(folder / "r.lessonstudy", study)
    data = impact(folder, tmp_path / "i.sqlite3")
    assert data["totals"]["predictions_before"]["text"] == "1 of 2"
    assert study_row(data, study.overview.title)["cycles"][0]["predictions"] == "1 of 2"


def test_changes_carried_and_worked_in(tmp_path: Path) -> None:
    study = reading_study()
    study.discussions[0].agreed_changes = ["Model a wrong guess", "Fewer roles", "Shorter text"]
    second = study.lessons[1]
    second.date = dt.date(2025, 10, 21)
    second.stages = [Stage(title="Again")]
    second.carried_changes = [ChangeItem("Model a wrong guess", True), ChangeItem("Fewer roles")]
    study.marks.append(
        StageMark(2, "Ms Grey", dt.datetime(2025, 10, 21, 10, tzinfo=ZONE), second.stages[0].id)
    )
    folder = tmp_path / "studies"
    write_study(folder / "r.lessonstudy", study)
    data = impact(folder, tmp_path / "i.sqlite3")
    assert data["totals"]["changes_carried"]["text"] == "2 of 3"
    assert data["totals"]["changes_worked_in"]["text"] == "1 of 3"
    items = study_row(data, study.overview.title)["cycles"][0]["change_items"]
    assert [i["status"] for i in items] == ["done", "open", "dropped"]


def test_by_subject_and_year_group_files_spellings_together(folder: Path, tmp_path: Path) -> None:
    study = reading_study()
    study.overview.title = "Reading again"
    study.overview.class_details.subject = "english "
    study.overview.class_details.year_group = "year 6"
    write_study(folder / "again.lessonstudy", study)
    data = impact(folder, tmp_path / "i.sqlite3")
    assert [(r["name"], r["studies"]) for r in data["by_subject"]] == [
        ("English", 2),
        ("Mathematics", 1),
    ]
    assert [(r["name"], r["studies"]) for r in data["by_year_group"]] == [
        ("Year 4", 1),
        ("Year 6", 2),
    ]


def test_progress_by_learner_group_keeps_the_groups_word_apart_from_the_notes(
    folder: Path, tmp_path: Path
) -> None:
    data = impact(folder, tmp_path / "i.sqlite3")
    groups = {g["name"]: g for g in data["learner_groups"]}
    assert set(groups) == {
        "high attaining",
        "middle",
        "lower attaining",
        "confident readers",
        "pupils with EAL",
    }
    high = groups["high attaining"]
    assert (high["pupils"], high["studies"]) == (1, 1)
    assert high["criteria"]["text"] == "2 of 2"  # a success criterion in both lessons
    # The group judged each of RL1's three stages for A: better, less, unexpected
    assert high["first"] == "1 better, 1 less, 1 unexpected"
    assert high["end_points"]["text"] == "1 of 1"
    assert high["examples"] == [{"text": "End point of A", "study": "Fractions in Year 4"}]
    eal = groups["pupils with EAL"]
    assert eal["first"] == "none"  # the group judged nothing: no verdict is made up
    assert eal["first_marks"] == "none"  # and the one note was not marked


def test_it_names_studies_and_groups_and_rates_no_one(folder: Path, tmp_path: Path) -> None:
    data = impact(folder, tmp_path / "i.sqlite3")
    markdown = render_impact(data, fmt="md").decode()
    text = markdown_text(markdown)
    assert "Fractions in Year 4" in text and "Ms Okafor, Mr Patel, Mrs Lin" in text
    words = re.findall(r"[a-z]+", text.lower())
    for rating in ("outstanding", "inadequate", "requires", "grade", "score", "rating", "rank"):
        assert rating not in words, rating
    assert "No teacher is rated" in text
    for secret in SECRETS:
        assert secret.casefold() not in text.casefold(), secret
    # who taught each lesson is never put beside how faithful it was
    assert "taught by" not in text.lower() and "teacher:" not in text.lower()


def test_a_filtered_impact_says_so(folder: Path, tmp_path: Path) -> None:
    data = impact(folder, tmp_path / "i.sqlite3", Filters(subject="english"))
    assert data["totals"]["studies"] == 1
    assert data["filters"] == "subject english"
    assert "(subject english)" in render_impact(data, fmt="md").decode()


def test_an_empty_folder_makes_a_short_honest_summary(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    data = impact(folder, tmp_path / "i.sqlite3")
    text = markdown_text(render_impact(data, fmt="md").decode())
    assert "No studies found." in text


def test_typed_text_stays_text_in_the_impact_outputs(tmp_path: Path) -> None:
    study = reading_study()
    study.overview.title = "<script>alert(1)</script> **bold** | pipe"
    study.overview.class_details.subject = "[link](http://e.x)"
    folder = tmp_path / "studies"
    write_study(folder / "r.lessonstudy", study)
    data = impact(folder, tmp_path / "i.sqlite3")
    page = render_impact(data, fmt="html").decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>bold</strong>" not in page
    assert 'href="http://e.x"' not in page
    document = docx.Document(io.BytesIO(render_impact(data, fmt="docx")))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    body = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "<script>alert(1)</script> **bold** | pipe" in body


@pytest.mark.slow
def test_the_impact_summary_prints_on_a4_in_chromium_and_in_word(
    folder: Path, tmp_path: Path
) -> None:
    """Read in the programs its readers use: Chromium prints the HTML, LibreOffice
    converts the Word file; A4 pages, nothing past the page edge."""
    chromium = need("chromium", "chromium")
    soffice = need("soffice", "libreoffice-writer-nogui")
    data = impact(folder, tmp_path / "i.sqlite3")
    page = tmp_path / "impact.html"
    page.write_bytes(render_impact(data, fmt="html"))
    pdf = tmp_path / "impact.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    printed = read_pdf(pdf)
    assert all(same_size(size, A4_PORTRAIT) for size in printed.sizes)
    assert printed.outside() == []
    assert "How faithfully the cycles were run" in printed.text()
    word = tmp_path / "impact.docx"
    word.write_bytes(render_impact(data, fmt="docx"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "word"),
            str(word),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    converted = read_pdf(tmp_path / "word" / "impact.pdf")
    assert all(same_size(size, A4_PORTRAIT) for size in converted.sizes)
    assert converted.outside() == []
    assert "Case pupils' progress, by learner group" in converted.text()


def test_in_word_a_subjects_name_has_room_on_one_line(folder: Path, tmp_path: Path) -> None:
    """Seen in LibreOffice: the by-subject table's first column broke "Mathemat-ics"."""
    data = impact(folder, tmp_path / "i.sqlite3")
    document = docx.Document(io.BytesIO(render_impact(data, fmt="docx")))
    for heading in ("Subject", "Year group"):
        (table,) = [t for t in document.tables if t.rows[0].cells[0].text == heading]
        # "Mathematics" at the table's 8.5 pt (a letter about 0.6 of it) and the margins
        assert table.columns[0].width >= docx.shared.Pt(8.5 * 0.6 * 11) + docx.shared.Mm(4)
