"""Live refresh: notice when another process changed the study file.

`PRAGMA data_version` changes when another connection commits, and costs
microseconds to read, so the app polls it often (every 50 ms: another
observer's note shows well within 100 ms of its commit, at no visible idle
cost). When it changes, every open screen gets a `StudyChanged` message that
says what changed (`usecases.changes.Change`: which documents, which lessons'
notes and marks), so it can refresh only that, keeping whatever the user is
typing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message
from textual.timer import Timer

if TYPE_CHECKING:
    from lessonstudy.store import StudyFile
    from lessonstudy.usecases.changes import Change

POLL_SECONDS = 0.05


class StudyChanged(Message):
    """Another process (an observer, a merge) committed a change to the study.

    `change` says what changed; None: not known (anything may have)."""

    def __init__(self, change: Change | None = None) -> None:
        super().__init__()
        self.change = change


def watch_study(app: App[Any], study_file: StudyFile) -> Timer:
    """Poll the study file from `app`; post StudyChanged to every open screen.

    Returns the timer, so a caller that opens another study can stop it."""
    from lessonstudy.usecases.changes import change_between, state_of

    last = study_file.data_version()
    state = state_of(study_file)

    def poll() -> None:
        nonlocal last, state
        study_file.settle()  # what this app wrote reaches the file itself once typing pauses
        version = study_file.data_version()
        if version == last:
            return
        last = version
        new_state = state_of(study_file)
        change = change_between(study_file, state, new_state)
        state = new_state
        if not change:
            return  # a commit that changed nothing a screen shows
        # Every screen on the stack, not only the top one: a plan under the
        # help screen or a dialog must not keep an old copy to save over.
        for screen in app.screen_stack:
            screen.post_message(StudyChanged(change))

    return app.set_interval(POLL_SECONDS, poll, name="watch-study")
