"""Markdown -> one self-contained HTML file with print CSS.

markdown-it-py's `js-default` preset: raw HTML in the Markdown is shown as
text (`html=False`; the default preset would pass `<script>` through), and
tables are on. Judgement symbols arrive as code spans (`+`), which typed text
cannot produce, so they are turned into coloured chips and the table cell
that starts with one is coloured: the grid reads by colour and by symbol.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Judgement
from lessonstudy.report.escape import clean
from lessonstudy.report.templates import inside, shipped_dir

CSS_FILE = "print.css"
T = TypeVar("T")
# The page is one self-contained file: nothing may load from outside, whatever a
# group's stylesheet says (`@import url(https://...)` or a tracking background
# image would tell a server who opened the report): inline styles, data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def judgement_of(token: Token) -> Judgement | None:
    """The judgement a code-span token stands for, if it is one of our chips."""
    if token.type != "code_inline":
        return None
    try:
        return Judgement.from_symbol(token.content)
    except ValueError:
        return None


def cell_judgement(inline: Token) -> Judgement | None:
    """The judgement a table cell leads with (its first chip), if any."""
    for child in inline.children or ():
        if child.type == "text" and not child.content.strip():
            continue
        return judgement_of(child)
    return None


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def table_class(header_cells: Sequence[str]) -> str:
    """A table's class, from its first two header cells ("t-stage-pupil"): how the
    print CSS (and the Word writer) knows which table it is laying out."""
    words = " ".join(header_cells[:2]).lower()
    return "t-" + _NOT_SLUG.sub("-", words).strip("-")


def _mark_cells(state: StateCore) -> None:
    tokens = state.tokens
    table: Token | None = None
    headers: list[str] = []
    for index, token in enumerate(tokens[:-1]):
        if token.type == "table_open":
            table, headers = token, []
        elif token.type == "th_open" and table is not None:
            headers.append(tokens[index + 1].content)
        elif token.type == "thead_close" and table is not None:
            table.attrJoin("class", table_class(headers))
            table = None
        if token.type in ("td_open", "th_open"):
            judgement = cell_judgement(tokens[index + 1])
            if judgement is not None:
                token.attrJoin("class", f"j-cell j-{judgement.value}")


def _render_code_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    judgement = judgement_of(token)
    if judgement is None:
        return f"<code>{html.escape(token.content)}</code>"
    return (
        f'<span class="j j-{judgement.value}" title="{judgement.words}">'
        f"{html.escape(judgement.symbol)}</span>"
    )


@functools.cache  # one per process: building it is a millisecond or two
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("js-default")  # html=False, tables and strikethrough on, no linkify
    md.core.ruler.push("judgement_cells", _mark_cells)
    md.add_render_rule("code_inline", _render_code_inline)
    return md


def read_css(templates: Path | None) -> str:
    for folder in (templates, shipped_dir()):
        path = inside(folder, CSS_FILE) if folder is not None else None
        if path is not None:
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise LessonStudyError(f"{path}: cannot be read ({error})") from None
    raise LessonStudyError(f"{CSS_FILE}: not found in {shipped_dir()}")


# --------------------------------------------------------------------------- notes tables

# The report's appendix lists every note: at 90,000 notes markdown-it takes a
# minute over its tables. They are the one table the templates make whose every
# cell comes from templates.notes_table (md_line text, a chip, two fixed marks),
# so they are turned into HTML here, row by row, exactly as markdown-it would
# (test_report_fast_tables checks it, byte for byte), and markdown-it renders
# the rest of the report.
NOTES_HEADER = "| Time | Stage | Pupil | Observer | Note |\n|---|---|---|---|---|\n"
_MD_ESCAPE = re.compile(r"\\(.)|&#(\d+);")
_CHIP = re.compile(r"`([^`]+)` ?")
_CRITICAL = "**critical moment:**"
_NOTES_TABLE_HEAD = (
    '<table class="t-time-stage">\n<thead>\n<tr>\n<th>Time</th>\n<th>Stage</th>\n'
    "<th>Pupil</th>\n<th>Observer</th>\n<th>Note</th>\n</tr>\n</thead>\n"
)


def _unescaped(match: re.Match[str]) -> str:
    return match.group(1) if match.group(1) is not None else chr(int(match.group(2)))


def _cell_html(markdown: str) -> str:
    """md_line() output as markdown-it renders it: escapes and entities undone, then
    &, <, > and " escaped (markdown-it's escapeHtml)."""
    text = (
        _MD_ESCAPE.sub(_unescaped, markdown) if ("\\" in markdown or "&#" in markdown) else markdown
    )
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _chip_html(judgement: Judgement) -> tuple[str, str]:
    return (
        f'<td class="j-cell j-{judgement.value}">',
        f'<span class="j j-{judgement.value}" title="{judgement.words}">'
        f"{html.escape(judgement.symbol)}</span>",
    )


# A note cell's start and chip, by the chip's symbol: made once, not per note.
_CHIPS = {judgement.symbol: _chip_html(judgement) for judgement in Judgement}


def _note_cell_html(markdown: str) -> str:
    """A note cell: [`chip` ][★ ][**critical moment:** ]text."""
    td = "<td>"
    chip = ""
    found = _CHIP.match(markdown) if markdown.startswith("`") else None
    if found is not None:
        made = _CHIPS.get(found.group(1))
        if made is None:
            return ""  # not one of ours: the caller falls back to markdown-it
        td, chip = made
        if found.group(0).endswith(" "):
            chip += " "
        markdown = markdown[found.end() :]
    star = ""
    if markdown.startswith("★ "):
        star, markdown = "★ ", markdown[2:]
    critical = ""
    if markdown.startswith(_CRITICAL):
        critical, markdown = "<strong>critical moment:</strong>", markdown[len(_CRITICAL) :]
    return f"{td}{chip}{star}{critical}{_cell_html(markdown)}</td>\n"


def _notes_table_html(rows: list[str]) -> str | None:
    """The HTML of a notes table's body rows; None if a row is not one notes_table makes.

    md_line() escapes every `|` typed, so " | " only ever separates cells."""
    out = [_NOTES_TABLE_HEAD, "<tbody>\n"] if rows else [_NOTES_TABLE_HEAD]
    starts: dict[tuple[str, ...], str] = {}  # (time, stage, pupil, observer): often repeated
    for row in rows:
        if not row.endswith(" |"):
            return None
        cells = row[2:-2].split(" | ")
        if len(cells) != 5:
            return None
        note_html = _note_cell_html(cells[4].strip())
        if not note_html:
            return None
        key = (cells[0], cells[1], cells[2], cells[3])
        line = starts.get(key)
        if line is None:
            time_, stage, about, observer = (cell.strip() for cell in key)
            line = starts[key] = (
                f"<tr>\n<td>{_cell_html(time_)}</td>\n<td>{_cell_html(stage)}</td>\n"
                f"<td>{_cell_html(about)}</td>\n<td>{_cell_html(observer)}</td>\n"
            )
        out.append(f"{line}{note_html}</tr>\n")
    if rows:
        out.append("</tbody>\n")
    out.append("</table>\n")
    return "".join(out)


def notes_tables_aside(
    markdown: str, convert: Callable[[list[str]], T | None]
) -> tuple[str, dict[str, T]]:
    """The Markdown with each notes table replaced by a placeholder paragraph, and
    what `convert` made of each one's rows, by placeholder (a table `convert` gives
    None for, a row it does not recognise, stays put for markdown-it)."""
    if NOTES_HEADER not in markdown:
        return markdown, {}
    # Typed text cannot guess it. (os.urandom is what secrets.token_hex reads, without
    # importing secrets, with base64 and hmac.)
    nonce = os.urandom(8).hex()
    tables: dict[str, T] = {}
    parts = markdown.split(NOTES_HEADER)
    kept = [parts[0]]
    for part in parts[1:]:
        lines = part.split("\n")
        end = 0
        while end < len(lines) and lines[end].startswith("| "):
            end += 1
        # Only a table with a blank line on either side: a block of its own.
        alone = (not kept[-1] or kept[-1].endswith("\n\n")) and end < len(lines) and not lines[end]
        converted = convert(lines[:end]) if alone else None
        if converted is None:
            kept.append(NOTES_HEADER + part)
            continue
        placeholder = f"notestable{nonce}n{len(tables)}"
        tables[placeholder] = converted
        kept.append(placeholder + "\n" + "\n".join(lines[end:]))
    return "".join(kept), tables


def _set_notes_tables_aside(markdown: str) -> tuple[str, dict[str, str]]:
    markdown, tables = notes_tables_aside(markdown, _notes_table_html)
    return markdown, {f"<p>{key}</p>\n": table for key, table in tables.items()}


def unescaped(markdown: str) -> str:
    """md_line() output as the text it was made from (its escapes and entities undone)."""
    if "\\" not in markdown and "&#" not in markdown:
        return markdown
    return _MD_ESCAPE.sub(_unescaped, markdown)


def render_sections(markdown: str) -> str:
    """The HTML body, each `## ` section in a <section> (the poster lays them out in columns)."""
    markdown, tables = _set_notes_tables_aside(markdown)
    html_text = _render_sections(markdown)
    for placeholder, table in tables.items():
        html_text = html_text.replace(placeholder, table, 1)
    return html_text


def _render_sections(markdown: str) -> str:
    md = markdown_parser()
    env: dict[str, Any] = {}
    tokens = md.parse(markdown, env)
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            chunks.append([])
        chunks[-1].append(token)
    parts = []
    for number, chunk in enumerate(chunks):
        if not chunk:
            continue
        html_text = md.renderer.render(chunk, md.options, env)
        tag = "header" if number == 0 else "section"
        parts.append(f"<{tag}>\n{html_text}</{tag}>\n")
    return "".join(parts)


def to_html(markdown: str, *, title: str, kind: str, templates: Path | None = None) -> str:
    style = ""
    if kind == "poster":
        style = f"font-size: {poster_font_pt(visible_length(markdown))}pt"
    body = render_sections(markdown)
    return to_html_page(body, title=title, kind=kind, css=read_css(templates), style=style)


# The poster's text area: A3 landscape inside 10 mm margins, three columns 10 mm
# apart, less the title's band; and the sizes it may print at (largest first).
POSTER_COLUMN_MM, POSTER_HEIGHT_MM, POSTER_COLUMNS = 126.0, 235.0, 3
POSTER_SIZES_PT = (18, 17, 16, 15, 14)


def poster_font_pt(characters: int) -> int:
    """The largest body size at which a poster of this much text fits its one page
    (a letter is about half its size wide; a line is 1.3 sizes tall; a fifth of
    the space goes on headings, gaps and ragged line ends)."""
    for size in POSTER_SIZES_PT:
        size_mm = size * 0.3528
        per_line = POSTER_COLUMN_MM / (size_mm * 0.5)
        lines = POSTER_HEIGHT_MM / (size_mm * 1.3) * POSTER_COLUMNS
        if characters <= per_line * lines * 0.8:
            return size
    return POSTER_SIZES_PT[-1]


def visible_length(markdown: str) -> int:
    """About how many characters a reader sees (escapes and markers not counted)."""
    return sum(1 for char in markdown if char not in "\\*_#>`|")


def to_html_page(body: str, *, title: str, kind: str, css: str, style: str = "") -> str:
    """The page around a write-up's body: its own title, the print CSS inside."""
    # A group's CSS cannot close the style element early.
    css = css.replace("</", "<\\/")
    style_attribute = f' style="{html.escape(style)}"' if style else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(clean(title))}</title>\n"
        f"<style>\n{css}</style>\n</head>\n"
        f'<body class="kind-{html.escape(kind)}"{style_attribute}>\n'
        f"<main>\n{body}</main>\n</body>\n</html>\n"
    )
