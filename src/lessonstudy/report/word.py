"""Markdown -> a Word document, by walking markdown-it tokens.

Walking the same tokens the HTML comes from keeps one source of truth: the
templates. Headings get Word's Heading styles, tables are real tables (the
header row repeats on each page, judgement cells are shaded), lists are
Word list paragraphs and block quotes use the Quote style, so a group can
restyle the whole document in Word.

python-docx makes the document (page, styles, properties, footer); the body
is written as XML text (`_XmlWriter`) and spliced into the saved file, which
is many times faster than python-docx's run-by-run calls. `_Writer`, the same
walk through python-docx, is kept as what the XML must equal byte for byte
(`to_docx(..., fast=False)`, tests/test_report_word_xml.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import attrs
import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from lessonstudy.model import Judgement
from lessonstudy.report.escape import clean
from lessonstudy.report.html import (
    NOTES_HEADER,
    cell_judgement,
    judgement_of,
    markdown_parser,
    notes_tables_aside,
    poster_font_pt,
    table_class,
    unescaped,
    visible_length,
)

# Light fills that keep black text readable; the symbol carries the meaning too.
SHADES = {
    Judgement.AS_PREDICTED: "DBE7F5",
    Judgement.BETTER: "CDEBD0",
    Judgement.LESS: "FBDCC0",
    Judgement.UNEXPECTED: "E8D9F5",
}
MONO = "Courier New"


# Column widths (fractions of the text width) of the templates' known tables,
# as in print.css; any other table is laid out by how much its columns hold.
COLUMN_SHARES = {
    "t-stage-pupil": (0.16, 0.07, 0.32, 0.32, 0.13),
    "t-time-stage": (0.09, 0.085, 0.075, 0.16, 0.59),
    "t-stage-we-predict": (0.22, 0.33, 0.45),
    "t-lesson-success-criterion": (0.10, 0.60, 0.30),
    # the impact summary (templates/report/impact.md.j2)
    "t-study-lesson": (0.22, 0.09, 0.12, 0.10, 0.10, 0.12, 0.12, 0.13),
    "t-learner-group-case-pupils": (0.24, 0.11, 0.11, 0.20, 0.20, 0.14),
    # room for a subject's name on one line (seen in LibreOffice: "Mathemat-ics")
    "t-subject-studies": (0.16, 0.08, 0.09, 0.14, 0.14, 0.12, 0.13, 0.14),
    "t-year-group-studies": (0.16, 0.08, 0.09, 0.14, 0.14, 0.12, 0.13, 0.14),
}


@attrs.frozen
class Layout:
    """How one kind of write-up sits on the page in Word."""

    page: tuple[Mm, Mm]  # width, height
    margin: Mm
    body_pt: float
    table_pt: float
    headings_pt: tuple[float, float, float]  # Heading 1, 2, 3
    columns: int = 1
    column_gap: int = 0  # EMU, as Mm() gives
    page_numbers: bool = True
    write_in_row: Mm | None = None  # the height of a row to write in (the handout's sheets)


A4, A3_LANDSCAPE = (Mm(210), Mm(297)), (Mm(420), Mm(297))
LAYOUTS = {
    "report": Layout(A4, Mm(14), 10, 8.5, (19, 14, 12)),
    "handout": Layout(A4, Mm(13), 10.5, 10, (18, 14, 12), write_in_row=Mm(27)),
    # Read from a metre or two: body text about 6 mm a line.
    "poster": Layout(
        A3_LANDSCAPE,
        Mm(11),
        15,
        14,
        (34, 21, 17),
        columns=3,
        column_gap=Mm(9),
        page_numbers=False,
    ),
}


def to_docx(markdown: str, *, title: str, kind: str, author: str, fast: bool = True) -> bytes:
    layout = LAYOUTS.get(kind, LAYOUTS["report"])
    if kind == "poster":  # as large as the poster's text allows, as in the HTML
        layout = attrs.evolve(layout, body_pt=poster_font_pt(visible_length(markdown)))
        layout = attrs.evolve(layout, table_pt=layout.body_pt)
    document = docx.Document()
    _page_setup(document, layout)
    _properties(document, title=title, author=author, subject=f"Lesson study {kind}")
    # The notes appendix's tables (tens of thousands of rows) are built as XML
    # in one go, not through markdown-it and python-docx cell by cell; and the
    # rest of the body is written as XML text too (python-docx takes a
    # millisecond a run): `fast=False` is the python-docx walk it must equal
    # (test_report_word_xml checks, byte for byte).
    writer = (_XmlWriter if fast else _Writer)(document, layout, _text_width(layout))
    if isinstance(writer, _XmlWriter):
        markdown, writer.notes_tables = notes_tables_aside(markdown, writer.notes_rows)
    tokens = markdown_parser().parse(markdown)
    if layout.columns > 1:
        # The title across the page, then the sections in columns (a new section
        # on the same page: Word sets columns per section).
        first = next(
            (i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"),
            len(tokens),
        )
        writer.write(tokens[:first])
        writer.flush()
        section = document.add_section(WD_SECTION.CONTINUOUS)
        _set_columns(section, layout)
        writer.write(tokens[first:])
    else:
        writer.write(tokens)
    writer.flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return _spliced(buffer.getvalue(), writer.spliced)


def _spliced(data: bytes, spliced: dict[bytes, bytes]) -> bytes:
    """The saved file with each placeholder paragraph in word/document.xml replaced
    by the XML it stands for (both UTF-8, as the part is); every other part as
    python-docx wrote it."""
    if not spliced:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "word/document.xml":
                for placeholder, xml in spliced.items():
                    part = part.replace(placeholder, xml, 1)
            target.writestr(info, part)
    return out.getvalue()


def _properties(document: Document, *, title: str, author: str, subject: str) -> None:
    """Title, the group as author, today's date (not python-docx's template's)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    properties = document.core_properties
    # Word's document properties hold one line of up to 255 characters.
    properties.title = " ".join(clean(title).split())[:255]
    properties.author = properties.last_modified_by = " ".join(clean(author).split())[:255]
    properties.subject = subject
    properties.comments = ""
    properties.keywords = "lesson study"
    properties.created = properties.modified = now
    properties.last_printed = now
    properties.revision = 1


def _text_width(layout: Layout) -> int:
    """The width a table may take: the page's, or one column's, inside the margins (EMU)."""
    width = layout.page[0] - 2 * layout.margin
    return int((width - (layout.columns - 1) * layout.column_gap) / layout.columns)


def _page_setup(document: Document, layout: Layout) -> None:
    section = document.sections[0]
    width, height = layout.page
    if width > height:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = layout.margin
    section.top_margin = section.bottom_margin = layout.margin
    styles = document.styles
    styles["Normal"].font.size = Pt(layout.body_pt)
    for level, size in enumerate(layout.headings_pt, start=1):
        styles[f"Heading {level}"].font.size = Pt(size)
    if layout.page_numbers:
        section.footer_distance = Mm(7)
        _page_number_footer(section.footer.paragraphs[0])


def _set_columns(section: Section, layout: Layout) -> None:
    columns = section._sectPr.find(qn("w:cols"))
    if columns is None:
        columns = OxmlElement("w:cols")
        section._sectPr.append(columns)
    columns.set(qn("w:num"), str(layout.columns))
    columns.set(qn("w:space"), str(int(layout.column_gap / 635)))  # EMU -> twips


def _page_number_footer(paragraph: Paragraph) -> None:
    """ "page N of M" at the foot of every page, as Word fields (Word counts them)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for text, field in (("page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(text).font.size = Pt(8)
        run = paragraph.add_run()
        run.font.size = Pt(8)
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = field
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(begin)
        run._r.append(instruction)
        run._r.append(end)


class _Writer:
    """Turns block tokens into paragraphs and tables, inline tokens into runs."""

    def __init__(self, document: Document, layout: Layout, text_width: int) -> None:
        self.document = document
        self.layout = layout
        self.text_width = text_width
        self.table_kind = ""
        self.widths: list[int] = []
        self.lists: list[str] = []  # "bullet" / "ordered", innermost last
        self.quote = 0
        self.table: Table | None = None
        self.row_cells: list[_Cell] = []
        self.cell_index = 0
        self.header_row = False
        self.paragraph: Paragraph | None = None
        self.style_ids: dict[str, str] = {}
        # Placeholder paragraph -> the body XML it stands for, in UTF-8 (see
        # _XmlWriter.flush).
        self.spliced: dict[bytes, bytes] = {}

    def add_paragraph(self, style: str | None = None) -> Paragraph:
        """A new paragraph. python-docx looks a style name up in O(styles) on every
        call (a second for a large report), so ids are looked up once and set directly."""
        paragraph = self.document.add_paragraph()
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def _table_style(self) -> str:
        """A paragraph style for table text, made once: smaller than the body."""
        name = "Table Text"
        if name not in self.style_ids:
            styles = self.document.styles
            if name not in [s.name for s in styles]:
                style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = styles["Normal"]
                style.font.size = Pt(self.layout.table_pt)
                style.paragraph_format.space_after = Pt(0)
            self.style_ids[name] = styles[name].style_id
        return name

    def write(self, tokens: Sequence[Token]) -> None:
        for index, token in enumerate(tokens):
            handler = getattr(self, f"_{token.type}", None)
            if handler is not None:
                handler(token, tokens, index)

    def flush(self) -> None:
        """Everything written so far is in the document (python-docx writes as it goes)."""

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
        self.paragraph = self.add_paragraph("Quote" if self.quote else None)

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
        # A line of three dashes in a template starts a new page (as in print.css).
        self.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _code_block(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        paragraph = self.add_paragraph()
        self._add_text(paragraph, token.content.rstrip("\n"), code=True)

    _fence = _code_block

    # ---------------------------------------------------------------- tables

    def _plan_table(self, tokens: Sequence[Token], index: int) -> int:
        """Measure the table opening at `index`: sets its kind and column widths,
        returns its number of columns (both writers lay tables out alike)."""
        headers: list[str] = []
        lengths: list[list[int]] = []
        column = 0
        for later_index in range(index + 1, len(tokens)):
            later = tokens[later_index]
            if later.type == "table_close":
                break
            if later.type == "tr_open":
                column = 0
            elif later.type in ("th_open", "td_open"):
                content = tokens[later_index + 1].content
                if later.type == "th_open":
                    headers.append(content)
                if column >= len(lengths):
                    lengths.append([])
                lengths[column].append(len(content))
                column += 1
        columns = max(len(headers), 1)
        self.table_kind = table_class(headers)
        self.widths = self._column_widths(self.table_kind, lengths[:columns], headers)
        return columns

    def _table_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        columns = self._plan_table(tokens, index)
        self.table = self.document.add_table(rows=0, cols=columns)
        self.table.style = "Table Grid"
        self.table.autofit = False
        _fix_widths(self.table, self.widths)

    def _column_widths(self, kind: str, lengths: list[list[int]], headers: list[str]) -> list[int]:
        """Widths that add up to the text width (a table never runs past its column):
        the templates' known tables as in print.css, others by how much they hold,
        and none narrower than its header's longest word."""
        columns = max(len(headers), 1)
        shares = COLUMN_SHARES.get(kind)
        if shares is None or len(shares) != columns:
            # Like a browser's automatic layout, roughly: by a column's typical content.
            weights = []
            for index in range(columns):
                col = lengths[index] if index < len(lengths) else []
                typical = sum(col) / len(col) if col else 0.0
                weights.append(min(max(typical, 6.0), 120.0))
            total = sum(math.sqrt(w) * w for w in weights)
            shares = tuple(math.sqrt(w) * w / total for w in weights)
        # Room for the header's longest word in bold (a letter is about 0.68 of the
        # size wide) and the cell's margins; the other columns give way.
        letter = Pt(self.layout.table_pt * 0.68)
        least = []
        for index in range(columns):
            words = headers[index].split() if index < len(headers) else []
            longest = max((len(word) for word in words), default=2)
            least.append((longest * letter + Mm(4.5)) / self.text_width)
        for _round in range(columns):
            short = [i for i in range(columns) if shares[i] < least[i] - 1e-9]
            if not short or sum(least) >= 1:
                break
            fixed = sum(least[i] for i in short)
            rest = sum(shares[i] for i in range(columns) if i not in short)
            shares = tuple(
                least[i] if i in short else shares[i] * (1 - fixed) / rest for i in range(columns)
            )
        return [int(self.text_width * share) for share in shares]

    def _table_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.table = None
        self.add_paragraph()  # Word runs a following table into this one otherwise

    def _thead_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.header_row = True

    def _thead_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.header_row = False

    def _tr_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        assert self.table is not None
        # Rows are built on the XML: python-docx's add_row() and row.cells walk the
        # whole table each time, which is minutes for a notes appendix of 9,000.
        tr = self.table._tbl.add_tr()
        if self.header_row:  # repeat the header row on every page
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr.get_or_add_trPr().append(header)
        elif self.table_kind == "t-stage-we-predict" and self.layout.write_in_row:
            _Row(tr, self.table).height = self.layout.write_in_row  # room to write by hand
        self.row_cells = []
        for width in self.widths:
            tc = tr.add_tc()
            if self.header_row:  # a fixed layout takes its widths from the first row
                tc.width = Length(width)
            self.row_cells.append(_Cell(tc, self.table))
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
        if self.table is not None and self.layout.table_pt != self.layout.body_pt:
            paragraph._p.style = self.style_ids[self._table_style()]
        header = self.header_row and self.table is not None
        for piece in _inline_pieces(token.children or (), header):
            if piece.what == "text":
                self._add_text(paragraph, piece.text, piece.bold, piece.italic, piece.strike)
            elif piece.what == "break":
                paragraph.add_run().add_break()
            else:
                run = paragraph.add_run(piece.text)
                run.font.name = MONO
                if piece.bold:
                    run.bold = True
        self.paragraph = None

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


class _Piece(NamedTuple):
    """A run of a paragraph, as both writers write it."""

    what: str  # "text", "break" or "code"
    text: str = ""
    bold: bool = False  # for code: a judgement's mark
    italic: bool = False
    strike: bool = False


def _inline_pieces(children: Sequence[Token], header: bool) -> Iterator[_Piece]:
    """A paragraph's inline tokens as the runs to write, with the emphasis each has
    on; a link's target follows its text, an image is its alternative text."""
    bold = italic = strike = False
    link: str | None = None
    for child in children:
        kind = child.type
        if kind in ("text", "text_special", "softbreak"):
            text = " " if kind == "softbreak" else child.content
            yield _Piece("text", text, bold or header, italic, strike)
        elif kind == "hardbreak":
            yield _Piece("break")
        elif kind == "code_inline":
            yield _Piece("code", child.content, bold=judgement_of(child) is not None)
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
            yield _Piece("text", f" ({link})", italic=True)
            link = None
        elif kind == "image":
            yield _Piece("text", child.content, italic=True)


def _fix_widths(table: Table, widths: list[int]) -> None:
    """A fixed layout of exactly these widths (Word and LibreOffice both follow it)."""
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    width = properties.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        properties.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(int(sum(widths) / 635)))  # EMU -> twentieths of a point
    for column, column_width in zip(table.columns, widths, strict=False):
        column.width = column_width


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


# --------------------------------------------------------------------------- notes tables


_CRITICAL = "**critical moment:**"


def _notes_rows(rows: list[str], style: str = "") -> list[str] | None:
    """A notes table's rows as XML (each paragraph with `style`, a pPr); None if one
    is not as templates.notes_table makes them. The same elements the walk through
    markdown-it makes (test_report_fast_tables)."""
    found: list[str] = []
    starts: dict[tuple[str, ...], str] = {}  # (time, stage, pupil, observer): often repeated
    for row in rows:
        if not row.endswith(" |"):
            return None
        cells = row[2:-2].split(" | ")  # md_line escapes every typed |
        if len(cells) != 5:
            return None
        note = cells[4].strip()
        runs = ""
        note_cell = "<w:tc>"
        if note.startswith("`"):
            end = note.find("`", 1)
            try:
                judgement = Judgement.from_symbol(note[1:end])
            except ValueError:
                return None
            fill = SHADES[judgement]
            note_cell = (
                f'<w:tc><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/></w:tcPr>'
            )
            runs = _run_xml(judgement.symbol, _CHIP_RUN)
            note = note[end + 1 :]
        at = note.find(_CRITICAL)
        if at == -1:
            runs += _text_run_xml(unescaped(note))
        else:  # typed text cannot hold "**" (md_line escapes *)
            runs += (
                _run_xml(unescaped(note[:at]))
                + _run_xml("critical moment:", _BOLD)
                + _text_run_xml(unescaped(note[at + len(_CRITICAL) :]))
            )
        key = (cells[0], cells[1], cells[2], cells[3])
        start = starts.get(key)
        if start is None:
            start = starts[key] = "<w:tr>" + "".join(
                f"<w:tc><w:p>{style}{_run_xml(unescaped(cell.strip()))}</w:p></w:tc>"
                for cell in key
            )
        found.append(f"{start}{note_cell}<w:p>{style}{runs}</w:p></w:tc></w:tr>")
    return found


def _text_run_xml(text: str, properties: str = "") -> str:
    """A run as python-docx's run.text makes it: tabs as <w:tab/>, line breaks as
    <w:br/>, whitespace at either end of a <w:t> kept."""
    if not text:
        return ""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if text.strip() != text else ""
        return f"<w:r>{properties}<w:t{space}>{escaped}</w:t></w:r>"
    parts = []
    for piece in re.split(r"(\t|\n|\r)", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\n", "\r"):
            parts.append("<w:br/>")
        elif piece:
            escaped = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            parts.append(f"<w:t{space}>{escaped}</w:t>")
    return f"<w:r>{properties}{''.join(parts)}</w:r>"


# Times, stages, pupils, observers, marks: many repeats.
_run_xml = functools.lru_cache(maxsize=1024)(_text_run_xml)

_BOLD = "<w:rPr><w:b/></w:rPr>"
_CHIP_RUN = f'<w:rPr><w:rFonts w:ascii="{MONO}" w:hAnsi="{MONO}"/><w:b/></w:rPr>'


@functools.cache
def _notes_header_tokens() -> tuple[Token, ...]:
    return tuple(markdown_parser().parse(NOTES_HEADER))


# --------------------------------------------------------------------------- the body as XML


class _Paragraph:
    """A paragraph being written: its style id and its runs' XML."""

    __slots__ = ("runs", "style")

    def __init__(self, style: str | None = None) -> None:
        self.style = style
        self.runs: list[str] = []

    def xml(self) -> str:
        if self.style is None:
            return f"<w:p>{''.join(self.runs)}</w:p>" if self.runs else "<w:p/>"
        return f'<w:p><w:pPr><w:pStyle w:val="{self.style}"/></w:pPr>{"".join(self.runs)}</w:p>'


class _TableCell:
    __slots__ = ("fill", "paragraph", "width")

    def __init__(self, width: int | None) -> None:
        self.width = width  # EMU, header cells only (a fixed layout reads the first row)
        self.fill: str | None = None
        self.paragraph = _Paragraph()

    def xml(self) -> str:
        properties = ""
        if self.width is not None:
            properties = f'<w:tcW w:type="dxa" w:w="{Length(self.width).twips}"/>'
        if self.fill is not None:
            properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{self.fill}"/>'
        if properties:
            properties = f"<w:tcPr>{properties}</w:tcPr>"
        return f"<w:tc>{properties}{self.paragraph.xml()}</w:tc>"


# As python-docx's add_table(), `table.style = "Table Grid"`, `autofit = False`
# and _fix_widths() leave a table's properties (the layout is set twice, as there).
_TABLE_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0"'
    ' w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
)


def _table_start_xml(widths: list[int]) -> str:
    grid = "".join(f'<w:gridCol w:w="{Length(width).twips}"/>' for width in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:type="dxa" w:w="{int(sum(widths) / 635)}"/>'
        f'<w:tblLayout w:type="fixed"/>{_TABLE_LOOK}<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    )


# What no XML document may hold (the text is checked before it is spliced in):
# control characters but tab, line feed and carriage return (one byte each in UTF-8,
# never part of another character's bytes), lone surrogates (UTF-8 cannot hold
# them) and U+FFFE, U+FFFF.
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_NON_CHARACTERS = ("\ufffe".encode(), "\uffff".encode())


def _xml_compatible(text: str) -> bytes:
    """`text` in UTF-8, or ValueError as python-docx's run.text would say if it holds
    what no XML document may (checked on the bytes the file needs anyway: a regular
    expression over the 6.7 MB of a 9,000-note report's body took 20 ms)."""
    try:
        data = text.encode("utf-8")
        fits = len(data.translate(None, _CONTROL_BYTES)) == len(data) and not any(
            non in data for non in _NON_CHARACTERS
        )
    except UnicodeEncodeError:  # a lone surrogate
        fits = False
    if not fits:
        raise ValueError(
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or"
            " control characters"
        )
    return data


_HEADER_ROW = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>'
_MONO_FONT = f'<w:rFonts w:ascii="{MONO}" w:hAnsi="{MONO}"/>'


def _run_properties(bold: bool, italic: bool, strike: bool, code: bool) -> str:
    inner = (
        (_MONO_FONT if code else "")
        + ("<w:b/>" if bold else "")
        + ("<w:i/>" if italic else "")
        + ("<w:strike/>" if strike else "")
    )
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


class _XmlTable:
    """A table being written: its start (properties, grid) and its rows' XML."""

    __slots__ = ("rows", "start")

    def __init__(self, start: str) -> None:
        self.start = start
        self.rows: list[str] = []


class _XmlWriter(_Writer):
    """The same walk as `_Writer`, writing the body as XML text that is parsed and
    put in the document in a few pieces (`flush`): the same elements, in a
    fraction of the time."""

    def __init__(self, document: Document, layout: Layout, text_width: int) -> None:
        super().__init__(document, layout, text_width)
        self.notes_tables: dict[str, list[str]] = {}  # placeholder -> its rows' XML
        self.blocks: list[_Paragraph | _XmlTable] = []  # top-level, in order
        self.xml_table: _XmlTable | None = None
        self.cells: list[_TableCell] = []
        self.row_properties = ""
        self.current: _Paragraph | None = None  # where _inline writes

    def flush(self) -> None:
        """The blocks written so far go into the document as a placeholder paragraph
        that `to_docx` replaces with their XML in the saved file: parsing tens of
        thousands of rows into lxml only for python-docx to write them out again
        costs more than making them."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, _Paragraph):
                parts.append(block.xml())
            else:
                parts.append(block.start)
                parts.extend(block.rows)
                parts.append("</w:tbl>")
        self.blocks = []
        if not parts:
            return
        xml = _xml_compatible("".join(parts))
        marker = f"lessonstudy-body-{os.urandom(8).hex()}"  # secrets.token_hex's bytes
        paragraph = OxmlElement("w:p")
        paragraph.append(OxmlElement("w:r"))
        paragraph[0].append(OxmlElement("w:t"))
        paragraph[0][0].text = marker
        self.document.element.body.find(qn("w:sectPr")).addprevious(paragraph)
        self.spliced[f"<w:p><w:r><w:t>{marker}</w:t></w:r></w:p>".encode()] = xml

    def _paragraph(self, style: str | None = None) -> _Paragraph:
        style_id = None
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            style_id = self.style_ids[style]
        paragraph = _Paragraph(style_id)
        self.blocks.append(paragraph)
        return paragraph

    # ---------------------------------------------------------------- blocks

    def _heading_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.current = self._paragraph(f"Heading {min(int(token.tag[1]), 9)}")

    def _paragraph_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        if self.xml_table is not None:
            return
        rows = self.notes_tables.get(tokens[index + 1].content)
        if rows is not None:
            self._notes_table(rows)
            self.current = None  # the placeholder's text is not written
            return
        if self.lists:
            first = tokens[index - 1].type == "list_item_open"
            self.current = self._paragraph(self._list_style(continued=not first))
            return
        self.current = self._paragraph("Quote" if self.quote else None)

    def _hr(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self._paragraph().runs.append('<w:r><w:br w:type="page"/></w:r>')

    def _code_block(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        text = token.content.rstrip("\n")
        if text:
            self._paragraph().runs.append(
                _run_xml(text, _run_properties(False, False, False, True))
            )
        else:
            self._paragraph()

    _fence = _code_block

    # ---------------------------------------------------------------- tables

    def _table_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self._plan_table(tokens, index)
        self.xml_table = _XmlTable(_table_start_xml(self.widths))
        self.blocks.append(self.xml_table)

    def _table_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.xml_table = None
        self._paragraph()  # Word runs a following table into this one otherwise

    def _tr_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        self.row_properties = ""
        if self.header_row:  # repeat the header row on every page
            self.row_properties = _HEADER_ROW
        elif self.table_kind == "t-stage-we-predict" and self.layout.write_in_row:
            height = Length(self.layout.write_in_row).twips  # room to write by hand
            self.row_properties = f'<w:trPr><w:trHeight w:val="{height}"/></w:trPr>'
        header = self.header_row
        self.cells = [_TableCell(width if header else None) for width in self.widths]
        self.cell_index = 0

    def _tr_close(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        assert self.xml_table is not None
        cells = "".join(cell.xml() for cell in self.cells)
        self.xml_table.rows.append(f"<w:tr>{self.row_properties}{cells}</w:tr>")

    def _td_open(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        if self.cell_index >= len(self.cells):  # a ragged row: ignore extra cells
            self.current = None
            return
        cell = self.cells[self.cell_index]
        self.cell_index += 1
        self.current = cell.paragraph
        judgement = cell_judgement(tokens[index + 1])
        if judgement is not None:
            cell.fill = SHADES[judgement]

    _th_open = _td_open

    def _notes_table(self, rows: list[str]) -> None:
        header = _notes_header_tokens()
        self.write(header[:-1])  # up to, not including, table_close
        assert self.xml_table is not None
        self.xml_table.rows.extend(rows)
        self.write(header[-1:])

    def notes_rows(self, rows: list[str]) -> list[str] | None:
        """`_notes_rows` with this layout's paragraph style for table text."""
        style = ""
        if self.layout.table_pt != self.layout.body_pt:
            style = f'<w:pPr><w:pStyle w:val="{self.style_ids[self._table_style()]}"/></w:pPr>'
        return _notes_rows(rows, style)

    # ---------------------------------------------------------------- inline

    def _inline(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        paragraph = self.current
        if paragraph is None:
            return
        if self.xml_table is not None and self.layout.table_pt != self.layout.body_pt:
            paragraph.style = self.style_ids[self._table_style()]
        runs = paragraph.runs
        header = self.header_row and self.xml_table is not None
        for piece in _inline_pieces(token.children or (), header):
            if piece.what == "text":
                if piece.text:
                    properties = _run_properties(piece.bold, piece.italic, piece.strike, False)
                    runs.append(_run_xml(piece.text, properties))
            elif piece.what == "break":
                runs.append("<w:r><w:br/></w:r>")
            else:
                properties = _run_properties(piece.bold, False, False, True)
                runs.append(_run_xml(piece.text, properties) or f"<w:r>{properties}</w:r>")
        self.current = None
