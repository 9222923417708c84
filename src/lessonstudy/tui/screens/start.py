"""The start screen: recent studies, a new study, open a file, the example."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from lessonstudy.tui.plain import assemble, plain
from lessonstudy.tui.recent import recent_studies
from lessonstudy.tui.widgets.footer import Footer

SUFFIX = ".lessonstudy"


def study_path_for(name: str, folder: Path | None = None) -> Path:
    """A file name as typed ("Fractions Y4") -> a study path in `folder` (default: here)."""
    name = name.strip()
    path = Path(name).expanduser()
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    if not path.is_absolute():
        path = (folder or Path.cwd()) / path
    return path


def suggested_file_name(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "my-study"


def recent_label(path: Path) -> Text:
    """A recent study as people know it, by its title (from the file's overview), then
    its file and folder; a file whose title cannot be read (damaged, gone) by its file
    name alone: opening it says what is wrong."""
    from lessonstudy.store.titles import title_at

    title = title_at(path)
    where = (f"{path.name} · {path.parent}", "dim")
    if not title:
        return assemble((path.stem, "bold"), "  ", where)
    return assemble((title, "bold"), "  ", where)


class StartScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "app.new_study", "New study", id="start.new"),
        Binding("o", "open_file", "Open a file", id="start.open"),
        Binding("x", "example", "Example", id="start.example"),
        Binding("l", "library", "Library", id="start.library"),
        Binding("ctrl+q", "app.quit", "Quit", id="start.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(
                ("Lesson study", "bold"),
                "  plan research lessons, observe case pupils, discuss, share",
            ),
            classes="screen-title",
        )
        options: list[Option | None] = [
            Option("＋ New study…", id="new"),
            Option("… Open a study file…", id="open"),
            Option("★ Open the example study", id="example"),
            Option("▤ Library: the studies in a folder…", id="library"),
        ]
        recent = recent_studies()
        if recent:
            options.append(None)
            options += [Option(recent_label(p), id=str(p)) for p in recent]
        yield OptionList(*options, id="start-list")
        where = " Studies you open are listed under the line." if recent else ""
        yield Static(
            f"↑↓ and Enter choose.{where} F1 explains lesson study; ctrl+q quits.",
            classes="hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#start-list").focus()
        first = getattr(self.app, "first_screen_shown", None)
        if first is not None:
            self.call_after_refresh(first)

    @on(OptionList.OptionSelected, "#start-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option_id
        if choice == "new":
            self.app.action_new_study()  # type: ignore[attr-defined]
        elif choice == "open":
            self.action_open_file()
        elif choice == "example":
            self.action_example()
        elif choice == "library":
            self.action_library()
        elif choice:
            self.app.open_study(Path(choice))  # type: ignore[attr-defined]

    def action_open_file(self, typed: str = "") -> None:
        def chosen(path: Path | None) -> None:
            if path is not None and not self.app.open_study(path):  # type: ignore[attr-defined]
                self.action_open_file(str(path))  # the message says why; try another name

        self.app.push_screen(OpenFileDialog(typed), chosen)

    def action_example(self) -> None:
        self.app.open_example()  # type: ignore[attr-defined]

    def action_library(self) -> None:
        """Ask which folder of studies (tui/screens/library_folder.py), then show its library."""
        from lessonstudy.tui.screens.library_folder import LibraryFolderDialog

        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.app.open_library(folder)  # type: ignore[attr-defined]

        self.app.push_screen(LibraryFolderDialog(), chosen)


class OpenFileDialog(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="open.cancel")]

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed  # what was typed last time (it could not be opened)

    def compose(self) -> ComposeResult:
        here = sorted(Path.cwd().glob(f"*{SUFFIX}"))[:20]
        with Vertical(classes="dialog"):
            yield Label("Open a study file", classes="dialog-title")
            yield Static(
                "Type the file's path and press Enter"
                + (", or Tab to pick a study in this folder" if here else "")
                + ". Esc cancels.",
                classes="hint",
            )
            yield Input(self.typed, placeholder="path/to/study.lessonstudy", id="open-path")
            if here:
                yield Label(plain(f"In this folder ({Path.cwd()}):"))
                yield OptionList(*[Option(plain(p.name), id=str(p)) for p in here], id="open-here")

    def on_mount(self) -> None:
        self.query_one("#open-path").focus()

    @on(Input.Submitted, "#open-path")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(Path(event.value.strip()).expanduser())

    @on(OptionList.OptionSelected, "#open-here")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option_id:
            self.dismiss(Path(event.option_id))
