"""Markdown -> one self-contained HTML file with print CSS.

markdown-it-py's `js-default` preset: raw HTML in the Markdown is shown as
text (`html=False`; the default preset would pass `<script>` through), and
tables are on. Judgement symbols arrive as code spans (`+`), which typed text
cannot produce, so they are turned into coloured chips and the table cell
that starts with one is coloured: the grid reads by colour and by symbol.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Judgement
from lessonstudy.report.escape import clean
from lessonstudy.report.templates import inside, shipped_dir

CSS_FILE = "print.css"
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


def render_sections(markdown: str) -> str:
    """The HTML body, each `## ` section in a <section> (the poster lays them out in columns)."""
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
