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

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from lessonstudy.model import OPEN_HOUSE_LESSON, Observation, Study
from lessonstudy.process import EvidenceGrid
from lessonstudy.tui.widgets.evidence_grid.cells import CellTexts, legend, note_lines
from lessonstudy.tui.widgets.evidence_grid.detail import (
    LEGEND_HINT_WIDTH,
    EvidenceDetail,
    cell_detail,
    pupil_heading,
)
from lessonstudy.tui.widgets.evidence_grid.table import (
    GRID_FITS,
    EvidenceTable,
    grid_fit,
    grid_width,
)
from lessonstudy.tui.widgets.unplaced_notes import UnplacedNotes


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
        # What the detail shows: where (stage, pupil, all stages) and the cells drawn.
        self._shown: tuple[tuple[int, str, bool], object] | None = None
        self._texts = CellTexts()  # following `grid`
        # The notes in no stage as listed: (the grid's, pseudonyms, stages).
        self._unplaced_shown: tuple[tuple[Observation, ...], dict[str, str], int] | None = None

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
            name = "The open house" if grid.lesson == OPEN_HOUSE_LESSON else f"RL{grid.lesson}"
            empty.update(f"{name} has no stages in its plan yet: nothing to compare.")
        elif not has_notes:
            empty.update("No observation notes yet for this lesson.")
        empty.display = not (grid.rows and has_notes)
        self.table.display = bool(grid.rows)
        self._texts.follow(grid)
        self.fit = self._fit()
        title_width, self.compact, named = self.fit
        self.table.show(
            grid,
            compact=self.compact,
            title_width=title_width,
            pseudonyms=self._pseudonyms() if named else None,
            texts=self._texts,
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
            self._unplaced_shown = None
            return
        pupils = {p.label: p.pseudonym for p in self.study.pupils} if self.study else {}
        shown, before = (grid.unplaced, pupils, len(grid.rows)), self._unplaced_shown
        if before is not None and before[0] is grid.unplaced and before[1:] == shown[1:]:
            return  # the same notes (a grid brought up to date keeps them): listed as they are
        self._unplaced_shown = shown
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
        are kept (a rebuilt table drops arrow keys pressed while it fills). A cell
        that is the same object as before is the same cell: its text is not made
        again (grids brought up to date keep those, see `CellTexts`)."""
        old = self.grid
        if (
            old is None
            or [r.stage.id for r in old.rows] != [r.stage.id for r in grid.rows]
            or old.labels != grid.labels
        ):
            self.show(grid, self.study)
            return
        self.grid = grid
        new = self._texts.follow(grid)
        if self._fit() != self.fit:
            self.show(grid, self.study)
            return
        for number, label in new:
            text = self._texts.text(number, label, compact=self.compact)
            if text != self.table.get_cell(str(number), label):
                self.table.update_cell(str(number), label, text)
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
        width = self.size.width
        if headers and grid_width(self.grid, title_width, compact, headers, self._texts) <= width:
            return (title_width, compact, True)
        return (*grid_fit(self.grid, width, self._texts), False)

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
        # The table announces its cursor after every refill, and other observers'
        # notes refresh the grid while the group reads: draw the detail again only
        # if what it shows changed (wrapping a busy cell's notes is the slow part),
        # and keep the reader's place in it when it is the same cell.
        heading = pupil_heading(self.study, label)
        unplaced = tuple(note for note in grid.unplaced if note.about == label)
        where = (row.number, label, self.all_stages)
        if self.all_stages:
            rows = tuple((each.number, each.stage, each.cells[label]) for each in grid.rows)
            cells: object = (heading.plain, rows, unplaced)
        else:
            cells = (heading.plain, row.stage, row.cells[label], row.class_notes, unplaced)
        if self._shown == (where, cells):
            return
        same_place = self._shown is not None and self._shown[0] == where
        self._shown = (where, cells)
        parts: list[RenderableType] = [heading]
        if self.all_stages:
            for each in grid.rows:
                parts += [cell_detail(each, label, with_class=False), Text("")]
        else:
            parts.append(cell_detail(row, label))
        # Notes taken before the first stage was marked (or on a stage since taken
        # out of the plan) belong to no row: show them with the pupil, not lose them.
        if unplaced:
            parts += [
                Text(""),
                Text(f"Notes on this pupil in no stage ({len(unplaced)}):", style="bold"),
                note_lines(unplaced),
            ]
        text.update(Group(*parts), keep_scroll=same_place)
