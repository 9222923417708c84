"""The evidence grid itself: stages down, case pupils across, the group's judgement keys."""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from lessonstudy.model import Judgement
from lessonstudy.printable import printable
from lessonstudy.process import EvidenceGrid, EvidenceRow
from lessonstudy.tui.widgets.evidence_grid.cells import CellTexts
from lessonstudy.words import short

# How the grid gives way when narrow, in order: stage titles cut to 15, then
# to 10, then the cells lose their run of symbols (compact). The run says how
# the observers' notes were judged, so it goes last.
GRID_FITS = ((15, False), (10, False), (10, True))


def row_label(row: EvidenceRow, title_width: int) -> Text:
    title = short(printable(row.stage.title) or "untitled", title_width)
    return Text(f"{row.number} {title}", no_wrap=True)


def grid_width(
    grid: EvidenceGrid,
    title_width: int,
    compact: bool,
    headers: dict[str, str] | None = None,
    texts: CellTexts | None = None,
) -> int:
    """Columns the grid takes: the stage labels, then each pupil (headed by `headers`,
    else the label). Each DataTable column has one cell of padding either side.
    `texts`: the cells' texts, following `grid`."""
    texts = texts if texts is not None else CellTexts(grid)
    labels = max((row_label(row, title_width).cell_len for row in grid.rows), default=0)
    width = labels + 2
    for label in grid.labels:
        cells = [texts.text(row.number, label, compact=compact).cell_len for row in grid.rows]
        header = headers.get(label, label) if headers else label
        width += max([Text(header).cell_len, *cells]) + 2
    return width


def pupil_header(label: str, pseudonym: str) -> Text:
    """A column's heading: the label, and the pseudonym where there is room."""
    text = Text(label, style="bold")
    if pseudonym.strip():
        text.append(f" {pseudonym.strip()}")
    return text


def grid_fit(grid: EvidenceGrid, width: int, texts: CellTexts | None = None) -> tuple[int, bool]:
    """(stage title width, compact) for the first fit in GRID_FITS within `width`."""
    if width <= 0 or not grid.rows:
        return GRID_FITS[0]
    texts = texts if texts is not None else CellTexts(grid)
    for title_width, compact in GRID_FITS:
        if grid_width(grid, title_width, compact, texts=texts) <= width:
            return title_width, compact
    return GRID_FITS[-1]


JUDGEMENT_KEYS = {judgement.symbol: judgement for judgement in Judgement}
SegmentLines = list[list[Segment]]  # a cell as DataTable draws it, line by line
# Cells kept as drawn: the grid's (a few dozen), each with and without the cursor.
DRAWN_CELLS = 1000
# A judgement key followed by a space within this many seconds began a point
# ("- the strips helped"); a space typed later finds the judgement made.
TYPING_RUN_SECONDS = 1.0
# Moving the cursor is handled with the judgement keys, in the order typed: a
# binding would run only after the key bubbled up to the app, behind a judgement
# key typed after it in a burst (which would then judge the cell left behind).
CURSOR_KEYS = {
    "up": "cursor_up",
    "down": "cursor_down",
    "left": "cursor_left",
    "right": "cursor_right",
    "pageup": "page_up",
    "pagedown": "page_down",
    "home": "scroll_home",
    "end": "scroll_end",
}


class EvidenceTable(DataTable[Text]):
    """The grid itself: a cell cursor over stages x case pupils (virtualised).

    = + - ? judge the cell under the cursor, Backspace / Delete take the
    judgement back (`judge`); any other printable key is handed on (`type_into`):
    typing is never lost, nor taken as a command. A judgement key followed at once
    by a space ("- the strips helped", "? why ...") began a point, as a bullet
    does: the judgements it made are taken back (`take_back`) and it goes into the
    point too. Followed by a letter ("+Leo said it") it was the group's judgement."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Returns whether the judgement changed.
        self.judge: Callable[[Judgement | None], bool] | None = None
        self.take_back: Callable[[int], None] | None = None  # that many judgements
        self.type_into: Callable[[events.Key], None] | None = None
        # Judgement keys typed since the last other key (each within a typing run of
        # the next), how many judgements they changed, and when the last was typed:
        # taken back if typing follows in the same run.
        self._symbols = ""
        self._judged = 0
        self._symbol_typed_at = 0.0
        # A point began here: every key until the grid has the focus again is the
        # point's (Enter adds it, Backspace edits it), in the order typed.
        self._typing = False
        # Each cell as last drawn, with the value it was drawn from (`_render_cell`).
        self._drawn: LRUCache[tuple[object, ...], tuple[object, SegmentLines]] = LRUCache(
            DRAWN_CELLS
        )

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A cell drawn again only when its own value, style, width or highlight changed.

        DataTable draws every cell again after any one changed (its caches count the
        updates), and while observers write a cell changes about once a second: the
        whole grid was drawn each time, in 6-12 ms, in the way of the keys typed. A
        cell's value is never changed in place (a new Text each time), so the same
        object is the same value."""
        value = self._value_at(row_index, column_index)
        key = (
            row_index,
            column_index,
            base_style,
            width,
            cursor,
            hover,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
        )
        drawn = self._drawn.get(key)
        if drawn is not None and drawn[0] is value:
            return drawn[1]
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._drawn.set(key, (value, lines))
        return lines

    def _value_at(self, row_index: int, column_index: int) -> object:
        """What the cell at (row, column) shows; -1: the header row, the label column."""
        if row_index < 0:
            return self.ordered_columns[column_index].label if column_index >= 0 else None
        if column_index < 0:
            return self.ordered_rows[row_index].label
        return self.get_cell_at(Coordinate(row_index, column_index))

    def notify_style_update(self) -> None:
        self._drawn.clear()  # a theme or CSS change: every cell drawn anew
        super().notify_style_update()

    def on_focus(self) -> None:
        self._typing = False

    async def _on_key(self, event: events.Key) -> None:
        char = event.character
        if self._typing and self.type_into is not None:
            event.stop()
            event.prevent_default()
            self.type_into(event)
            return
        symbols, judged = self._symbols, self._judged
        self._symbols, self._judged = "", 0
        if event.time - self._symbol_typed_at > TYPING_RUN_SECONDS:
            symbols, judged = "", 0  # judged a while ago: a judgement, whatever comes next
        if event.key in CURSOR_KEYS:
            event.stop()
            event.prevent_default()
            await self.run_action(CURSOR_KEYS[event.key])
            return
        if self.judge is not None and (
            event.key in ("backspace", "delete") or (char and char in JUDGEMENT_KEYS)
        ):
            event.stop()
            event.prevent_default()
            changed = self.judge(JUDGEMENT_KEYS.get(char or ""))
            if char and char in JUDGEMENT_KEYS:
                self._symbols, self._judged = symbols + char, judged + changed
                self._symbol_typed_at = event.time
            return
        if event.is_printable and char and self.type_into is not None:
            event.stop()
            event.prevent_default()
            self._typing = True
            if symbols and char == " ":  # "- the strips helped": the symbol began it
                if judged and self.take_back is not None:
                    self.take_back(judged)
                for symbol in symbols:
                    self.type_into(events.Key(symbol, symbol))
            self.type_into(event)
            return
        await super()._on_key(event)

    DEFAULT_CSS = """
    EvidenceTable {
        height: auto;
        max-height: 12;
    }
    """

    def show(
        self,
        grid: EvidenceGrid,
        *,
        compact: bool = False,
        title_width: int = 15,
        pseudonyms: dict[str, str] | None = None,
        texts: CellTexts | None = None,
    ) -> None:
        """`pseudonyms` given: each column is headed by label and pseudonym ("K Kit").
        `texts`: the cells' texts, following `grid`."""
        texts = texts if texts is not None else CellTexts(grid)
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        for label in grid.labels:
            self.add_column(pupil_header(label, (pseudonyms or {}).get(label, "")), key=label)
        for row in grid.rows:
            self.add_row(
                *(texts.text(row.number, label, compact=compact) for label in grid.labels),
                key=str(row.number),
                label=row_label(row, title_width),
            )
        if grid.rows and grid.labels:
            self.cursor_coordinate = Coordinate(
                min(cursor.row, len(grid.rows) - 1), min(cursor.column, len(grid.labels) - 1)
            )
