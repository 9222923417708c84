"""The plan's grid: stages down, case pupils across, predictions in the cells.

A DataTable (virtualised, so a long plan stays fast). Missing predictions are
shown as "— missing —" in the warning colour, so the gaps read at a glance
with or without colour. A prediction copied from the previous plan and not yet
looked at again starts with ↻ (c keeps it as it is, Enter edits it); one
changed after the lesson began starts with ✎. The grid edits nothing itself:
it posts messages and the plan screen changes the plan.
"""

from __future__ import annotations

from uuid import UUID

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from lessonstudy.model import CasePupil, ResearchLesson
from lessonstudy.printable import printable

MISSING = "— missing —"
CARRIED_MARK = "↻ "  # copied from the previous plan, not looked at again yet
CHANGED_MARK = "✎ "  # changed after the lesson began
MAX_LINES = 3  # a cell shows at most this many lines; the editor shows it all
STAGE_COLUMN = "stage"
ASSESS_COLUMN = "assess"
ASSESS_TITLE = "How we'll assess"
ASSESS_SHORT = "How to assess"  # the column's heading when the screen is narrow


def clip(text: str, width: int, lines: int = MAX_LINES) -> str:
    """Shorten `text` to fit `lines` lines of `width` (the editor shows the whole)."""
    text = " ".join(text.split())
    limit = width * lines - 1
    return text if len(text) <= limit else text[: limit - 1] + "…"


class PredictionGrid(DataTable[Text]):
    """Stages down, case pupils across; Enter or e edits the cell under the cursor."""

    DEFAULT_CSS = """
    PredictionGrid {
        height: 1fr;
    }
    """

    HELP_WHERE = "in the stages grid"  # F1 lists the grid's keys from anywhere on the plan
    BINDINGS = [
        Binding("enter,e", "edit_cell", "Edit cell", id="grid.edit"),
        Binding("a", "add_stage", "Add stage", id="grid.add"),
        # Delete only, not "d": a teacher typing straight into the grid lost a stage.
        Binding("delete", "delete_stage", "Delete stage", id="grid.delete", show=False),
        Binding("shift+up,K", "move_stage(-1)", "Move stage up", id="grid.up", show=False),
        Binding("shift+down,J", "move_stage(1)", "Move stage down", id="grid.down", show=False),
        # Not in the footer (it must fit 80 columns): the status line above says "m".
        Binding("m", "next_missing", "Next missing", id="grid.missing", show=False),
        Binding("c", "confirm", "Keep as is", id="grid.confirm", show=False),
    ]

    class EditCell(Message):
        """Edit one cell: `column` is a pupil label, "stage" or "assess"."""

        def __init__(self, stage_index: int, column: str) -> None:
            super().__init__()
            self.stage_index = stage_index
            self.column = column

    class AddStage(Message):
        def __init__(self, after: int | None) -> None:
            super().__init__()
            self.after = after

    class DeleteStage(Message):
        def __init__(self, stage_index: int) -> None:
            super().__init__()
            self.stage_index = stage_index

    class ConfirmPrediction(Message):
        """Keep a carried-over prediction as it is, for this lesson."""

        def __init__(self, stage_index: int, column: str) -> None:
            super().__init__()
            self.stage_index = stage_index
            self.column = column

    class MoveStage(Message):
        def __init__(self, stage_index: int, delta: int) -> None:
            super().__init__()
            self.stage_index = stage_index
            self.delta = delta

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self._columns: list[str] = []
        self._stage_ids: list[UUID] = []
        self._header: tuple[object, ...] = ()
        self.pupil_width = 22
        self.side_width = 18  # the stage and the assessment columns

    def fit(self, width: int, pupils: int) -> None:
        """Size the columns so every pupil is in view (narrow screens: narrower sides)."""
        self.side_width = 18 if width >= 100 else 13
        # each column has 2 cells of padding; keep 2 for the scrollbar
        spare = width - 2 - 2 * (self.side_width + 2)
        self.pupil_width = max(10, min(36, spare // max(1, pupils) - 2))

    def show(self, lesson: ResearchLesson, pupils: list[CasePupil]) -> None:
        """Rebuild the grid from the plan, keeping the cursor where it was."""
        cursor = self.cursor_coordinate
        columns = [STAGE_COLUMN, *(p.label for p in pupils), ASSESS_COLUMN]
        names = [f"{pupil.label} {pupil.pseudonym}".strip() for pupil in pupils]
        header = (self.side_width, self.pupil_width, *names)  # a new pseudonym: new headings
        if columns != self._columns or header != self._header:
            self._header = header
            self.clear(columns=True)
            self.add_column("Stage", width=self.side_width, key=STAGE_COLUMN)
            for pupil, name in zip(pupils, names, strict=True):
                # Text, not str: a column heading given as a str is read as markup.
                self.add_column(Text(printable(name)), width=self.pupil_width, key=pupil.label)
            assess = ASSESS_TITLE if self.side_width >= len(ASSESS_TITLE) else ASSESS_SHORT
            self.add_column(assess, width=self.side_width, key=ASSESS_COLUMN)
            self._columns = columns
        else:
            self.clear()
        self._stage_ids = [stage.id for stage in lesson.stages]
        for number, stage in enumerate(lesson.stages, start=1):
            minutes = f" ({stage.minutes} min)" if stage.minutes else ""
            title = printable(stage.title) or "untitled"
            cells = [Text(clip(f"{number}. {title}{minutes}", self.side_width), style="bold")]
            for pupil in pupils:
                prediction = stage.predictions.get(pupil.label, "").strip()
                record = stage.record(pupil.label)
                if not prediction:
                    cells.append(Text(MISSING, style="bold dark_orange"))
                elif record.carried_from is not None:
                    cells.append(
                        Text(
                            clip(CARRIED_MARK + printable(prediction), self.pupil_width),
                            style="italic dim",
                        )
                    )
                elif record.changed_after_start:
                    cells.append(Text(clip(CHANGED_MARK + printable(prediction), self.pupil_width)))
                else:
                    cells.append(Text(clip(printable(prediction), self.pupil_width)))
            cells.append(Text(clip(printable(stage.assessment), self.side_width), style="italic"))
            self.add_row(*cells, height=None, key=str(stage.id))
        if not lesson.stages:
            self.add_row(
                Text("no stages yet", style="italic"),
                Text("press a to add the first stage", style="italic"),
                *[Text("") for _ in columns[2:]],
                height=None,
            )
        if self.row_count:
            row = min(cursor.row, self.row_count - 1)
            self.cursor_coordinate = Coordinate(row, min(cursor.column, len(columns) - 1))

    @property
    def stage_count(self) -> int:
        return len(self._stage_ids)

    def cursor_stage(self) -> int | None:
        row = self.cursor_coordinate.row
        return row if row < len(self._stage_ids) else None

    def cursor_column_name(self) -> str:
        """The pupil (or stage) column the cursor is in (DataTable's cursor_column: its number)."""
        return self._columns[self.cursor_coordinate.column] if self._columns else STAGE_COLUMN

    def move_to(self, stage_index: int, column: str) -> None:
        if column in self._columns and 0 <= stage_index < self.row_count:
            self.cursor_coordinate = Coordinate(stage_index, self._columns.index(column))

    # ------------------------------------------------------------------ actions

    def action_edit_cell(self) -> None:
        stage = self.cursor_stage()
        if stage is None:
            self.post_message(self.AddStage(None))
        else:
            self.post_message(self.EditCell(stage, self.cursor_column_name()))

    def action_add_stage(self) -> None:
        self.post_message(self.AddStage(self.cursor_stage()))

    def action_delete_stage(self) -> None:
        stage = self.cursor_stage()
        if stage is not None:
            self.post_message(self.DeleteStage(stage))

    def action_move_stage(self, delta: int) -> None:
        stage = self.cursor_stage()
        if stage is not None:
            self.post_message(self.MoveStage(stage, delta))

    def action_confirm(self) -> None:
        stage = self.cursor_stage()
        column = self.cursor_column_name()
        if stage is not None and column not in (STAGE_COLUMN, ASSESS_COLUMN):
            self.post_message(self.ConfirmPrediction(stage, column))

    def action_next_missing(self) -> None:
        """Jump to the next empty prediction after the cursor (wrapping round)."""
        pupils = self._columns[1:-1]
        cells = [(r, c) for r in range(self.stage_count) for c in range(1, len(pupils) + 1)]
        if not cells:
            return
        here = (self.cursor_coordinate.row, self.cursor_coordinate.column)
        ordered = [cell for cell in cells if cell > here] + [cell for cell in cells if cell <= here]
        for row, column in ordered:
            if self.get_cell_at(Coordinate(row, column)).plain == MISSING:
                self.cursor_coordinate = Coordinate(row, column)
                return
        self.notify("Every stage has a prediction for every case pupil.", timeout=3)
