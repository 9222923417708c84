"""Typed text through the Markdown escaping filters reads back exactly as typed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lessonstudy.report.escape import clean, escaped_line, is_plain, md_line, md_text
from report_fixtures import markdown_text

# The characters Markdown and HTML act on, with line breaks and spaces, so that
# hypothesis builds the awkward combinations often.
MARKUP = st.text(
    alphabet=st.sampled_from(list("ab \t\n|-*_#>1.)=+`~[]()<&;!\\:x\u00a0")), max_size=40
)
ANY_TEXT = st.one_of(st.text(), MARKUP)


def expected(text: str) -> str:
    return clean(text).strip("\n")


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_paragraph_text_round_trips(text):
    assert markdown_text(md_text(text)) == expected(text)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_text_in_list_items_and_quotes_round_trips(text):
    tokens = MarkdownIt("js-default").parse("- " + md_text(text, "  "))
    assert [t.type for t in tokens][:2] == ["bullet_list_open", "list_item_open"]
    assert markdown_text("- " + md_text(text, "  ")) == expected(text)
    quoted = MarkdownIt("js-default").parse("> " + md_text(text, "> "))
    assert quoted[0].type == "blockquote_open"
    assert markdown_text("> " + md_text(text, "> ")) == expected(text)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_table_cells_keep_their_text_and_the_row_its_cells(left, right):
    table = f"| h1 | h2 |\n|---|---|\n| {md_line(left)} | {md_line(right)} |\n"
    cells = [t for t in MarkdownIt("js-default").parse(table) if t.type == "inline"]
    assert len(cells) == 4
    assert markdown_text(f"{md_line(left)}") == expected(left).replace("\n", " ")
    assert [markdown_text(c.content) for c in cells[2:]] == [
        expected(left).replace("\n", " "),
        expected(right).replace("\n", " "),
    ]


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_headings_keep_their_text(text):
    tokens = MarkdownIt("js-default").parse("## " + md_line(text))
    assert tokens[0].type == "heading_open"
    assert markdown_text("## " + md_line(text)) == expected(text).replace("\n", " ")


def test_what_is_not_kept_is_only_what_no_format_can_hold():
    assert clean("a\r\nb\rc\x00d\x1be\x85f") == "a\nb\ncdef"
    assert md_text("\n\nkept\n") == "kept"


@given(st.text())
def test_the_shortcut_for_plain_words_changes_nothing(text):
    # md_line() skips the escaping for plain words: it must give what the escaping gives.
    assert md_line(text) == escaped_line(text)


def test_the_shortcut_is_refused_at_any_special_start_or_end():
    for text in ["- a", "+a", "=a", "1. a", "٣ a", " a", "a ", "a\u00a0", "\u2003a", "a\n"]:
        assert not is_plain(text), text
        assert md_line(text) == escaped_line(text)
    assert is_plain("plain words, and more.")
