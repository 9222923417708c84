"""The lesson clock: planned against actual minutes per stage, the current one ticking.

Rows come from `process.lesson_clock` (the lesson's one timeline: every
observer's screen shows the same clock); the running stage shows
minutes:seconds since it was marked, turning to the warning colour once it
runs past its planned minutes.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Static

from lessonstudy.model import now
from lessonstudy.printable import printable
from lessonstudy.process import ClockRow

TITLE_WIDTH = 16


def minutes_seconds(delta: dt.timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


class LessonClock(Static):
    DEFAULT_CSS = """
    LessonClock {
        width: 38;
        height: auto;
        padding: 0 1;
        border: round $primary 50%;
        border-title-color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Lesson clock"
        self._rows: list[ClockRow] = []
        self._current: int | None = None
        self._since: dt.datetime | None = None
        self._ended: dt.datetime | None = None

    def show(
        self,
        rows: list[ClockRow],
        current: int | None,
        since: dt.datetime | None,
        ended: dt.datetime | None = None,
    ) -> None:
        """`current`: 1-based number of the running stage; `since`: when it was marked."""
        self._rows = rows
        self._current = current
        self._since = since
        self._ended = ended
        if self.is_mounted:
            self.tick()

    def on_mount(self) -> None:
        self.tick()

    def tick(self) -> None:
        self.update(self.render_clock(now()))

    def render_clock(self, at: dt.datetime) -> Text:
        text = Text()
        text.append(f"  {'stage':<{TITLE_WIDTH}} plan  actual\n", "dim")
        planned_total = 0
        for row in self._rows:
            running = row.number == self._current
            title = printable(row.stage.title or f"Stage {row.number}")[:TITLE_WIDTH]
            plan = f"{row.planned_minutes}′" if row.planned_minutes is not None else "–"
            planned_total += row.planned_minutes or 0
            line_style = "bold" if running else ""
            text.append("▶" if running else " ", "bold")
            text.append(f"{row.number} {title:<{TITLE_WIDTH}} {plan:>4}  ", line_style)
            if running and self._since is not None:
                elapsed = at - self._since
                over = row.planned_minutes is not None and elapsed > dt.timedelta(
                    minutes=row.planned_minutes
                )
                text.append(minutes_seconds(elapsed), "bold dark_orange" if over else "bold")
            elif row.actual_minutes is not None:
                actual = round(row.actual_minutes)
                over = row.planned_minutes is not None and actual > row.planned_minutes
                text.append(f"{actual}′", "dark_orange" if over else "")
            text.append("\n")
        text.append(f"  {'planned in all':<{TITLE_WIDTH}} {planned_total:>3}′", "dim")
        if self._ended is not None:
            text.append(f"\n  ended {self._ended.astimezone():%H:%M}", "bold")
        return text
