"""Slides for a staff meeting: PowerPoint (python-pptx) and one HTML file.

The slides template's Markdown is cut at its `## ` headings, one slide each
(the `# ` title and what follows it make the title slide). Both formats are
made from the same cut and use the same text sizes, chosen per slide so its
text fits: large for a slide with a line or two, smaller for a long one,
never below what reads from the back of a room.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path

import attrs
from markdown_it.token import Token

from lessonstudy.report.escape import clean
from lessonstudy.report.html import markdown_parser, read_css, to_html_page

# A 16:9 slide, as PowerPoint's default widescreen: 13.333 x 7.5 inches.
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
MARGIN_IN = 0.6
TITLE_H_IN = 1.1
BODY_W_PT = (SLIDE_W_IN - 2 * MARGIN_IN) * 72
BODY_H_PT = (SLIDE_H_IN - 2 * MARGIN_IN - TITLE_H_IN - 0.2) * 72
SIZES_PT = (28, 26, 24, 22, 20, 18, 16, 14)


@attrs.frozen
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@attrs.frozen
class Block:
    kind: str  # "para", "bullet" or "quote"
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@attrs.frozen
class Slide:
    title: str
    blocks: tuple[Block, ...]
    first: bool = False  # the title slide


def cut_slides(markdown: str) -> list[Slide]:
    """The slides of a slides Markdown: the title slide, then one per `## `."""
    tokens = markdown_parser().parse(markdown)
    slides: list[Slide] = []
    title = ""
    blocks: list[Block] = []
    first = True
    heading: int | None = None
    kinds: list[str] = []
    for token in tokens:
        if token.type == "heading_open":
            heading = int(token.tag[1])
            if heading <= 2 and (title or blocks):
                slides.append(Slide(title, tuple(blocks), first))
                title, blocks, first = "", [], False
            continue
        if token.type == "heading_close":
            heading = None
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            kinds.append("bullet")
        elif token.type == "blockquote_open":
            kinds.append("quote")
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            kinds.pop()
        elif token.type == "inline":
            runs = _runs(token)
            if heading is not None and heading <= 2:
                title = "".join(run.text for run in runs)
            else:
                blocks.append(Block(kinds[-1] if kinds else "para", runs))
    if title or blocks:
        slides.append(Slide(title, tuple(blocks), first))
    return slides


def _runs(token: Token) -> tuple[Run, ...]:
    runs = []
    bold = italic = False
    for child in token.children or ():
        if child.type in ("text", "text_special", "code_inline"):
            runs.append(Run(child.content, bold, italic))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(Run("\n" if child.type == "hardbreak" else " ", bold, italic))
        elif child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
    return tuple(runs)


def font_size(blocks: Sequence[Block], *, width_pt: float = BODY_W_PT) -> int:
    """The largest size at which the blocks fit the body of a slide."""
    for size in SIZES_PT:
        per_line = width_pt / (size * 0.48)  # a sans-serif letter is about half its size wide
        lines = 0.0
        for block in blocks:
            indent = 1 if block.kind != "para" else 0
            for part in block.text.split("\n"):
                lines += max(1, math.ceil((len(part) + 2 * indent) / per_line))
            lines += 0.45  # the space after a paragraph
        if lines * size * 1.2 <= BODY_H_PT:
            return size
    return SIZES_PT[-1]


# --------------------------------------------------------------------------- PowerPoint


def to_pptx(markdown: str, *, title: str, author: str) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    presentation.slide_width = Inches(SLIDE_W_IN)
    presentation.slide_height = Inches(SLIDE_H_IN)
    blank = presentation.slide_layouts[6]
    for slide in cut_slides(markdown):
        _add_slide(presentation.slides.add_slide(blank), slide)
    _properties(presentation, title=title, author=author)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _properties(presentation: object, *, title: str, author: str) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    properties = presentation.core_properties  # type: ignore[attr-defined]
    properties.title = " ".join(clean(title).split())[:255]
    properties.author = properties.last_modified_by = " ".join(clean(author).split())[:255]
    properties.subject = "Lesson study slides"
    properties.keywords = "lesson study"
    properties.comments = ""
    properties.created = properties.modified = now
    properties.revision = 1


def _add_slide(page: object, slide: Slide) -> None:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches, Pt

    shapes = page.shapes  # type: ignore[attr-defined]
    width = Inches(SLIDE_W_IN - 2 * MARGIN_IN)
    if slide.first:
        box = shapes.add_textbox(Inches(MARGIN_IN), Inches(2.0), width, Inches(4.5))
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        paragraph = frame.paragraphs[0]
        _add_runs(paragraph, (Run(slide.title, bold=True),), Pt(40))
        for block in slide.blocks:
            paragraph = frame.add_paragraph()
            paragraph.space_before = Pt(14)
            _add_runs(paragraph, block.runs, Pt(22))
        return
    heading = shapes.add_textbox(Inches(MARGIN_IN), Inches(MARGIN_IN), width, Inches(TITLE_H_IN))
    heading.text_frame.word_wrap = True
    _add_runs(heading.text_frame.paragraphs[0], (Run(slide.title, bold=True),), Pt(34))
    top = MARGIN_IN + TITLE_H_IN + 0.2
    body = shapes.add_textbox(
        Inches(MARGIN_IN), Inches(top), width, Inches(SLIDE_H_IN - top - MARGIN_IN)
    )
    frame = body.text_frame
    frame.word_wrap = True
    size = Pt(font_size(slide.blocks))
    for number, block in enumerate(slide.blocks):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size.pt * 0.45)
        runs = block.runs
        if block.kind == "bullet":
            runs = (Run("•  "), *runs)
        elif block.kind == "quote":
            runs = tuple(attrs.evolve(run, italic=True) for run in runs)
        _add_runs(paragraph, runs, size)


def _add_runs(paragraph: object, runs: Sequence[Run], size: object) -> None:
    for part in runs:
        pieces = part.text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                paragraph.add_line_break()  # type: ignore[attr-defined]
            if not piece:
                continue
            run = paragraph.add_run()  # type: ignore[attr-defined]
            run.text = clean(piece)
            run.font.size = size
            run.font.bold = part.bold or None
            run.font.italic = part.italic or None


# --------------------------------------------------------------------------- HTML


def to_slides_html(markdown: str, *, title: str, templates: Path | None = None) -> str:
    """One self-contained HTML file: each slide a 16:9 page when printed."""
    parts = []
    for slide in cut_slides(markdown):
        if slide.first:
            body = f"<h1>{html.escape(slide.title)}</h1>\n" + "".join(
                f"<p>{_html_runs(block.runs)}</p>\n" for block in slide.blocks
            )
            parts.append(f'<section class="slide title-slide">\n{body}</section>\n')
            continue
        items = []
        for number, block in enumerate(slide.blocks):
            tag = {"bullet": "li", "quote": "blockquote"}.get(block.kind, "p")
            before = slide.blocks[number - 1].kind if number else ""
            after = slide.blocks[number + 1].kind if number + 1 < len(slide.blocks) else ""
            if tag == "li" and before != "bullet":
                items.append("<ul>\n")
            items.append(f"<{tag}>{_html_runs(block.runs)}</{tag}>\n")
            if tag == "li" and after != "bullet":
                items.append("</ul>\n")
        size = font_size(slide.blocks)
        parts.append(
            f'<section class="slide">\n<h2>{html.escape(slide.title)}</h2>\n'
            f'<div class="slide-body" style="font-size: {size}pt">\n{"".join(items)}</div>\n'
            "</section>\n"
        )
    return to_html_page("".join(parts), title=title, kind="slides", css=read_css(templates))


def _html_runs(runs: Sequence[Run]) -> str:
    out = []
    for run in runs:
        text = html.escape(clean(run.text)).replace("\n", "<br>\n")
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)
