"""Each case pupil's journey across the research lessons, RL1 to RL3.

One row per pupil, one column per lesson; each cell is a short bar of
judgement symbols in their colours (scaled to the notes), with the counts
written underneath, so the picture reads without colour too.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from lessonstudy.model import CasePupil, Study
from lessonstudy.process import JourneyPoint, pupil_journey
from lessonstudy.tui.widgets.evidence_grid import CRITICAL, JUDGEMENT_ORDER, legend
from lessonstudy.tui.widgets.judgement_style import JUDGEMENT_STYLES

BAR_WIDTH = 10
NAME_WIDTH = 12  # columns kept for a pupil's label and pseudonym


def journey_bar(point: JourneyPoint, most: int) -> Text:
    """Symbols in proportion to the judged notes; `most` is the largest count shown."""
    total = sum(point.judgements.values())
    if not total:
        return Text("no notes" if not point.notes else f"{point.notes} unjudged", style="dim")
    width = max(1, round(BAR_WIDTH * total / most)) if most else 1
    bar = Text()
    used = 0
    for index, judgement in enumerate(JUDGEMENT_ORDER):
        count = point.judgements[judgement]
        if not count:
            continue
        remaining = [j for j in JUDGEMENT_ORDER[index + 1 :] if point.judgements[j]]
        share = max(1, round(width * count / total))
        if not remaining:
            share = max(1, width - used)
        bar.append(judgement.symbol * share, style=JUDGEMENT_STYLES[judgement])
        used += share
    return bar


def journey_counts(point: JourneyPoint) -> Text:
    counts = point.judgements
    # "=5 +4 ?1 !1": tight enough that three lessons fit beside the names at 80 columns.
    text = Text(" ".join(f"{j.symbol}{counts[j]}" for j in JUDGEMENT_ORDER if counts[j]))
    if point.critical:
        text.append(f" {CRITICAL}{point.critical}", style="bold")
    return text


def pupil_name(pupil: CasePupil) -> Text:
    name = Text(pupil.label, style="bold")
    if pupil.pseudonym:
        name.append(f" {pupil.pseudonym}")
    return name


def journeys_table(study: Study) -> Table:
    journeys = {pupil.label: pupil_journey(study, pupil.label) for pupil in study.pupils}
    most = max(
        (sum(p.judgements.values()) for points in journeys.values() for p in points), default=0
    )
    table = Table(box=None, padding=(0, 1), expand=False, show_edge=False)
    names = {pupil.label: pupil_name(pupil) for pupil in study.pupils}
    # The names never give way: without them the rows cannot be told apart. When
    # the chart is narrow, the lessons' counts are cut short instead.
    name_width = min(NAME_WIDTH, max((name.cell_len for name in names.values()), default=5))
    table.add_column("Pupil", no_wrap=True, min_width=name_width, max_width=NAME_WIDTH)
    for lesson in study.lessons:
        table.add_column(f"RL{lesson.number}", no_wrap=True, overflow="ellipsis")
    for pupil in study.pupils:
        name = names[pupil.label]
        cells: list[RenderableType] = [
            Group(journey_bar(point, most), journey_counts(point))
            for point in journeys[pupil.label]
        ]
        table.add_row(name, *cells)
    return table


class PupilJourneyChart(Static):
    """The case pupils' journeys as a small chart; call `show(study)` to draw it."""

    DEFAULT_CSS = """
    PupilJourneyChart {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, study: Study) -> None:
        if not study.pupils:
            self.update(Text("No case pupils yet.", style="dim"))
            return
        title = Text("Each case pupil across the lessons", style="bold")
        self.update(Group(title, journeys_table(study), Text(""), legend()))
