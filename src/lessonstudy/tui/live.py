"""Live refresh: notice when another process changed the study file.

`PRAGMA data_version` changes when another connection commits, and costs
microseconds to read, so the app polls it often: every 50 ms while others
write (another observer's note shows well within 100 ms of its commit), every
100 ms once nothing has changed for a few seconds (half the wake-ups of an idle
app, and a first note still shows within about 100 ms). When it changes, every
open screen gets a `StudyChanged` message that says what changed
(`usecases.changes.Change`: which documents, which lessons' notes and marks),
so it can refresh only that, keeping whatever the user is typing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from lessonstudy.store import StudyFile
    from lessonstudy.usecases.changes import Change

POLL_SECONDS = 0.05  # while the file changes, and for IDLE_AFTER_SECONDS after
IDLE_POLL_SECONDS = 0.1
IDLE_AFTER_SECONDS = 5.0


class StudyChanged(Message):
    """Another process (an observer, a merge) committed a change to the study.

    `change` says what changed; None: not known (anything may have)."""

    def __init__(self, change: Change | None = None) -> None:
        super().__init__()
        self.change = change


def in_front(screen: Screen[Any]) -> bool:
    """Whether `screen` is the one in front, where the keys go: a screen under
    another (a step, help, a dialog) refreshes what is costly once shown again.

    Not Textual's `Screen.is_current`, which is true for the screen right under
    the top one as well (it may show through a transparent screen)."""
    return screen.is_attached and screen.app.screen is screen


def watch_study(app: App[Any], study_file: StudyFile) -> None:
    """Poll the study file from `app`; post StudyChanged to every open screen."""
    from lessonstudy.usecases.changes import change_between, state_of

    last = study_file.data_version()
    state = state_of(study_file)

    def poll() -> bool:
        """Post what changed, if anything did; True if something did."""
        nonlocal last, state
        study_file.settle()  # what this app wrote reaches the file itself once typing pauses
        version = study_file.data_version()
        if version == last:
            return False
        last = version
        new_state = state_of(study_file)
        change = change_between(study_file, state, new_state)
        state = new_state
        if not change:
            return False  # a commit that changed nothing a screen shows
        # Every screen on the stack, not only the top one: a plan under the
        # help screen or a dialog must not keep an old copy to save over.
        for screen in app.screen_stack:
            screen.post_message(StudyChanged(change))
        return True

    # Two intervals, one paused at a time (Textual's intervals have one period, and
    # a timer set anew each tick costs more than the poll): 50 ms while the file
    # changes, 100 ms once it has been still for a while.
    changed_at = time.monotonic()
    idle = False

    def tick() -> None:
        nonlocal changed_at, idle
        if poll():
            changed_at = time.monotonic()
            if idle:
                idle = False
                slow.pause()
                fast.resume()
        elif not idle and time.monotonic() - changed_at > IDLE_AFTER_SECONDS:
            idle = True
            fast.pause()
            slow.resume()

    fast = app.set_interval(POLL_SECONDS, tick, name="watch-study")
    slow = app.set_interval(IDLE_POLL_SECONDS, tick, name="watch-study-idle", pause=True)
