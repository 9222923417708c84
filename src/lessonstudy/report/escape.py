"""Text typed by users, made safe to drop into Markdown.

Everything a teacher typed reaches the write-up through these functions, so
that it reads back exactly as typed in Markdown, HTML and Word and can never
become markup: no emphasis, links, headings, lists, tables cut short, HTML or
entities. CommonMark lets any ASCII punctuation be escaped with a backslash;
we escape the characters that mean something anywhere on a line, plus the
ones that only mean something at the start of a line, and keep whitespace
at either end of a line as numeric entities (the parser would trim it).

What is not kept exactly: carriage returns (a line break is a line break),
control characters (Word cannot store them), and line breaks at the very
start or end of the text. In one-line places (table cells, headings) a line
break becomes a space, because a Markdown table row cannot hold one.
"""

from __future__ import annotations

import re

# Meaningful anywhere: escapes, code, emphasis, links/images, autolinks/HTML,
# entities, table pipes, strikethrough, heading closers, blockquote markers.
_ANYWHERE = re.compile(r"([\\`*_\[\]<>&|~#])")
# Meaningful only at the start of a line: list items, ordered lists, setext underlines.
_LINE_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))")
# Control characters (bar tab and line feed), lone surrogates and non-characters:
# no XML document (so no Word file) may contain them.
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Characters _escape_line or clean() would change anywhere on a line.
_SPECIAL = re.compile(
    "[\\\\`*_\\[\\]<>&|~#\\r\\n\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)


def is_plain(value: str) -> bool:
    """A line of plain words (most of what teachers type): nothing to escape, clean or
    keep, neither anywhere nor at its start (a list marker, a digit) or either end
    (whitespace). Five times faster than one regular expression for all of it."""
    first = value[0]
    return (
        _SPECIAL.search(value) is None
        and first not in "-+="
        and not first.isdecimal()  # as \d in a regular expression
        and not first.isspace()  # as \s
        and not value[-1].isspace()
    )


class Markdown(str):
    """A string that is already Markdown: templates output it unchanged."""

    __slots__ = ()


def clean(text: str) -> str:
    """Normalise line endings and drop what no output format can hold."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSTORABLE.sub("", text)


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


def _escape_line(line: str) -> str:
    stripped = line.strip()
    if not stripped:
        return "".join(_entity(c) for c in line)
    start = len(line) - len(line.lstrip())
    end = len(line.rstrip())
    lead = "".join(_entity(c) for c in line[:start])
    trail = "".join(_entity(c) for c in line[end:])
    body = _ANYWHERE.sub(r"\\\1", line[start:end])
    body = _LINE_START.sub(_escape_line_start, body, count=1)
    return lead + body + trail


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def md_line(value: object) -> Markdown:
    """One line of user text (table cell, heading, list-item lead): line breaks become spaces."""
    if type(value) is str and value and is_plain(value):
        return Markdown(value)  # nothing to escape, clean or keep (a 90k-note appendix)
    return escaped_line(value)


def escaped_line(value: object) -> Markdown:
    """md_line() without its shortcut for plain words."""
    text = clean("" if value is None else str(value)).strip("\n")
    return Markdown(_escape_line(text.replace("\n", " ")))


def md_text(value: object, continuation: str = "") -> Markdown:
    """User text that may run over several lines, for a paragraph, list item or quote.

    Each line break becomes a Markdown hard break; `continuation` is put in
    front of every following line (for example "  " inside a list item, or
    "> " inside a block quote).
    """
    text = clean("" if value is None else str(value)).strip("\n")
    lines = [_escape_line(line) for line in text.split("\n")]
    return Markdown(("\\\n" + continuation).join(lines))
