"""A small status line that shows the last autosave: the user never needs a save key."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from lessonstudy.store import Saved
from lessonstudy.tui.document import NotSaved
from lessonstudy.tui.widgets.typing_in_place import update_in_place

RETRY_SECONDS = 2.0


class SaveStatus(Static):
    """Shows "Saved 10:42:03" after each autosave, or a warning when both
    versions of a document were kept because someone else edited it too."""

    DEFAULT_CSS = """
    SaveStatus {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    SaveStatus.-conflict {
        color: $warning;
        text-style: bold;
    }
    SaveStatus.-unsaved {
        color: $error;
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("All changes saved", id=id, classes=classes)

    def show_saved(self, saved: Saved | NotSaved | None) -> None:
        if saved is None:
            return
        if isinstance(saved, NotSaved):
            self._not_saved(saved)
            return
        self.remove_class("-unsaved")
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.set_class(saved.conflict, "-conflict")
        if saved.conflict:
            text = f"Saved {stamp} - someone else edited this too: both versions kept"
        else:
            text = f"Saved {stamp}"
        update_in_place(self, text)  # after each key typed: no reflow of the screen

    def _not_saved(self, failed: NotSaved) -> None:
        # Keep the edit on screen and in memory, say so plainly, and try again
        # until it goes through (another program may hold the file for a moment).
        self.add_class("-unsaved")
        self.update("NOT saved yet - trying again (your typing is kept)")
        self.log.warning(f"save failed: {failed.reason}")
        self.set_timer(RETRY_SECONDS, lambda: self.show_saved(failed.retry()))
