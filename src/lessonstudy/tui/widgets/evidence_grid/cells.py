"""How one cell of the evidence grid reads: the judgements' badges and runs, its
notes, the legend."""

from __future__ import annotations

from rich.text import Text

from lessonstudy.model import Judgement, Observation
from lessonstudy.printable import printable
from lessonstudy.process import JUDGEMENT_ORDER, EvidenceCell, EvidenceGrid, EvidenceRow
from lessonstudy.tui.widgets.judgement_style import JUDGEMENT_COLOURS, JUDGEMENT_STYLES

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
    text = judgement_badge(cell.group)  # the verdict's judgement, without counting notes
    if cell.notes:
        if not compact:
            text.append(" ")
            text.append_text(judgement_run(cell))
        text.append(f" {len(cell.notes)}", style="dim")
    elif cell.prediction.strip():
        # Compact: a count of none, as the cells with notes show theirs; "-" read as the
        # judgement "less than predicted" (seen in a trial at 80 columns).
        text.append(" 0" if compact else " no notes", style="dim")
    else:
        text.append(" no pred." if compact else " no prediction", style="dim italic")
    if cell.critical:
        text.append(f" {CRITICAL}", style="bold")
    return text


class CellTexts:
    """The text of each cell of a grid (`cell_text`), made once per cell.

    A cell's text counts its notes' judgements (a busy cell of a large study has
    thousands of notes), and a grid is measured at each fit and compared with the one
    shown whenever it changes: about once a second while observers write. A grid
    brought up to date (`usecases.note_updates.grid_with_new_notes`,
    `process.with_judgements`) keeps each cell that did not change as the same
    object, so only the cells that did are made anew."""

    def __init__(self, grid: EvidenceGrid | None = None) -> None:
        # (stage number, label) -> the cell, and its text by compact
        self._held: dict[tuple[int, str], tuple[EvidenceCell, dict[bool, Text]]] = {}
        if grid is not None:
            self.follow(grid)

    def follow(self, grid: EvidenceGrid) -> list[tuple[int, str]]:
        """Take `grid`'s cells: the places (stage number, label) whose cell is new."""
        held, self._held = self._held, {}
        new = []
        for row in grid.rows:
            for label, cell in row.cells.items():
                place = (row.number, label)
                kept = held.get(place)
                if kept is None or kept[0] is not cell:
                    kept = (cell, {})
                    new.append(place)
                self._held[place] = kept
        return new

    def text(self, number: int, label: str, *, compact: bool = False) -> Text:
        """The text of the cell of `label` at stage `number`, as `cell_text` makes it."""
        cell, texts = self._held[(number, label)]
        text = texts.get(compact)
        if text is None:
            text = texts[compact] = cell_text(cell, compact=compact)
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
