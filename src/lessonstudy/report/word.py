"""Markdown -> a Word document, by walking markdown-it tokens with python-docx.

Walking the same tokens the HTML comes from keeps one source of truth: the
templates. Headings get Word's Heading styles, tables are real tables (the
header row repeats on each page, judgement cells are shaded), lists are
Word list paragraphs and block quotes use the Quote style, so a group can
restyle the whole document in Word.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from lessonstudy.model import Judgement
from lessonstudy.report.escape import clean
from lessonstudy.report.html import cell_judgement, judgement_of, markdown_parser

# Light fills that keep black text readable; the symbol carries the meaning too.
SHADES = {
    Judgement.AS_PREDICTED: "DBE7F5",
    Judgement.BETTER: "CDEBD0",
    Judgement.LESS: "FBDCC0",
    Judgement.UNEXPECTED: "E8D9F5",
}
MONO = "Courier New"


def to_docx(markdown: str, *, title: str, kind: str) -> bytes:
    document = docx.Document()
    _page_setup(document, kind)
    # Word's document properties hold one line of up to 255 characters.
    document.core_properties.title = " ".join(clean(title).split())[:255]
    document.core_properties.subject = f"Lesson study {kind}"
    _Writer(document).write(markdown_parser().parse(markdown))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document: Document, kind: str) -> None:
    section = document.sections[0]
    if kind == "poster":  # one A3 landscape page, in three columns like the HTML poster
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(420), Mm(297)
        margin = Mm(12)
        columns = section._sectPr.find(qn("w:cols"))
        if columns is None:
            columns = OxmlElement("w:cols")
            section._sectPr.append(columns)
        columns.set(qn("w:num"), "3")
        columns.set(qn("w:space"), str(int(Mm(10).twips)))
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        margin = Mm(18)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    document.styles["Normal"].font.size = Pt(10.5)


class _Writer:
    """Turns block tokens into paragraphs and tables, inline tokens into runs."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.lists: list[str] = []  # "bullet" / "ordered", innermost last
        self.quote = 0
        self.table: Table | None = None
        self.row_cells: list[_Cell] = []
        self.cell_index = 0
        self.header_row = False
        self.paragraph: Paragraph | None = None
        self.style_ids: dict[str, str] = {}

    def add_paragraph(self, style: str | None = None) -> Paragraph:
        """A new paragraph. python-docx looks a style name up in O(styles) on every
        call (a second for a large report), so ids are looked up once and set directly."""
        paragraph = self.document.add_paragraph()
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def write(self, tokens: Sequence[Token]) -> None:
        for index, token in enumerate(tokens):
            handler = getattr(self, f"_{token.type}", None)
            if handler is not None:
                handler(token, tokens, index)

    # ---------------------------------------------------------------- blocks

    def _heading_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        level = int(token.tag[1])
        self.paragraph = self.add_paragraph(f"Heading {min(level, 9)}")

    def _paragraph_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        if self.table is not None:
            return
        if self.lists:
            # The first paragraph of a list item is the item itself; later ones continue it.
            first = tokens[index - 1].type == "list_item_open"
            style = self._list_style(continued=not first)
            self.paragraph = self.add_paragraph(style)
            return
        style = "Quote" if self.quote else None
        self.paragraph = self.add_paragraph(style)

    def _list_style(self, *, continued: bool = False) -> str:
        depth = min(len(self.lists), 3)
        if continued:
            return "List Continue" if depth == 1 else f"List Continue {depth}"
        base = "List Bullet" if self.lists[-1] == "bullet" else "List Number"
        return base if depth == 1 else f"{base} {depth}"

    def _bullet_list_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.lists.append("bullet")

    def _ordered_list_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.lists.append("ordered")

    def _bullet_list_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.lists.pop()

    _ordered_list_close = _bullet_list_close

    def _blockquote_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.quote += 1

    def _blockquote_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.quote -= 1

    def _hr(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        rule = self.add_paragraph()
        rule.add_run("―" * 3)
        rule.alignment = 1  # centred

    def _code_block(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        paragraph = self.add_paragraph()
        self._add_text(paragraph, token.content.rstrip("\n"), code=True)

    _fence = _code_block

    # ---------------------------------------------------------------- tables

    def _table_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        columns = 0
        for later in tokens[index + 1 :]:
            if later.type in ("th_open", "td_open"):
                columns += 1
            elif later.type == "tr_close":
                break
        self.table = self.document.add_table(rows=0, cols=max(columns, 1))
        self.table.style = "Table Grid"

    def _table_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.table = None
        self.add_paragraph()  # Word runs a following table into this one otherwise

    def _thead_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.header_row = True

    def _thead_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.header_row = False

    def _tr_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        assert self.table is not None
        row = self.table.add_row()
        if self.header_row:  # repeat the header row on every page
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(header)
        self.row_cells = row.cells
        self.cell_index = 0

    def _td_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        if self.cell_index >= len(self.row_cells):  # a ragged row: ignore extra cells
            self.paragraph = None
            return
        cell = self.row_cells[self.cell_index]
        self.cell_index += 1
        self.paragraph = cell.paragraphs[0]
        judgement = cell_judgement(tokens[index + 1])
        if judgement is not None:
            _shade(cell, SHADES[judgement])

    _th_open = _td_open

    # ---------------------------------------------------------------- inline

    def _inline(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        paragraph = self.paragraph
        if paragraph is None:
            return
        bold = italic = strike = False
        header = self.header_row and self.table is not None
        link: str | None = None
        for child in token.children or ():
            kind = child.type
            if kind in ("text", "text_special"):
                self._add_text(paragraph, child.content, bold or header, italic, strike)
            elif kind == "softbreak":
                self._add_text(paragraph, " ", bold or header, italic, strike)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "code_inline":
                self._add_code(paragraph, child)
            elif kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind == "s_open":
                strike = True
            elif kind == "s_close":
                strike = False
            elif kind == "link_open":
                link = str(child.attrGet("href") or "")
            elif kind == "link_close" and link:
                self._add_text(paragraph, f" ({link})", italic=True)
                link = None
            elif kind == "image":
                self._add_text(paragraph, child.content, italic=True)
        self.paragraph = None

    def _add_code(self, paragraph: Paragraph, token: Token) -> None:
        judgement = judgement_of(token)
        run = paragraph.add_run(token.content)
        run.font.name = MONO
        if judgement is not None:
            run.bold = True

    @staticmethod
    def _add_text(
        paragraph: Paragraph,
        text: str,
        bold: bool = False,
        italic: bool = False,
        strike: bool = False,
        *,
        code: bool = False,
    ) -> None:
        if not text:
            return
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if strike:
            run.font.strike = True
        if code:
            run.font.name = MONO


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
