"""A small status line that shows the last autosave: the user never needs a save key."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from lessonstudy.store import Saved


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
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("All changes saved", id=id, classes=classes)

    def show_saved(self, saved: Saved | None) -> None:
        if saved is None:
            return
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.set_class(saved.conflict, "-conflict")
        if saved.conflict:
            self.update(f"Saved {stamp} - someone else edited this too: both versions kept")
        else:
            self.update(f"Saved {stamp}")
