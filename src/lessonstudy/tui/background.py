"""What a screen shows, read again in a worker thread, one read at a time.

Some screens show what only a whole read of the study gives (the map's steps
count every lesson's notes; the open house's pictures chart every note). When
another process changes the study, or the screen is shown again, that is read
again, never on the UI thread: at 90,000 notes a read takes most of a second.

`BackgroundRead` runs the screen's `read` in a thread worker (which opens a
read connection of its own: the study file's connection is not shared across
threads), at most one at a time, and hands the result to `show` on the UI
thread. While others keep writing, it rests after each read `rest` times as
long as the read took (the CPU time of its thread) before reading again, so a
large study with several observers writing costs a small share of a core. A
read asked for `now` (the screen shown again, the user's own action) does not
wait for the rest; asked while a read is under way, it starts as soon as that
one is done, so what is shown in the end was read after the last ask.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from textual.screen import Screen
from textual.timer import Timer

T = TypeVar("T")

REST = 12  # after a read, rest this many times its CPU time (at most 1/13 of a core)
LEAST_REST = 0.05  # seconds: a read of a small study is not repeated at once


class BackgroundRead(Generic[T]):
    """`read` in a worker thread named `name`, its result to `show` on the UI thread."""

    def __init__(
        self,
        screen: Screen[Any],
        read: Callable[[], T],
        show: Callable[[T], None],
        *,
        name: str,
        failed: Callable[[Exception], None] | None = None,
        rest: float = REST,
    ) -> None:
        self._screen = screen
        self._read = read
        self._show = show
        self._failed = failed
        self.name = name
        self._rest = rest
        self._reading = False
        self._resting: Timer | None = None
        self._again = False  # asked again while reading or resting
        self._again_now = False  # ... and it cannot wait for the rest
        self._asked = 0  # asks so far
        self.turn = 0  # the asks covered by the result being shown (set before `show`)

    @property
    def ask_count(self) -> int:
        """How many reads were asked for so far."""
        return self._asked

    @property
    def reading(self) -> bool:
        """A read is under way (or its result on the way to the screen)."""
        return self._reading

    @property
    def busy(self) -> bool:
        """A read is under way, or the rest after one."""
        return self._reading or self._resting is not None

    def ask(self, *, now: bool = False) -> int:
        """Read again: at once if idle; else after the read under way (and, unless
        `now`, after the rest). Returns the number of this ask: the result that
        covers it comes with `turn` at least that number."""
        self._asked += 1
        if self._reading:
            self._again = True
            self._again_now = self._again_now or now
        elif self._resting is not None and not now:
            self._again = True
        else:
            if self._resting is not None:
                self._resting.stop()
                self._resting = None
            self._start()
        return self._asked

    def _start(self) -> None:
        self._reading = True
        self._again = self._again_now = False
        covers = self._asked
        self._screen.run_worker(
            lambda: self._work(covers),
            name=self.name,
            group=self.name,
            thread=True,
            exit_on_error=False,
        )

    def _work(self, covers: int) -> None:
        """In the worker thread."""
        began = time.thread_time()  # this thread's CPU: waiting for the GIL is not work
        result: T | None = None
        error: Exception | None = None
        try:
            result = self._read()
        except Exception as caught:  # a damaged file, a file gone: said on the UI thread
            error = caught
        took = time.thread_time() - began
        self._screen.app.call_from_thread(self._done, covers, result, error, took)

    def _done(self, covers: int, result: T | None, error: Exception | None, took: float) -> None:
        self._reading = False
        if not self._screen.is_attached:
            return  # the screen was closed meanwhile
        self.turn = covers
        try:
            if error is None:
                self._show(cast(T, result))
            elif self._failed is not None:
                self._failed(error)
        finally:
            if self._again and self._again_now:
                self._start()
            else:
                self._resting = self._screen.set_timer(
                    max(took * self._rest, LEAST_REST), self._rested, name=f"{self.name}-rest"
                )

    def _rested(self) -> None:
        self._resting = None
        if self._again:
            self._start()
