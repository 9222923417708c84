"""Which folder of studies the library shows (from the start screen)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from lessonstudy.tui.recent import load_setting, save_setting

SETTING = "library_folder"


class LibraryFolderDialog(ModalScreen[Path | None]):
    """Asks for the folder (the last one used, else the current folder); Enter shows it."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="library-folder.cancel")]

    def compose(self) -> ComposeResult:
        last = load_setting(SETTING)
        with Vertical(classes="dialog"):
            yield Label("The library: studies in a folder", classes="dialog-title")
            yield Static(
                "The folder the studies are in (a shared drive, or a copy of it); every "
                "*.lessonstudy file under it is listed. Nothing in it is changed. "
                "Enter shows it; Esc cancels.",
                classes="hint",
            )
            yield Input(last or str(Path.cwd()), id="library-folder")
            yield Static("", id="library-folder-problem", classes="warning")

    def on_mount(self) -> None:
        self.query_one("#library-folder-problem").display = False
        self.query_one("#library-folder").focus()

    @on(Input.Submitted, "#library-folder")
    def _chosen(self, event: Input.Submitted) -> None:
        problem = self.query_one("#library-folder-problem", Static)
        if not event.value.strip():  # never a guess (the current folder could be a home)
            problem.update(Text("Type the folder the studies are in."))
            problem.display = True
            return
        folder = Path(event.value.strip()).expanduser()
        if not folder.is_dir():
            why = "not a folder" if folder.exists() else "no such folder"
            problem.update(Text(f"{folder}: {why}"))
            problem.display = True
            return
        save_setting(SETTING, str(folder.resolve()))
        self.dismiss(folder)
