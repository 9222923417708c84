"""What the school's studies achieved: the impact summary on screen, and written out.

The same plain data as `lessonstudy impact` (archive/impact.py), in tables:
how faithfully the cycles were run, by subject and by year group, the case
pupils' progress by learner group, and every study. No teacher is rated;
pupils appear only as learner groups. F4 writes it as HTML or Word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from lessonstudy.archive.impact import build_impact
from lessonstudy.archive.index import Filters, StudyCard
from lessonstudy.errors import LessonStudyError
from lessonstudy.tui.screens.library import status_text
from lessonstudy.tui.widgets.footer import Footer

Data = dict[str, Any]
DEFAULT_NAME = "lesson-study-impact.html"


Column = str | tuple[str, int]  # a count's header, or a text's header and its share of the room


def _table(
    table_id: str, columns: list[Column], rows: list[list[str | Text]], spaced: bool = False
) -> Static:
    """A table to read, of typed text: every cell a Text, so nothing typed is read as
    markup. A Rich table in a Static rather than a DataTable: it fits the screen's width
    and grows to its full height, so the page scrolls as one (seen at 120x40 and 80x24:
    DataTables scrolled sideways, cutting "11 of 11" to "11 of 1", and each scrolled on
    its own inside the page). A count's column is as wide as its longest count or its
    header's longest word (so "96 of 120" never breaks; headers wrap by words); text
    columns share the rest by their shares and wrap. `spaced`: a blank line between rows
    of several lines."""
    table = Table(
        box=box.SIMPLE_HEAD,
        expand=True,
        show_edge=False,
        padding=0,  # the box's own space between columns is enough
        show_lines=spaced,
    )
    cells = [[cell if isinstance(cell, Text) else Text(cell) for cell in row] for row in rows]
    for n, column in enumerate(columns):
        if isinstance(column, str):
            widest = max((len(row[n].plain) for row in cells), default=0)
            word = max(len(w) for w in column.split())
            table.add_column(Text(column, style="bold"), width=max(widest, word))
        else:
            table.add_column(Text(column[0], style="bold"), ratio=column[1])
    for row in cells:
        table.add_row(*row)
    return Static(table, id=table_id, classes="impact-table")


# The counts of every faithfulness table; what they count sits under each row's name,
# so that at 80 columns the counts fit beside a name still readable.
FAITHFULNESS_HEADERS: list[Column] = [
    "Predictions before teaching",
    "Named observer for every pupil",
    "Interviews held",
    "Discussion within a day",
    "Changes carried",
]


def _studies(n: int) -> str:
    return f"{n} study" if n == 1 else f"{n} studies"


def _lessons(n: int) -> str:
    return f"{n} lesson taught" if n == 1 else f"{n} lessons taught"


def _with_unit(ratio: Data, unit: str) -> str:
    """ "23 of 34 lessons" (or "–" when there is nothing to count)."""
    return f"{ratio['text']} {unit}" if ratio["of"] else ratio["text"]


def _counts(r: Data) -> list[str]:
    return [
        r["predictions_before"]["text"],
        r["observer_cycles"]["text"],
        r["interview_cycles"]["text"],
        r["discussions_soon"]["text"],
        r["changes_carried"]["text"],
    ]


def _tally_row(name: str, r: Data) -> list[str | Text]:
    """A subject's or year group's row: its name over how many studies and lessons."""
    return [
        Text.assemble(name, "\n", (f"{_studies(r['studies'])}, {_lessons(r['cycles'])}", "dim")),
        *_counts(r),
    ]


class ImpactScreen(Screen[None]):
    """The impact summary of the studies the library shows (its filters applied)."""

    HELP_STEP = None
    CSS_PATH = "library.tcss"
    BINDINGS = [
        Binding("f4", "write", "Write it to a file", id="impact.write"),
        Binding("escape", "app.pop_screen", "Back to the library", id="impact.back"),
        Binding("ctrl+q", "app.quit", "Quit", id="impact.quit"),
    ]

    def __init__(
        self, studies: list[tuple[StudyCard, Data]], folder: Path, filters: Filters
    ) -> None:
        super().__init__()
        self.folder = folder
        self.filters = filters
        self.data = build_impact(studies, folder=str(folder), filters=filters)

    def compose(self) -> ComposeResult:
        data = self.data
        totals = data["totals"]
        title = Text.assemble(
            ("What the studies achieved", "bold"),
            "  ",
            (f"{totals['studies']} studies in {self.folder}", "dim"),
        )
        if data["filters"]:
            title.append(f" ({data['filters']})", style="dim")
        yield Static(title, classes="screen-title")
        with VerticalScroll(id="impact-body"):
            yield Static(self._glance(), id="impact-glance")
            # In the page, not under it: at 80x24 two fixed lines were a tenth of the screen.
            yield Static(
                "No teacher is rated: these are facts about how each group ran its cycles. "
                "F4 writes it all (with each study's practice and changes) as HTML or Word.",
                classes="hint",
            )
            yield Static("How faithfully the cycles were run", classes="section-title")
            yield _table(
                "impact-faithfulness",
                [("What makes a study worth trusting", 1), "Across the school"],
                [
                    [what, _with_unit(totals[key], unit)]
                    for what, key, unit in (
                        (
                            "Predictions written before teaching",
                            "predictions_before",
                            "predictions",
                        ),
                        ("Every case pupil had a named observer", "observer_cycles", "lessons"),
                        ("Case pupils with notes at every stage", "seen_every_stage", "pupils"),
                        ("Pupils interviewed after the lesson", "interview_cycles", "lessons"),
                        ("Discussion the same day or the next", "discussions_soon", "lessons"),
                        ("Agreed changes carried into the next plan", "changes_carried", "changes"),
                    )
                ],
            )
            yield Static("By subject", classes="section-title")
            yield _table(
                "impact-subjects",
                [("Subject", 1), *FAITHFULNESS_HEADERS],
                [_tally_row(r["name"], r) for r in data["by_subject"]],
                spaced=True,
            )
            yield Static("By year group", classes="section-title")
            yield _table(
                "impact-years",
                [("Year group", 1), *FAITHFULNESS_HEADERS],
                [_tally_row(r["name"], r) for r in data["by_year_group"]],
                spaced=True,
            )
            yield Static("Case pupils' progress, by learner group", classes="section-title")
            yield Static(
                "The group's own judgements against its predictions, in the first and last "
                "lesson taught; the observers' marks counted apart; end points the group wrote.",
                classes="hint",
            )
            yield _table(
                "impact-groups",
                [
                    ("Learner group", 26),
                    "Success criteria written",
                    ("The group's judgements\nfirst lesson", 24),
                    ("The group's judgements\nlast lesson", 24),
                    "End points written",
                ],
                [
                    [
                        Text.assemble(
                            g["name"],
                            "\n",
                            (f"{g['pupils']} case pupils in {_studies(g['studies'])}", "dim"),
                        ),
                        g["criteria"]["text"],
                        g["first"],
                        g["last"],
                        g["end_points"]["text"],
                    ]
                    for g in data["learner_groups"]
                ],
                spaced=True,
            )
            yield Static("The studies", classes="section-title")
            yield _table(
                "impact-studies",
                [
                    ("Study, its group, what was taught", 1),
                    *FAITHFULNESS_HEADERS,
                ],
                [
                    [
                        Text("\n").join(
                            [
                                Text(s["title"], style="bold"),
                                Text.assemble(
                                    ", ".join(
                                        x
                                        for x in (s["subject"], s["year_group"], s["school_year"])
                                        if x
                                    ),
                                    " ",
                                    status_text(s["status"]),
                                ),
                                Text(s["group"], style="dim"),
                                Text(_lessons(s["faithfulness"]["cycles"]), style="dim"),
                            ]
                        ),
                        *_counts(s["faithfulness"]),
                    ]
                    for s in data["studies"]
                ],
                spaced=True,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#impact-body").focus()

    def _glance(self) -> Text:
        totals = self.data["totals"]
        text = Text()
        if not totals["studies"]:
            text.append("No studies to sum up.")
            return text
        statuses = ", ".join(f"{s['count']} {s['status']}" for s in totals["statuses"])
        text.append(f"{totals['studies']} studies by {totals['teachers']} teachers: {statuses}. ")
        text.append(f"{totals['cycles']} research lessons taught.")
        return text

    def action_write(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self._write(path)

        self.app.push_screen(WriteImpactDialog(Path.cwd() / DEFAULT_NAME), chosen)

    @work(thread=True, exclusive=True, group="impact-write")
    def _write(self, path: Path) -> None:
        from lessonstudy.files import write_atomically
        from lessonstudy.report.impact import format_of, render_impact

        try:
            fmt = format_of(path, None)
            write_atomically(path, render_impact(self.data, fmt=fmt), what="impact summary")
        except LessonStudyError as error:
            self.app.call_from_thread(
                self.notify,
                str(error),
                title="Not written",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self.app.call_from_thread(
            self.notify, f"Wrote the impact summary to {path}", timeout=8, markup=False
        )


class WriteImpactDialog(ModalScreen[Path | None]):
    """Where to write the impact summary (.html or .docx)."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="impact-write.cancel")]

    def __init__(self, suggested: Path) -> None:
        super().__init__()
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Write the impact summary", classes="dialog-title")
            yield Static(
                "A file name ending .html (for a browser, prints on A4) or .docx (Word). "
                "Enter writes it; Esc cancels.",
                classes="hint",
            )
            yield Input(str(self.suggested), id="impact-path")
            with Horizontal(classes="buttons"):
                yield Button("Write", id="impact-write", variant="primary")
                yield Button("Cancel", id="impact-cancel")

    def on_mount(self) -> None:
        self.query_one("#impact-path").focus()

    @on(Input.Submitted, "#impact-path")
    @on(Button.Pressed, "#impact-write")
    def _write(self) -> None:
        typed = self.query_one("#impact-path", Input).value.strip()
        if typed:
            self.dismiss(Path(typed).expanduser())

    @on(Button.Pressed, "#impact-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
