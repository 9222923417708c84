"""The evidence grid's detail: the highlighted cell's prediction beside what was seen."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from lessonstudy.model import Study
from lessonstudy.printable import printable
from lessonstudy.process import EvidenceRow
from lessonstudy.tui.widgets.evidence_grid.cells import (
    judgement_badge,
    judgement_counts,
    note_lines,
    stage_heading,
)


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

    def update(self, content: RenderableType, *, keep_scroll: bool = False) -> None:
        """Show `content` from its top; with `keep_scroll` (the same cell with a note
        more), where the reader is."""
        self.content = content
        if not keep_scroll:
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
