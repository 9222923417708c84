"""The write-up step: preview the report, handout or poster, and export it.

Pick the kind and the format, read the write-up a section at a time (the
Markdown widget takes seconds for a whole report, so it is only ever given one
section, chosen from the list on the left), and export: the file is written
next to the study file (`fractions-report.html` ...), in a worker thread so
the screen never stalls on a large Word file.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Markdown, OptionList, Select
from textual.widgets.option_list import Option

from lessonstudy import report
from lessonstudy.errors import LessonStudyError
from lessonstudy.process import StepKind
from lessonstudy.report.sections import Section, split_sections
from lessonstudy.store import StudyFile
from lessonstudy.tui.live import StudyChanged

KIND_NAMES = {"report": "Report", "handout": "Open-house handout", "poster": "Poster"}
FORMAT_NAMES = {"html": "HTML, to print", "md": "Markdown", "docx": "Word"}


# A section shorter than this (the title on its own, a heading over a line or
# two) runs on into the next ones, so the preview is never a lone heading.
SHORT_SECTION_CHARS = 400


def preview_markdown(sections: list[Section], index: int) -> str:
    """The chosen section, followed by the next ones while it is still short."""
    text = sections[index].markdown
    following = index + 1
    while len(text) < SHORT_SECTION_CHARS and following < len(sections):
        text = text.rstrip("\n") + "\n\n" + sections[following].markdown
        following += 1
    return text


def preview_parser() -> MarkdownIt:
    # The write-up's own parser settings: no raw HTML, no links made from typed text.
    return MarkdownIt("js-default")


class WriteUpScreen(Screen[None]):
    """Preview and export the write-ups of the open study."""

    HELP_STEP = StepKind.WRITE_UP
    CSS_PATH = "writeup.tcss"
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", id="writeup.export"),
        Binding("f2", "next_kind", "Kind", id="writeup.kind"),
        Binding("f3", "next_format", "Format", id="writeup.format"),
        Binding("f5", "refresh_preview", "Refresh", id="writeup.refresh"),
        Binding("escape", "back", "Study map", id="writeup.back"),
    ]

    def __init__(self, study_file: StudyFile) -> None:
        super().__init__()
        self.study_file = study_file
        self.kind = "report"
        self.fmt = "html"
        self.sections: list[Section] = []
        self.exported: Path | None = None
        self._out_of_date = False  # the study changed while another screen was in front

    def compose(self) -> ComposeResult:
        with Horizontal(id="writeup-choices"):
            yield Label("Write-up")
            yield Select(
                [(name, kind) for kind, name in KIND_NAMES.items()],
                value=self.kind,
                allow_blank=False,
                id="writeup-kind",
            )
            yield Label("Format")
            yield Select(
                [(name, fmt) for fmt, name in FORMAT_NAMES.items()],
                value=self.fmt,
                allow_blank=False,
                id="writeup-format",
            )
        with Horizontal(id="writeup-body"):
            yield OptionList(id="writeup-sections")
            with VerticalScroll(id="writeup-preview"):
                yield Markdown(parser_factory=preview_parser, open_links=False)
        yield Label("", id="writeup-status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_write_up()
        self.query_one("#writeup-sections", OptionList).focus()

    # ------------------------------------------------------------------ preview

    def show_write_up(self, keep_section: bool = False) -> None:
        """Render the chosen kind to Markdown and list its sections; show one."""
        sections_list = self.query_one("#writeup-sections", OptionList)
        chosen = sections_list.highlighted if keep_section else None
        try:
            markdown = report.render_markdown(self.study_file.load(), kind=self.kind)
        except LessonStudyError as error:
            self.notify(str(error), title="Cannot write this up", severity="error")
            return
        self.sections = split_sections(markdown)
        sections_list.clear_options()
        sections_list.add_options(
            Option(
                Text(("  " if s.level == 3 else "") + s.title, no_wrap=True, overflow="ellipsis"),
                id=f"section-{n}",
            )
            for n, s in enumerate(self.sections)
        )
        index = chosen if chosen is not None and chosen < len(self.sections) else 0
        if self.sections:
            sections_list.highlighted = index
            self.show_section(index)
        self.set_status()

    def show_section(self, index: int) -> None:
        if 0 <= index < len(self.sections):
            self.query_one(Markdown).update(preview_markdown(self.sections, index))
            self.query_one("#writeup-preview", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#writeup-sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_section(event.option_index)

    @on(Select.Changed, "#writeup-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.kind:
            self.kind = event.value
            self.show_write_up()

    @on(Select.Changed, "#writeup-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.fmt = event.value
            self.set_status()

    @on(StudyChanged)
    def _study_changed(self) -> None:
        # Rendering the whole write-up takes a moment on a big study: only for the
        # screen in front; one under another screen catches up when it is back.
        if self.is_current:
            self.show_write_up(keep_section=True)
        else:
            self._out_of_date = True

    def on_screen_resume(self) -> None:
        if self._out_of_date:
            self._out_of_date = False
            self.show_write_up(keep_section=True)

    def set_status(self, text: str | None = None) -> None:
        if text is None:
            target = report.default_name(self.study_file.path, self.kind, self.fmt)
            text = f"ctrl+e writes {target.name} next to the study file"
        self.query_one("#writeup-status", Label).update(text)

    # ------------------------------------------------------------------ actions

    def action_next_kind(self) -> None:
        kinds = list(report.KINDS)
        self.query_one("#writeup-kind", Select).value = kinds[
            (kinds.index(self.kind) + 1) % len(kinds)
        ]

    def action_next_format(self) -> None:
        formats = list(report.FORMATS)
        self.query_one("#writeup-format", Select).value = formats[
            (formats.index(self.fmt) + 1) % len(formats)
        ]

    def action_refresh_preview(self) -> None:
        self.show_write_up(keep_section=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        target = report.default_name(self.study_file.path, self.kind, self.fmt)
        self.set_status(f"Writing {target.name} ...")
        self.export(self.kind, self.fmt, target)

    @work(thread=True, exclusive=True, group="writeup-export")
    def export(self, kind: str, fmt: str, target: Path) -> None:
        try:
            # A read of its own: the study file's connection is not shared across threads.
            with StudyFile.open(self.study_file.path, read_only=True) as reader:
                study = reader.load()
            written = report.write_report(study, target, kind=kind, fmt=fmt)
        except LessonStudyError as error:
            self.app.call_from_thread(self._export_failed, str(error))
            return
        self.app.call_from_thread(self._exported, written)

    def _exported(self, written: Path) -> None:
        self.exported = written
        self.set_status(f"Wrote {written}")
        self.notify(f"Wrote {written}", title="Exported")

    def _export_failed(self, message: str) -> None:
        self.set_status(message)
        self.notify(message, title="Cannot export", severity="error")
