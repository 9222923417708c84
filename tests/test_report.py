"""The write-ups: what each kind holds in each format, privacy, safe text, templates, files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from lessonstudy import report
from lessonstudy.errors import LessonStudyError
from lessonstudy.report.templates import shipped_dir
from lessonstudy.resources import example_study_path
from report_fixtures import (
    PRIVATE,
    PSEUDONYMS,
    QUOTES,
    docx_text,
    html_elements,
    make_study,
    markdown_text,
    visible_text,
)

# Everything a teacher might type that Markdown or HTML would otherwise act on.
UNSAFE = (
    '<script>alert("x")</script> <b>bold</b> **strong** _em_ *star* [link](http://e.x) '
    "![img](x.png) <http://auto.link> `code` a | b ~~strike~~ &amp; &lt; &#60; \\ back\\slash #\n"
    "1. not a list\n"
    "- not a bullet\n"
    "> not a quote\n"
    "# not a heading\n"
    "    four spaces\n"
    "---\n"
    "| not | a | table |"
)

HEADINGS = {
    "report": [
        "Focus and question",
        "The class and the group",
        "The case pupils",
        "RL1",
        "The plan",
        "Predicted against observed",
        "Stage 1",
        "Pupil interviews",
        "In the pupils' words",
        "What the discussion concluded",
        "What changed in RL2",
        "The case pupils' journeys",
        "Findings",
        "The open house",
    ],
    "handout": [
        "Why we chose this focus",
        "What we have learned so far",
        "What to watch for",
        "How to observe",
        "Confidentiality",
    ],
    "poster": [
        "Our question",
        "The case pupils' journeys",
        "What we found",
        "In the pupils' words",
    ],
}


@pytest.fixture(scope="module")
def study():
    return make_study()


@pytest.fixture(scope="module")
def outputs(study):
    return {
        (kind, fmt): report.render(study, kind=kind, fmt=fmt)
        for kind in report.KINDS
        for fmt in report.FORMATS
    }


def headings_of(data: bytes, fmt: str) -> list[str]:
    if fmt == "md":
        return [
            line.lstrip("#").strip() for line in data.decode().splitlines() if line.startswith("#")
        ]
    if fmt == "html":
        from html.parser import HTMLParser

        found: list[str] = []

        class Reader(HTMLParser):
            inside = False

            def handle_starttag(self, tag, attrs):
                if tag in ("h1", "h2", "h3", "h4"):
                    self.inside = True
                    found.append("")

            def handle_endtag(self, tag):
                if tag in ("h1", "h2", "h3", "h4"):
                    self.inside = False

            def handle_data(self, text):
                if self.inside:
                    found[-1] += text

        Reader().feed(data.decode())
        return found
    paragraphs, _tables = docx_text(data)
    return [text for style, text in paragraphs if style.startswith("Heading")]


# --------------------------------------------------------------------------- contents


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("kind", report.KINDS)
def test_each_kind_has_its_headings_and_every_case_pupil(outputs, kind, fmt):
    data = outputs[kind, fmt]
    headings = headings_of(data, fmt)
    assert headings[0].endswith("Fractions in Year 4")
    for wanted in HEADINGS[kind]:
        assert any(h.startswith(wanted) for h in headings), (wanted, headings)
    text = visible_text(data, fmt)
    for label, pseudonym in PSEUDONYMS.items():
        assert f"{label} ({pseudonym})" in text


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_report_has_every_prediction_observation_note_and_quote(study, outputs, fmt):
    text = visible_text(outputs["report", fmt], fmt)
    for lesson in study.lessons:
        for stage in lesson.stages:
            for prediction in stage.predictions.values():
                assert prediction in text
            for observed in stage.observed.values():
                assert observed in text
    for note in study.notes:
        assert note.text in text
    for quote in QUOTES:
        assert quote in text
    for change in study.discussion(1).agreed_changes:
        assert change in text
    assert "RL1: B did better than predicted at the wall" in text  # a discussion point
    assert "Pupils compared fractions better after folding" in text  # the findings


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_report_grid_shows_each_judgement_by_symbol_and_words(outputs, fmt):
    text = visible_text(outputs["report", fmt], fmt)
    # RL1 stage 1: A better, B less, C unexpected (see the fixture's judgement cycle).
    for symbol, words in (
        ("+", "better than predicted"),
        ("-", "less than predicted"),
        ("?", "unexpected"),
    ):
        assert f"{symbol} {words}" in text


def test_html_grid_cells_are_coloured_by_judgement(outputs):
    page = outputs["report", "html"].decode()
    for key in ("as_predicted", "better", "less", "unexpected"):
        assert f'<td class="j-cell j-{key}">' in page
        assert f'<span class="j j-{key}"' in page


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_handout_lists_the_open_house_predictions_and_the_rules(study, outputs, fmt):
    text = visible_text(outputs["handout", fmt], fmt)
    for stage in study.lesson(2).stages:  # the open house teaches RL2
        for prediction in stage.predictions.values():
            assert prediction in text
    assert "RL1 A will manage" not in text  # only the open-house lesson's plan
    assert "Observe the learning, not the teaching" in text
    assert "Do not talk to the pupils" in text
    assert "photos" in text


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_poster_has_question_journeys_findings_and_quotes(study, outputs, fmt):
    text = visible_text(outputs["poster", fmt], fmt)
    assert study.overview.research_question in text
    assert "RL1" in text and "RL2" in text
    assert study.findings.practice_developed in text
    for quote in QUOTES:
        assert quote in text
    assert "09:15" not in text  # no note-level detail on a poster


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("kind", report.KINDS)
def test_private_notes_never_appear(outputs, kind, fmt):
    data = outputs[kind, fmt]
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    assert PRIVATE.encode() not in data


# --------------------------------------------------------------------------- typed text stays text


@pytest.fixture(scope="module")
def unsafe_outputs():
    study = make_study(typed=UNSAFE)
    return {
        (kind, fmt): report.render(study, kind=kind, fmt=fmt)
        for kind in report.KINDS
        for fmt in report.FORMATS
    }


@pytest.mark.parametrize("kind", report.KINDS)
def test_typed_html_and_markdown_run_nothing_in_html(unsafe_outputs, kind):
    tags, text = html_elements(unsafe_outputs[kind, "html"].decode())
    for tag in ("script", "b", "a", "img", "del", "s", "pre", "ol", "hr", "blockquote"):
        if tag == "blockquote" and kind != "handout":
            continue  # the report and poster quote pupils on purpose
        assert tag not in tags, tag
    # Outside tables and headings, several lines come out exactly as typed.
    assert UNSAFE in text


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("kind", report.KINDS)
def test_typed_text_appears_exactly_as_typed(unsafe_outputs, kind, fmt):
    text = visible_text(unsafe_outputs[kind, fmt], fmt)
    assert UNSAFE in text  # in paragraphs and list items, line breaks and all
    assert "Fractions in Year 4 " + UNSAFE.replace("\n", " ") in text  # the title (one line)
    assert f"A (Maya {UNSAFE.replace(chr(10), ' ')})" in text  # pseudonyms in table cells


def test_typed_pipes_do_not_cut_table_cells(unsafe_outputs):
    _paragraphs, tables = docx_text(unsafe_outputs["report", "docx"])
    members = next(t for t in tables if t[0] == ["Member", "Roles"])
    assert all(len(row) == 2 for row in members)
    assert members[1][0] == "Ms Okafor " + UNSAFE.replace("\n", " ")


def test_typed_markdown_round_trips():
    markdown = report.render(make_study(typed=UNSAFE), kind="report", fmt="md").decode()
    assert UNSAFE in markdown_text(markdown)


# --------------------------------------------------------------------------- Word


def test_word_file_has_heading_styles_tables_lists_and_shading(outputs):
    document = docx.Document(io.BytesIO(outputs["report", "docx"]))
    styles = {p.style.name for p in document.paragraphs}
    assert {
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "List Bullet",
        "List Bullet 2",
        "Quote",
    } <= styles
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Fractions in Year 4"
    ]
    grids = [
        t for t in document.tables if t.rows[0].cells[0].text == "Stage" and len(t.columns) == 4
    ]
    assert len(grids) == 2  # one per lesson
    header = grids[0].rows[0].cells
    assert [c.text for c in header] == ["Stage", "A (Maya)", "B (Theo)", "C (Jas)"]
    first = grids[0].rows[1].cells[1]
    assert first.text == "+ better than predicted"
    assert 'w:fill="CDEBD0"' in first._tc.xml  # shaded green, and the symbol says it too
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_word_poster_is_a3_landscape(outputs):
    section = docx.Document(io.BytesIO(outputs["poster", "docx"])).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (420, 297)


def test_html_is_one_self_contained_file(outputs):
    page = outputs["report", "html"].decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "@page" in page and "break-inside: avoid" in page
    tags, _text = html_elements(page)
    assert "link" not in tags and "script" not in tags and "img" not in tags
    assert "http" not in page.replace("http://e.x", "")  # no external assets


# --------------------------------------------------------------------------- templates


def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "ours"
    shutil.copytree(shipped_dir(), folder)
    return folder


def test_a_groups_templates_override_the_shipped_ones(study, tmp_path):
    folder = copy_templates(tmp_path)
    (folder / "handout.md.j2").unlink()  # falls back to the shipped handout
    report_file = folder / "report.md.j2"
    report_file.write_text(
        report_file.read_text().replace("## Findings", "## What Oakfield learned"), encoding="utf-8"
    )
    (folder / "print.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    markdown = report.render(study, kind="report", fmt="md", templates=folder).decode()
    assert "## What Oakfield learned" in markdown and "## Findings" not in markdown
    page = report.render(study, kind="report", fmt="html", templates=folder).decode()
    assert "rebeccapurple" in page
    handout = report.render(study, kind="handout", fmt="md", templates=folder).decode()
    assert "## How to observe" in handout


def test_a_template_syntax_error_names_the_file_and_line(study, tmp_path):
    folder = copy_templates(tmp_path)
    lines = (folder / "poster.md.j2").read_text().splitlines()
    lines[4] = "{% for x in %}"
    (folder / "poster.md.j2").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LessonStudyError) as caught:
        report.render(study, kind="poster", fmt="html", templates=folder)
    assert f"{folder / 'poster.md.j2'}, line 5: template syntax error" in str(caught.value)


def test_a_template_using_an_unknown_field_names_the_file_and_line(study, tmp_path):
    folder = copy_templates(tmp_path)
    path = folder / "poster.md.j2"
    path.write_text(path.read_text() + "\n{% for p in pupils %}{{ p.private_note }}{% endfor %}\n")
    line = len(path.read_text().splitlines())
    with pytest.raises(LessonStudyError) as caught:
        report.render(study, kind="poster", fmt="md", templates=folder)
    message = str(caught.value)
    assert f"{path}, line {line}" in message and "private_note" in message


def test_missing_templates_folder_and_file_are_named(study, tmp_path):
    with pytest.raises(LessonStudyError, match="no such templates folder"):
        report.render(study, templates=tmp_path / "nowhere")
    folder = copy_templates(tmp_path)
    (folder / "_macros.md.j2").unlink()
    (folder / "report.md.j2").write_text('{% import "_shared.md.j2" as m %}\n# x\n')
    with pytest.raises(LessonStudyError, match=r"_shared\.md\.j2: template not found"):
        report.render(study, templates=folder)


def test_unknown_kind_or_format_is_refused(study):
    with pytest.raises(LessonStudyError, match="unknown kind"):
        report.render(study, kind="slides")
    with pytest.raises(LessonStudyError, match="unknown format"):
        report.render(study, fmt="pdf")


# --------------------------------------------------------------------------- files


def test_write_report_writes_atomically(study, tmp_path):
    out = report.write_report(study, tmp_path / "rl.docx", kind="report", fmt="docx")
    assert out == tmp_path / "rl.docx"
    docx.Document(str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rl.docx"]


def test_write_report_refuses_unwritable_places(study, tmp_path):
    with pytest.raises(LessonStudyError, match="cannot be written"):
        report.write_report(study, tmp_path / "missing" / "r.html", kind="report", fmt="html")
    with pytest.raises(LessonStudyError, match="is a folder"):
        report.write_report(study, tmp_path, kind="report", fmt="html")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(LessonStudyError, match="cannot be written"):
            report.write_report(study, locked / "r.md", kind="report", fmt="md")
        assert list(locked.iterdir()) == []


def test_importing_the_package_stays_light():
    code = (
        "import sys, lessonstudy.report\n"
        "heavy = {'docx', 'markdown_it', 'jinja2', 'textual'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the example study


@pytest.fixture(scope="module")
def example():
    path = example_study_path()
    if not path.exists():
        pytest.skip(f"{path} is not there yet")
    from lessonstudy.store.export import read_json

    return read_json(path)


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_example_report_holds_every_pupil_prediction_observation_and_quote(example, fmt):
    data = report.render(example, kind="report", fmt=fmt)
    text = visible_text(data, fmt)
    headings = headings_of(data, fmt)
    for lesson in example.lessons:
        assert any(h.startswith(f"RL{lesson.number}") for h in headings)
        for stage in lesson.stages:
            for value in [*stage.predictions.values(), *stage.observed.values()]:
                assert " ".join(value.split()) in " ".join(text.split())
    for pupil in example.pupils:
        assert pupil.pseudonym in text
        if pupil.private_note:
            assert pupil.private_note not in text
    for interview in example.interviews:
        for answer in interview.answers:
            if answer.quote:
                assert " ".join(answer.answer.split()) in " ".join(text.split())


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("kind", ["handout", "poster"])
def test_example_handout_and_poster_name_every_case_pupil(example, kind, fmt):
    text = visible_text(report.render(example, kind=kind, fmt=fmt), fmt)
    for pupil in example.pupils:
        assert pupil.pseudonym in text


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("kind", report.KINDS)
def test_a_new_blank_study_renders(kind, fmt):
    from lessonstudy.model import new_study

    text = visible_text(report.render(new_study("Blank"), kind=kind, fmt=fmt), fmt)
    assert "Blank" in text


def test_a_crowded_cell_lists_every_note():
    # The write-up used to list six notes a cell and count the rest ("and 35 more
    # notes in the study file"): every note that is not deleted is printed now.
    import uuid

    import attrs

    study = make_study()
    lesson = study.lesson(1)
    stage = lesson.stages[0]
    template = next(n for n in study.notes if n.stage_id == stage.id and n.about == "A")
    extra = [
        attrs.evolve(
            template,
            id=uuid.uuid4(),
            at=template.at.replace(second=i % 60, microsecond=i),
            text=f"crowded note {i}",
            critical=(i == 30),
        )
        for i in range(40)
    ]
    study.notes.extend(extra)
    text = visible_text(report.render(study, kind="report", fmt="md"), "md")
    listed = [i for i in range(40) if f"crowded note {i}\n" in text + "\n"]
    assert listed == list(range(40))
    assert "more notes in the study file" not in text
