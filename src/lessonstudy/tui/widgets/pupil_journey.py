"""Each case pupil's journey across the research lessons, RL1 to RL3.

One row per pupil, one column per lesson. Each cell shows first the group's
own judgements, stage by stage ("=+-·=+": one symbol per stage, · where the
group made none), then the observers' notes counted ("=5 +4 ?1"): the same
cell verdicts as the discussion grid and the report (`process.cell_verdict`),
never a verdict worked out from the counts.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from lessonstudy.model import CasePupil, Study
from lessonstudy.printable import printable
from lessonstudy.process import JUDGEMENT_ORDER, JourneyPoint, pupil_journeys
from lessonstudy.tui.widgets.evidence_grid import CRITICAL, legend
from lessonstudy.tui.widgets.judgement_style import JUDGEMENT_STYLES

NAME_WIDTH = 12  # columns kept for a pupil's label and pseudonym


def group_line(point: JourneyPoint) -> Text:
    """The group's judgements stage by stage: '=+-·' (· where it made none)."""
    text = Text()
    for judgement in point.group_judgements:
        if judgement is None:
            text.append("·", "dim")
        else:
            text.append(judgement.symbol, JUDGEMENT_STYLES[judgement])
    return text


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
        name.append(printable(f" {pupil.pseudonym}"))
    return name


def journeys_table(study: Study) -> Table:
    journeys = pupil_journeys(study)
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
            Group(group_line(point), journey_counts(point)) for point in journeys[pupil.label]
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
        self.update(journeys_chart(study))


def journeys_chart(study: Study) -> RenderableType:
    """What `PupilJourneyChart` shows; made from every note of the study, so a
    screen makes it in a worker thread and shows it with `update`."""
    if not study.pupils:
        return Text("No case pupils yet.", style="dim")
    title = Text("Each case pupil across the lessons", style="bold")
    how = Text(
        "Top: the group's judgement at each stage (· not judged). "
        "Below: the observers' notes counted.",
        style="dim",
    )
    return Group(title, how, journeys_table(study), Text(""), legend())
