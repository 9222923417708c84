"""Live refresh: notice when another process changed the study file.

`PRAGMA data_version` changes when another connection commits, and costs
microseconds to read, so the app polls it. When it changes, the active screen
gets a `StudyChanged` message and refreshes what it shows, keeping whatever
the user is typing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message
from textual.timer import Timer

if TYPE_CHECKING:
    from lessonstudy.store import StudyFile

POLL_SECONDS = 0.5


class StudyChanged(Message):
    """Another process (an observer, a merge) committed a change to the study."""


def watch_study(app: App[Any], study_file: StudyFile) -> Timer:
    """Poll the study file from `app`; post StudyChanged to every open screen.

    Returns the timer, so a caller that opens another study can stop it."""
    last = study_file.data_version()

    def poll() -> None:
        nonlocal last
        version = study_file.data_version()
        if version != last:
            last = version
            # Every screen on the stack, not only the top one: a plan under the
            # help screen or a dialog must not keep an old copy to save over.
            for screen in app.screen_stack:
                screen.post_message(StudyChanged())

    return app.set_interval(POLL_SECONDS, poll, name="watch-study")
