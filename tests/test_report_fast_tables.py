"""The report's notes tables, made without markdown-it (HTML) or python-docx's cells
(Word), are exactly what the general path makes: byte for byte, whatever was typed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessonstudy import report
from lessonstudy.model import Judgement, Observation
from lessonstudy.report import html
from lessonstudy.report.html import notes_tables_aside
from lessonstudy.report.word import _notes_rows, to_docx
from store_helpers import AT, planned_study

JUDGEMENTS = st.sampled_from([*Judgement, None])


def word_xml(markdown: str, *, fast: bool) -> str:
    data = to_docx(markdown, title="t", kind="report", author="a", fast=fast)
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def notes_appendix(markdown: str) -> str:
    """The report from the section that holds the notes tables on: the only part
    where the two ways differ (the rest is one path), at a tenth of the cost."""
    first_table = markdown.index(html.NOTES_HEADER)
    return markdown[markdown.rindex("\n## ", 0, first_table) + 1 :]


def word_both_ways(study, *, whole: bool = True) -> tuple[str, str]:
    markdown = report.render_markdown(study, kind="report")
    if not whole:
        markdown = notes_appendix(markdown)
    _aside, tables = notes_tables_aside(markdown, _notes_rows)
    assert tables  # the fast path was taken
    return word_xml(markdown, fast=True), word_xml(markdown, fast=False)


def both_ways(study, *, whole: bool = True) -> tuple[str, str]:
    markdown = report.render_markdown(study, kind="report")
    if not whole:
        markdown = notes_appendix(markdown)
    _aside, tables = html._set_notes_tables_aside(markdown)
    assert tables  # the fast path was taken: equal because it reads the same
    return html.render_sections(markdown), html._render_sections(markdown)


def test_the_fast_path_is_taken_and_reads_the_same():
    study = planned_study()
    stage = study.lessons[0].stages[1].id
    texts = ["plain words", "a | b \\ c `d` *e* _f_ <g> &amp; #h ~i~", "  edges  ", "- 1. + = 3)"]
    for index, text in enumerate(texts):
        study.notes.append(
            Observation(
                1,
                "Ruth <R&D>",
                AT + dt.timedelta(minutes=index),
                "A" if index % 2 else "class",
                text,
                stage_id=stage if index != 3 else None,  # one in no stage: a second table
                judgement=[*Judgement, None][index % 5],
                critical=index % 2 == 0,
                starred=index % 3 == 0,
            )
        )
    markdown = report.render_markdown(study, kind="report")
    aside, tables = html._set_notes_tables_aside(markdown)
    assert len(tables) == 2 and html.NOTES_HEADER not in aside
    fast, slow = both_ways(study)
    assert fast == slow
    fast, slow = word_both_ways(study)
    assert fast == slow


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.text(), st.text(max_size=6), JUDGEMENTS, st.booleans(), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def test_any_typed_note_reads_the_same(notes):
    study = planned_study()
    stage = study.lessons[0].stages[0].id
    for index, (text, observer, judgement, critical, starred) in enumerate(notes):
        study.notes.append(
            Observation(
                1,
                observer,
                AT + dt.timedelta(seconds=index),
                "B",
                text,
                stage_id=stage,
                judgement=judgement,
                critical=critical,
                starred=starred,
            )
        )
    fast, slow = both_ways(study, whole=False)
    assert fast == slow
    fast, slow = word_both_ways(study, whole=False)
    assert fast == slow
