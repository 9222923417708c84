"""The predicted-against-observed grid: stages down, case pupils across.

Each cell leads with the group's own judgement, agreed in the discussion, by
colour AND by symbol (= as predicted, + better, - less, ? unexpected), so it
reads without colour too; `·` while the group has not judged it. Beside it,
one symbol per observer's judged note and how many notes: the counts, never a
verdict worked out from them (`process.cell_verdict`). With the grid focused,
= + - ? record the group's judgement of the cell under the cursor and
Backspace takes it back; any other key typed is the recorder's point (the
screen's `type_into`). Moving to a cell shows, below the grid, that pupil's
prediction for the stage beside every observer's notes with their judgements
and times; F3 switches the detail between the one stage and all the pupil's
stages (the English model takes each case pupil in turn, stage by stage).
Notes in no stage are listed under the grid, each placed with a digit.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable, Static

from lessonstudy.model import Judgement, Observation, Study
from lessonstudy.printable import printable
from lessonstudy.process import JUDGEMENT_ORDER, EvidenceCell, EvidenceGrid, EvidenceRow
from lessonstudy.tui.widgets.judgement_style import JUDGEMENT_COLOURS, JUDGEMENT_STYLES
from lessonstudy.tui.widgets.unplaced_notes import UnplacedNotes
from lessonstudy.words import short

RUN_WIDTH = 6
NO_NOTES = "·"
CRITICAL = "!"


def judgement_badge(judgement: Judgement | None) -> Text:
    """The symbol in its colour, e.g. " + " on green; " · " when nothing was judged."""
    # Styled spans, not a base style: text appended after the badge stays plain.
    if judgement is None:
        return Text.assemble((f" {NO_NOTES} ", "dim"))
    return Text.assemble((f" {judgement.symbol} ", JUDGEMENT_STYLES[judgement]))


def judgement_counts(cell: EvidenceCell) -> str:
    """'2 as predicted, 1 better' - how many notes carry each judgement."""
    return cell.verdict.counts_words


def judgement_run(cell: EvidenceCell, width: int = RUN_WIDTH) -> Text:
    """One symbol per judged note ('==+'), scaled down to `width` when there are more."""
    counts = cell.judgements
    total = sum(counts.values())
    run = Text()
    if not total:
        return run
    scale = min(1.0, width / total)
    for judgement in JUDGEMENT_ORDER:
        if counts[judgement]:
            share = max(1, round(counts[judgement] * scale))
            run.append(judgement.symbol * share, style=JUDGEMENT_COLOURS[judgement])
    return run


def cell_text(cell: EvidenceCell, *, compact: bool = False) -> Text:
    """' = ==+ 3 !': the group's judgement (· while it has made none), one symbol per
    judged note, how many notes, and ! for a critical incident. Compact drops the
    run of symbols."""
    text = judgement_badge(cell.verdict.judgement)
    if cell.notes:
        if not compact:
            text.append(" ")
            text.append_text(judgement_run(cell))
        text.append(f" {len(cell.notes)}", style="dim")
    elif cell.prediction.strip():
        text.append(" -" if compact else " no notes", style="dim")
    else:
        text.append(" no pred." if compact else " no prediction", style="dim italic")
    if cell.critical:
        text.append(f" {CRITICAL}", style="bold")
    return text


LEGEND_WORDS = {
    Judgement.AS_PREDICTED: "as predicted",
    Judgement.BETTER: "better",
    Judgement.LESS: "less",
    Judgement.UNEXPECTED: "unexpected",
}


def legend() -> Text:
    """What the symbols mean, in one line: '= as predicted + better - less ...'."""
    text = Text()
    for judgement in JUDGEMENT_ORDER:
        text.append(judgement.symbol, style=JUDGEMENT_STYLES[judgement])
        text.append(f"{LEGEND_WORDS[judgement]} ")
    text.append(CRITICAL, style="bold reverse")
    text.append("critical")
    return text


def note_lines(notes: tuple[Observation, ...] | list[Observation]) -> Text:
    """Every observer's notes: time, who and the judgement (symbol and words), then
    what was seen on the next line.

    One Text, not a Rich Table: a busy cell has 150+ notes in a large study, and
    a Table is measured cell by cell on every layout (several times slower).
    """
    text = Text()
    for index, note in enumerate(notes):
        if index:
            text.append("\n")
        text.append(note.at.strftime("%H:%M"), style="dim")
        text.append(f"  {printable(note.observer)}  ")
        text.append_text(judgement_badge(note.judgement))
        if note.judgement is not None:
            text.append(f" {note.judgement.words}", style="italic")
        if note.critical:
            text.append(f"  {CRITICAL} critical incident", style="bold")
        text.append("\n    ")
        text.append(printable(note.text))
    return text


def stage_heading(row: EvidenceRow) -> str:
    minutes = f" ({row.stage.minutes} min)" if row.stage.minutes else ""
    return printable(f"Stage {row.number}: {row.stage.title or 'untitled'}{minutes}")


class Beside:
    """Two renderables side by side when there is room, else one above the other."""

    def __init__(self, left: RenderableType, right: RenderableType, min_width: int) -> None:
        self.left, self.right, self.min_width = left, right, min_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width < self.min_width:
            yield Group(self.left, self.right)
            return
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(ratio=2)
        table.add_column(ratio=3)
        table.add_row(self.left, self.right)
        yield table


SIDE_BY_SIDE_WIDTH = 90  # below this the prediction goes above the notes
LEGEND_HINT_WIDTH = 110


def cell_detail(row: EvidenceRow, label: str, *, with_class: bool = True) -> RenderableType:
    """The prediction beside what was seen, for one pupil at one stage."""
    cell = row.cells[label]
    # Styled spans (Text.assemble), so only the label is bold, not what follows it.
    predicted = Text.assemble(
        ("Predicted: ", "bold"), printable(cell.prediction.strip()) or "(no prediction written)"
    )
    left: list[RenderableType] = [predicted]
    if cell.changed_to is not None:
        when = f"{cell.changed_at:%d %b %H:%M}" if cell.changed_at else ""
        left.append(
            Text.assemble(
                (f"Changed after the lesson began ({when}): ", "bold dark_orange"),
                printable(cell.changed_to.strip()) or "(emptied)",
            )
        )
    if cell.observed.strip():
        observed = printable(cell.observed.strip())
        left.append(Text.assemble(("Observed (summary): ", "bold"), observed))
    group = Text.assemble(("The group's judgement: ", "bold"))
    if cell.group is not None:
        group.append_text(judgement_badge(cell.group))
        group.append(f" {cell.group.words}")
        group.append("  (= + - ? change it, Backspace takes it back)", "dim")
    else:
        group.append("none yet: = + - ? records it", "dim")
    left.append(group)
    right: list[RenderableType] = []
    if cell.notes:
        heading = Text.assemble((f"Notes ({len(cell.notes)}): ", "bold"))
        heading.append(judgement_counts(cell) or "none judged")
        right += [heading, note_lines(cell.notes)]
    else:
        right.append(Text("No observer's notes on this pupil at this stage.", style="dim"))
    parts: list[RenderableType] = [
        Text(stage_heading(row), style="bold underline"),
        Beside(Group(*left), Group(*right), SIDE_BY_SIDE_WIDTH),
    ]
    if with_class and row.class_notes:
        parts += [
            Text(f"The class / other pupils at this stage ({len(row.class_notes)}):", style="bold"),
            note_lines(row.class_notes),
        ]
    return Group(*parts)


def pupil_heading(study: Study | None, label: str) -> Text:
    pupil = study.pupil(label) if study else None
    text = Text(f"Pupil {label}", style="bold")
    if pupil and pupil.pseudonym:
        text.append(printable(f" - {pupil.pseudonym}"))
    if pupil and pupil.learner_group:
        text.append(printable(f" · typical of {pupil.learner_group}"), style="italic")
    return text


class EvidenceDetail(ScrollView, can_focus=True):
    """The chosen cell's prediction and notes, drawn line by line (virtualised).

    A busy cell in a large study has 150+ notes: wrapping them once per width
    and handing the compositor only the visible lines keeps the first step of
    the discussion as quick on 9,000 notes as on a hundred.
    """

    DEFAULT_CSS = """
    EvidenceDetail {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.content: RenderableType = Text("")
        self._lines: list[Strip] = []
        self._width = -1

    def update(self, content: RenderableType) -> None:
        self.content = content
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._wrap()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._wrap()

    def _wrap(self) -> None:
        """Wrap the content to the width once; render_line then only hands out lines."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize wraps
        console = self.app.console
        options = console.options.update_width(width)
        lines = console.render_lines(self.content, options, pad=False, new_lines=False)
        self._lines = [Strip(line).adjust_cell_length(width) for line in lines]
        self._width = width
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        if index >= len(self._lines) or width != self._width:
            return Strip.blank(width, self.rich_style)
        return self._lines[index].apply_style(self.rich_style)


# How the grid gives way when narrow, in order: stage titles cut to 15, then
# to 10, then the cells lose their run of symbols (compact). The run says how
# the observers' notes were judged, so it goes last.
GRID_FITS = ((15, False), (10, False), (10, True))


def row_label(row: EvidenceRow, title_width: int) -> Text:
    title = short(printable(row.stage.title) or "untitled", title_width)
    return Text(f"{row.number} {title}", no_wrap=True)


def grid_width(
    grid: EvidenceGrid, title_width: int, compact: bool, headers: dict[str, str] | None = None
) -> int:
    """Columns the grid takes: the stage labels, then each pupil (headed by `headers`,
    else the label). Each DataTable column has one cell of padding either side."""
    labels = max((row_label(row, title_width).cell_len for row in grid.rows), default=0)
    width = labels + 2
    for label in grid.labels:
        cells = [cell_text(row.cells[label], compact=compact).cell_len for row in grid.rows]
        header = headers.get(label, label) if headers else label
        width += max([Text(header).cell_len, *cells]) + 2
    return width


def pupil_header(label: str, pseudonym: str) -> Text:
    """A column's heading: the label, and the pseudonym where there is room."""
    text = Text(label, style="bold")
    if pseudonym.strip():
        text.append(f" {pseudonym.strip()}")
    return text


def grid_fit(grid: EvidenceGrid, width: int) -> tuple[int, bool]:
    """(stage title width, compact) for the first fit in GRID_FITS within `width`."""
    if width <= 0 or not grid.rows:
        return GRID_FITS[0]
    for title_width, compact in GRID_FITS:
        if grid_width(grid, title_width, compact) <= width:
            return title_width, compact
    return GRID_FITS[-1]


JUDGEMENT_KEYS = {judgement.symbol: judgement for judgement in Judgement}
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
    typing is never lost, nor taken as a command."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.judge: Callable[[Judgement | None], None] | None = None
        self.type_into: Callable[[events.Key], None] | None = None
        # A point began here: every key until the grid has the focus again is the
        # point's (Enter adds it, Backspace edits it), in the order typed.
        self._typing = False

    def on_focus(self) -> None:
        self._typing = False

    async def _on_key(self, event: events.Key) -> None:
        char = event.character
        if self._typing and self.type_into is not None:
            event.stop()
            event.prevent_default()
            self.type_into(event)
            return
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
            self.judge(JUDGEMENT_KEYS.get(char or ""))
            return
        if event.is_printable and char and self.type_into is not None:
            event.stop()
            event.prevent_default()
            self._typing = True
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
    ) -> None:
        """`pseudonyms` given: each column is headed by label and pseudonym ("K Kit")."""
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        for label in grid.labels:
            self.add_column(pupil_header(label, (pseudonyms or {}).get(label, "")), key=label)
        for row in grid.rows:
            self.add_row(
                *(cell_text(row.cells[label], compact=compact) for label in grid.labels),
                key=str(row.number),
                label=row_label(row, title_width),
            )
        if grid.rows and grid.labels:
            self.cursor_coordinate = Coordinate(
                min(cursor.row, len(grid.rows) - 1), min(cursor.column, len(grid.labels) - 1)
            )


class EvidenceView(Vertical):
    """The grid, its legend, and the detail of the chosen cell."""

    DEFAULT_CSS = """
    EvidenceView {
        height: 1fr;
    }
    EvidenceView > #evidence-legend {
        height: auto;
        color: $text-muted;
    }
    EvidenceView > #evidence-detail {
        height: 1fr;
        min-height: 4;
        border-top: solid $primary-darken-2;
    }
    EvidenceView > #evidence-empty {
        color: $text-muted;
    }
    EvidenceView > #unplaced-title {
        height: auto;
        color: $text-warning;
    }
    """

    BINDINGS = [
        # Not a letter: letters typed here are the recorder's point.
        Binding(
            "f3",
            "toggle_all_stages",
            "All stages",
            id="evidence.all_stages",
            tooltip="Show the pupil's prediction and notes for every stage, or only this one",
        ),
    ]

    class CellChosen(Message):
        """The cursor moved to a pupil at a stage."""

        def __init__(self, view: EvidenceView, stage_number: int, label: str) -> None:
            super().__init__()
            self.view = view
            self.stage_number = stage_number
            self.label = label

        @property
        def control(self) -> EvidenceView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.grid: EvidenceGrid | None = None
        self.study: Study | None = None
        self.all_stages = False
        self.chosen: tuple[int, str] | None = None  # (stage number, pupil label)
        self.compact = False
        # (stage title width, compact, pseudonyms in the headings) the grid is drawn with
        self.fit: tuple[int, bool, bool] = (*GRID_FITS[0], False)
        self._shown: tuple[EvidenceGrid, int, str, bool] | None = None  # what the detail shows

    def compose(self) -> ComposeResult:
        yield Static("", id="evidence-empty")
        yield EvidenceTable(id="evidence-table", cursor_type="cell", zebra_stripes=True)
        yield Static(legend(), id="evidence-legend")
        yield Static("", id="unplaced-title")
        yield UnplacedNotes(id="evidence-unplaced")
        yield EvidenceDetail(id="evidence-detail")

    @property
    def table(self) -> EvidenceTable:
        return self.query_one(EvidenceTable)

    def show(self, grid: EvidenceGrid, study: Study | None = None) -> None:
        self.grid, self.study = grid, study
        empty = self.query_one("#evidence-empty", Static)
        has_notes = any(cell.notes for row in grid.rows for cell in row.cells.values())
        if not grid.rows:
            empty.update(f"RL{grid.lesson} has no stages in its plan yet: nothing to compare.")
        elif not has_notes:
            empty.update("No observation notes yet for this lesson.")
        empty.display = not (grid.rows and has_notes)
        self.table.display = bool(grid.rows)
        self.fit = self._fit()
        title_width, self.compact, named = self.fit
        self.table.show(
            grid,
            compact=self.compact,
            title_width=title_width,
            pseudonyms=self._pseudonyms() if named else None,
        )
        self._show_unplaced()
        self._show_detail()

    def _show_unplaced(self) -> None:
        grid = self.grid
        unplaced = list(grid.unplaced) if grid else []
        title = self.query_one("#unplaced-title", Static)
        listing = self.query_one(UnplacedNotes)
        title.display = listing.display = bool(unplaced)
        if not unplaced or grid is None:
            return
        pupils = {p.label: p.pseudonym for p in self.study.pupils} if self.study else {}
        title.update(
            Text.assemble(
                (
                    f"In no stage ({len(unplaced)} note{'s' if len(unplaced) != 1 else ''}): ",
                    "bold",
                ),
                "taken before the first stage or after the end. Tab to the list; "
                "a digit places the note in that stage.",
            )
        )
        listing.show(unplaced, pupils, len(grid.rows))

    def cell_at_cursor(self) -> tuple[int, str] | None:
        """(stage number, pupil label) under the cursor now. Not `chosen`: that follows
        the table's highlight message, a moment behind keys typed in a burst."""
        grid = self.grid
        if grid is None or not grid.rows or not grid.labels:
            return None
        coordinate = self.table.cursor_coordinate
        row = grid.rows[min(coordinate.row, len(grid.rows) - 1)]
        return row.number, grid.labels[min(coordinate.column, len(grid.labels) - 1)]

    def update(self, grid: EvidenceGrid) -> None:
        """The same lesson with new evidence (a judgement, a note placed): only the
        cells that changed are redrawn, so the cursor and the keys typed meanwhile
        are kept (a rebuilt table drops arrow keys pressed while it fills)."""
        old = self.grid
        if old is None or [r.stage.id for r in old.rows] != [r.stage.id for r in grid.rows]:
            self.show(grid, self.study)
            return
        if old.labels != grid.labels or self._fit() != self.fit:
            self.show(grid, self.study)
            return
        self.grid = grid
        for before, after in zip(old.rows, grid.rows, strict=True):
            for label in grid.labels:
                text = cell_text(after.cells[label], compact=self.compact)
                if text != cell_text(before.cells[label], compact=self.compact):
                    self.table.update_cell(str(after.number), label, text)
        self._show_unplaced()
        self._show_detail()

    def _pseudonyms(self) -> dict[str, str]:
        return {p.label: p.pseudonym for p in self.study.pupils} if self.study else {}

    def _fit(self) -> tuple[int, bool, bool]:
        """Keep every pupil in view: measured from the cells themselves, since a grid
        a few columns too wide gets a horizontal scrollbar that hides the last pupil
        and takes a line of its own. Pseudonyms head the columns where they fit at
        the roomiest size ("K Kit" reads as a person, "K" as a letter)."""
        if self.grid is None or not self.grid.labels:
            return (*GRID_FITS[0], False)
        pseudonyms = self._pseudonyms()
        headers = {
            label: f"{label} {pseudonyms[label].strip()}"
            for label in self.grid.labels
            if pseudonyms.get(label, "").strip()
        }
        title_width, compact = GRID_FITS[0]
        if headers and grid_width(self.grid, title_width, compact, headers) <= self.size.width:
            return (title_width, compact, True)
        return (*grid_fit(self.grid, self.size.width), False)

    def on_resize(self) -> None:
        if self.grid is not None and self._fit() != self.fit:
            self.show(self.grid, self.study)
        # Where there is room, the legend says how the group records its judgement.
        text = legend()
        if self.size.width >= LEGEND_HINT_WIDTH:
            text.append("  ·  first symbol: the group's judgement (= + - ? on a cell)", "italic")
        self.query_one("#evidence-legend", Static).update(text)

    @on(DataTable.CellHighlighted, "#evidence-table")
    def _cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._show_detail()
        if self.chosen:
            self.post_message(self.CellChosen(self, *self.chosen))

    def action_toggle_all_stages(self) -> None:
        self.all_stages = not self.all_stages
        self._show_detail()

    def _show_detail(self) -> None:
        text = self.query_one(EvidenceDetail)
        grid = self.grid
        if grid is None or not grid.rows or not grid.labels:
            self.chosen = self._shown = None
            text.update("")
            return
        coordinate = self.table.cursor_coordinate
        row_index = min(coordinate.row, len(grid.rows) - 1)
        label = grid.labels[min(coordinate.column, len(grid.labels) - 1)]
        row = grid.rows[row_index]
        self.chosen = (row.number, label)
        # The table announces its cursor after every refill: draw each detail once.
        shown = (grid, row.number, label, self.all_stages)
        if self._shown is not None and self._shown[0] is grid and shown[1:] == self._shown[1:]:
            return
        self._shown = shown
        parts: list[RenderableType] = [pupil_heading(self.study, label)]
        if self.all_stages:
            for each in grid.rows:
                parts += [cell_detail(each, label, with_class=False), Text("")]
        else:
            parts.append(cell_detail(row, label))
        # Notes taken before the first stage was marked (or on a stage since taken
        # out of the plan) belong to no row: show them with the pupil, not lose them.
        unplaced = [note for note in grid.unplaced if note.about == label]
        if unplaced:
            parts += [
                Text(""),
                Text(f"Notes on this pupil in no stage ({len(unplaced)}):", style="bold"),
                note_lines(unplaced),
            ]
        text.update(Group(*parts))
