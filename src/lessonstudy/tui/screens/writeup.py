"""The write-up step: preview and export the report, handout, poster or slides.

Three tabs. The preview: pick the kind and the format, read the write-up a
section at a time (the Markdown widget takes seconds for a whole report, so
it is only ever given one section, chosen from the list on the left), and
export: the file is written next to the study file (`fractions-report.html`
...), in a worker thread so the screen never stalls on a large Word file.
The case report: what the report needs that no other step asks for (who
might find it useful, the context, the group's experience, what it decided
against, references). The private words: pupils' real names and other words
that must never leave the study file. Every write-up is checked against them:
the preview lists each hit and where it is, and export refuses until the
text is changed or the group exports with the pseudonym put in instead.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import NamedTuple

from markdown_it import MarkdownIt
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Label,
    Markdown,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.option_list import Option

from lessonstudy import report
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import PrivateWord, PrivateWords
from lessonstudy.printable import printable
from lessonstudy.process import StepKind
from lessonstudy.report import guard
from lessonstudy.report.sections import Section, split_sections
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.background import BackgroundRead
from lessonstudy.tui.live import StudyChanged, in_front
from lessonstudy.tui.plain import plain, plain_text
from lessonstudy.tui.screens.editing import EditingScreen
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.save_status import SaveStatus

FORMAT_NAMES = {
    "html": "HTML, to print",
    "md": "Markdown",
    "docx": "Word",
    "pptx": "PowerPoint",
    "csv": "CSV (every note)",
}
COMPACT_FOOTER_BELOW = 120  # terminal columns
CASE_REPORT_FIELDS = (
    ("useful_for", "Who might find this report useful"),
    ("context", "The context: the school, its community, the department"),
    ("group_experience", "The group and its experience of lesson study"),
    ("decided_against", "What we considered and decided against, and why"),
)


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


def words_of(private: PrivateWords, pupil: str) -> str:
    return "\n".join(w.text for w in private.words if w.pupil == pupil)


def set_words(private: PrivateWords, pupil: str, text: str) -> None:
    """Replace the words kept for one pupil ("" for anyone else), one a line."""
    kept = [w for w in private.words if w.pupil != pupil]
    typed = [PrivateWord(line.strip(), pupil) for line in text.splitlines() if line.strip()]
    private.words = kept + typed


class PreviewAsked(NamedTuple):
    """A preview asked for: the worker renders the latest one asked."""

    turn: int  # the user's request it follows (another process's change keeps it)
    kind: str
    private: PrivateWords  # as they are now (they are edited here)
    chosen: int | None  # the section to show again


class Preview(NamedTuple):
    """A preview rendered by the worker, or why it could not be."""

    asked: PreviewAsked
    sections: list[Section]
    hits: list[guard.Hit]
    problem: str = ""


class WriteUpScreen(EditingScreen):
    """Preview and export the write-ups of the open study; the case report's own
    fields; the private words every write-up is checked against."""

    HELP_STEP = StepKind.WRITE_UP
    CSS_PATH = "writeup.tcss"
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", id="writeup.export"),
        Binding(
            "ctrl+k",
            "export_masked",
            "Export masked",
            id="writeup.export_masked",
            tooltip="Export with each private word replaced by the pupil's pseudonym",
        ),
        Binding("f2", "next_kind", "Kind", id="writeup.kind"),
        Binding("f3", "next_format", "Format", id="writeup.format"),
        Binding(
            "f5", "refresh_preview", "Refresh", id="writeup.refresh", show=False
        ),  # the preview follows the study by itself: the key is for the palette and F1
        # The tabs' keys are in the tabs' names, so the footer fits 80 columns.
        Binding("f6", "tab('preview')", "Preview", id="writeup.preview", priority=True, show=False),
        Binding("f7", "tab('case')", "Fields", id="writeup.case", priority=True, show=False),
        Binding("f8", "tab('private')", "Private", id="writeup.private", priority=True, show=False),
        Binding("escape", "back", "Study map", id="writeup.back"),
    ]

    def __init__(self, study_file: StudyFile) -> None:
        super().__init__(study_file)
        self.kind = "report"
        self.fmt = "html"
        self.sections: list[Section] = []
        self.hits: list[guard.Hit] = []
        self.exported: Path | None = None
        self._preview_turn = 0  # the user's latest preview asked for (a worker renders it)
        self._asked: PreviewAsked | None = None
        # One rendering at a time, resting after each while others keep writing: each
        # change started one before, and 20 notes in a second at 90,000 notes ran seven
        # at once and held the keys for 1.8 s.
        self._reader = BackgroundRead(
            self, self._render_preview, self._show_preview, name="writeup-preview"
        )
        self._out_of_date = False  # the study changed while another screen was in front
        self.overview = self.document(documents.OVERVIEW)
        self.private = self.document(documents.PRIVATE_WORDS)
        self.pupils = study_file.load(notes=False).pupils
        for name, _label in CASE_REPORT_FIELDS:
            self.bind_attribute(f"case-{name}", self.overview, name)
        self.bind_attribute(
            "case-references",
            self.overview,
            "references",
            parse=lambda text: [line.strip() for line in text.splitlines() if line.strip()],
            show="\n".join,
        )
        for label in [p.label for p in self.pupils] + [""]:
            self.bind_field(
                f"private-{label or 'other'}",
                self.private,
                lambda w, label=label: words_of(w, label),
                lambda w, v, label=label: set_words(w, label, v),
            )

    def compose(self) -> ComposeResult:
        with Horizontal(id="writeup-header"):
            yield Static(Text("Write-up", style="bold"), id="writeup-title")
            yield SaveStatus()
        with TabbedContent(initial="preview"):
            with TabPane("F6 Preview", id="preview"):
                with Horizontal(id="writeup-choices"):
                    yield Label("Write-up")
                    yield Select(
                        [(name, kind) for kind, name in report.KIND_LABELS.items()],
                        value=self.kind,
                        allow_blank=False,
                        id="writeup-kind",
                    )
                    yield Label("Format")
                    yield Select(
                        self._format_options(),
                        value=self.fmt,
                        allow_blank=False,
                        id="writeup-format",
                    )
                yield Static("", id="writeup-hits")
                with Horizontal(id="writeup-body"):
                    yield OptionList(id="writeup-sections")
                    with VerticalScroll(id="writeup-preview"):
                        yield Markdown(parser_factory=preview_parser, open_links=False)
                yield Label("", id="writeup-status")
            with TabPane("F7 Report fields", id="case"), VerticalScroll(classes="form"):
                yield Static(
                    "What a case report needs that no other step asks for. The key points, "
                    "where each pupil ended and how the work was shared are with the findings.",
                    classes="hint",
                )
                for name, label in CASE_REPORT_FIELDS:
                    yield Label(label)
                    yield TextArea(self.widget_value(f"case-{name}"), id=f"case-{name}")
                yield Label("References: the research and reading, one a line")
                yield TextArea(self.widget_value("case-references"), id="case-references")
            with TabPane("F8 Private words", id="private"), VerticalScroll(classes="form"):
                yield Static(
                    "Words that must never leave this study file: pupils' real names and "
                    "nicknames. They stay here, are never exported, and every write-up is "
                    "checked against them before it is written.",
                    classes="hint",
                )
                for pupil in self.pupils:
                    name = f"{pupil.label} ({pupil.pseudonym})" if pupil.pseudonym else pupil.label
                    yield Label(Text(f"Real names of {name}, one a line (masked as {name})"))
                    yield TextArea(
                        self.widget_value(f"private-{pupil.label}"), id=f"private-{pupil.label}"
                    )
                yield Label("Other words that must never leave, one a line (masked as [withheld])")
                yield TextArea(self.widget_value("private-other"), id="private-other")
                yield Static("", id="private-ignored", classes="hint")
        yield Footer()

    def _format_options(self) -> list[tuple[str, str]]:
        return [(FORMAT_NAMES[fmt], fmt) for fmt in report.KIND_FORMATS[self.kind]]

    def on_resize(self, event: events.Resize) -> None:
        # Less space between the keys when narrow, so the tabs' keys stay in view.
        self.query_one(Footer).compact = event.size.width < COMPACT_FOOTER_BELOW

    def on_mount(self) -> None:
        self.show_ignored()
        self.show_write_up()
        self.query_one("#writeup-sections", OptionList).focus()

    # ------------------------------------------------------------------ preview

    def show_write_up(self, keep_section: bool = False, *, now: bool = True) -> None:
        """Render the chosen kind to Markdown and list its sections; show one.

        Rendered by a worker with its own read of the file (at 90,000 notes the
        load and the rendering take a second or two): the screen keeps taking keys,
        and a newer request by the user makes an older one's result be dropped.
        `now`: asked by the user; else another process's change: the same preview
        read again, once the rest after the last rendering is over (tui.background),
        and one under way for the user is still shown."""
        sections_list = self.query_one("#writeup-sections", OptionList)
        chosen = sections_list.highlighted if keep_section else None
        if now:
            self._preview_turn += 1
            self.set_status("Making the preview ...")
        # The private words as they are now, for the worker (they are edited here).
        private = copy.deepcopy(self.private.value)
        self._asked = PreviewAsked(self._preview_turn, self.kind, private, chosen)
        self._reader.ask(now=now)

    def _render_preview(self) -> Preview:
        """In a worker thread: the latest preview asked for."""
        asked = self._asked
        assert asked is not None
        try:
            # A read of its own: the study file's connection is not shared across threads.
            with StudyFile.open(self.study_file.path, read_only=True) as reader:
                study = reader.load(notes=asked.kind not in report.WITHOUT_NOTES)
            markdown = report.render_markdown(study, kind=asked.kind)
            hits = guard.find_in_markdown(guard.checked(asked.private, study.pupils), markdown)
        except LessonStudyError as error:
            return Preview(asked, [], [], str(error))
        return Preview(asked, split_sections(markdown), hits)

    def _show_preview(self, preview: Preview) -> None:
        if preview.asked.turn != self._preview_turn:
            return  # the user asked for another since (another kind, the refresh key)
        self.set_status()
        if preview.problem:
            self.notify(preview.problem, title="Cannot write this up", severity="error")
            return
        self.show_hits(preview.hits)
        self.sections = preview.sections
        sections_list = self.query_one("#writeup-sections", OptionList)
        sections_list.clear_options()
        sections_list.add_options(
            Option(
                plain_text(
                    ("  " if s.level == 3 else "") + s.title, no_wrap=True, overflow="ellipsis"
                ),
                id=f"section-{n}",
            )
            for n, s in enumerate(self.sections)
        )
        chosen = preview.asked.chosen
        index = chosen if chosen is not None and chosen < len(self.sections) else 0
        if self.sections:
            sections_list.highlighted = index
            self.show_section(index)

    def show_hits(self, hits: list[guard.Hit]) -> None:
        """Each private word in the write-up, and where: export refuses until they go."""
        self.hits = hits
        panel = self.query_one("#writeup-hits", Static)
        panel.display = bool(hits)
        if hits:
            lines = Text(
                f"{len(hits)} private word{'s' if len(hits) != 1 else ''} in this write-up "
                "(export refuses; ctrl+k exports with the pseudonym instead):",
                style="bold",
            )
            for hit in hits:
                lines.append(f"\n• “{hit.word}” in {hit.where}: …{hit.snippet}…", style="")
            panel.update(lines)
        self.refresh_bindings()

    def show_section(self, index: int) -> None:
        if 0 <= index < len(self.sections):
            self.query_one(Markdown).update(printable(preview_markdown(self.sections, index)))
            self.query_one("#writeup-preview", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#writeup-sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_section(event.option_index)

    @on(Select.Changed, "#writeup-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()  # not a bound field
        if isinstance(event.value, str) and event.value != self.kind:
            self.kind = event.value
            formats = self.query_one("#writeup-format", Select)
            if self.fmt not in report.KIND_FORMATS[self.kind]:
                self.fmt = report.KIND_FORMATS[self.kind][0]
            formats.set_options(self._format_options())
            formats.value = self.fmt
            self.show_write_up()

    @on(Select.Changed, "#writeup-format")
    def _format_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.fmt = event.value
            self.set_status()

    @on(StudyChanged)
    def _preview_out_of_date(self, message: StudyChanged) -> None:
        # Rendering the whole write-up takes a moment on a big study: only for the
        # screen in front; one under another screen catches up when it is back.
        change = message.change
        if change is not None and self.kind in report.WITHOUT_NOTES and change.notes_only():
            return  # observers' notes: this write-up prints none
        if in_front(self):
            self.show_write_up(keep_section=True, now=False)
        else:
            self._out_of_date = True

    def after_edit(self, widget_id: str) -> None:
        if widget_id.startswith(("private-", "case-")):
            self._out_of_date = True  # the preview catches up when shown (F6)
        if widget_id.startswith("private-"):
            self.show_ignored()

    def show_ignored(self) -> None:
        """Say so when a listed word is a pupil's pseudonym: it is printed on purpose."""
        private: PrivateWords = self.private.value
        kept = {w.text for w in guard.checked(private, self.pupils).words}
        ignored = sorted({w.text.strip() for w in private.words if w.text not in kept})
        self.query_one("#private-ignored", Static).update(
            Text(
                "Not checked, being a pupil's pseudonym (printed on purpose): " + ", ".join(ignored)
            )
            if ignored
            else ""
        )

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "preview" and self._out_of_date:
            self._out_of_date = False
            self.show_write_up(keep_section=True)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_masked":
            return bool(self.hits)
        if action in ("next_kind", "next_format", "refresh_preview", "export"):
            return self.query_one(TabbedContent).active == "preview"
        return True

    def on_screen_resume(self) -> None:
        if self._out_of_date:
            self._out_of_date = False
            self.show_write_up(keep_section=True)

    def set_status(self, text: str | None = None) -> None:
        if text is None:
            target = report.default_name(self.study_file.path, self.kind, self.fmt)
            text = f"ctrl+e writes {target.name} next to the study file"
        self.query_one("#writeup-status", Label).update(plain(text))

    # ------------------------------------------------------------------ actions

    def action_next_kind(self) -> None:
        kinds = list(report.KINDS)
        self.query_one("#writeup-kind", Select).value = kinds[
            (kinds.index(self.kind) + 1) % len(kinds)
        ]

    def action_next_format(self) -> None:
        formats = list(report.KIND_FORMATS[self.kind])
        self.query_one("#writeup-format", Select).value = formats[
            (formats.index(self.fmt) + 1) % len(formats)
        ]

    def action_refresh_preview(self) -> None:
        self.show_write_up(keep_section=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self, mask: bool = False) -> None:
        target = report.default_name(self.study_file.path, self.kind, self.fmt)
        self.set_status(f"Writing {target.name} ...")
        self.export(self.kind, self.fmt, target, mask)

    def action_export_masked(self) -> None:
        self.action_export(mask=True)

    @work(thread=True, exclusive=True, group="writeup-export")
    def export(self, kind: str, fmt: str, target: Path, mask: bool = False) -> None:
        try:
            # A read of its own: the study file's connection is not shared across threads.
            with StudyFile.open(self.study_file.path, read_only=True) as reader:
                study = reader.load(notes=kind not in report.WITHOUT_NOTES)
                private = reader.read(documents.PRIVATE_WORDS).value
            written = report.write_report(
                study, target, kind=kind, fmt=fmt, private=private, mask=mask
            )
            missing = report.missing_from(study, kind)
        except guard.PrivateWordsFound as error:
            self.app.call_from_thread(self._export_refused, error.hits)
            return
        except LessonStudyError as error:
            self.app.call_from_thread(self._export_failed, str(error))
            return
        self.app.call_from_thread(self._exported, written, missing)

    def _export_refused(self, hits: list[guard.Hit]) -> None:
        self.show_hits(hits)
        message = (
            f"Not written: {len(hits)} private word{'s' if len(hits) != 1 else ''} in it "
            "(listed above). Change the text, or ctrl+k to put the pseudonym instead."
        )
        self.set_status(message)
        self.notify(message, title="Cannot export", severity="error")

    def _exported(self, written: Path, missing: list[str]) -> None:
        self.exported = written
        self.set_status(f"Wrote {written}")
        self.notify(f"Wrote {written}", title="Exported")
        for line in missing:  # said, not silently left out
            self.notify(f"It has {line}.", title="Not in it yet", severity="warning", timeout=10)

    def _export_failed(self, message: str) -> None:
        self.set_status(message)
        self.notify(message, title="Cannot export", severity="error")
