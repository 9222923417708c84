"""The Word body written as XML text (word._XmlWriter) is exactly what the python-docx
walk (`fast=False`) makes: byte for byte, for every kind, whatever was typed."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessonstudy import report
from lessonstudy.report.word import to_docx
from lessonstudy.resources import example_study_path
from report_fixtures import make_study

WORD_KINDS = [kind for kind in report.KINDS if "docx" in report.KIND_FORMATS[kind]]


def both_ways(study, kind: str) -> tuple[str, str]:
    markdown = report.render_markdown(study, kind=kind)
    layout = "report" if kind == "case-report" else kind
    found = []
    for fast in (True, False):
        data = to_docx(markdown, title="t", kind=layout, author="a", fast=fast)
        found.append(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode())
    return found[0], found[1]


@pytest.mark.parametrize("kind", WORD_KINDS)
def test_the_example_reads_the_same_both_ways(kind):
    from lessonstudy.store.export import read_json

    fast, slow = both_ways(read_json(example_study_path()), kind)
    assert "<w:r>" in fast and fast == slow


def test_markdown_of_every_kind_reads_the_same():
    # Lists in lists, quotes, code, links, strikethrough, a ragged table, a page break.
    markdown = (
        "# T\n\n- a *b* **c** ~~d~~\n  - e `f`\n\n    more\n\n1. g\n2. [h](https://x)\n\n"
        "> q\\\nr\n\n```\ncode\there\n```\n\n---\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 | 3 |\n| `+` x |\n"
        "\n![img](y.png)\n\n    indented\n"
    )
    for kind in ("report", "handout", "poster"):
        found = [
            zipfile.ZipFile(
                io.BytesIO(to_docx(markdown, title="t", kind=kind, author="a", fast=fast))
            ).read("word/document.xml")
            for fast in (True, False)
        ]
        assert found[0] == found[1]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40), st.sampled_from(WORD_KINDS))
def test_any_typed_text_reads_the_same(typed, kind):
    fast, slow = both_ways(make_study(typed), kind)
    assert fast == slow


def test_a_character_no_xml_may_hold_is_refused_both_ways():
    # Typed text is cleaned (escape.clean); a group's own template may still hold one.
    for fast in (True, False):
        with pytest.raises(ValueError, match="XML compatible"):
            to_docx("# a\x01b\n", title="t", kind="report", author="a", fast=fast)


_HARD = "a\t\n\r\x00\x01\x0b\x1f\x7f\ufffe\uffff\ud800é"


@given(st.text(max_size=30) | st.text(alphabet=_HARD, max_size=8))
def test_what_xml_may_not_hold_is_found_as_before(text: str) -> None:
    """The body's check on its UTF-8 bytes refuses exactly what the regular expression
    it replaced found, and gives the bytes spliced into the file."""
    import re

    from lessonstudy.report.word import _xml_compatible

    refused = re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", text) is not None
    if refused:
        with pytest.raises(ValueError, match="XML compatible"):
            _xml_compatible(text)
    else:
        assert _xml_compatible(text) == text.encode("utf-8")
