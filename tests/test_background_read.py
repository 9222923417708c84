"""tui.background.BackgroundRead: one read at a time in a worker thread, a rest after
each, no rest for a read asked `now`, and what the screen is shown read after the
last ask."""

from __future__ import annotations

import threading

from textual.app import App
from textual.screen import Screen

from lessonstudy.tui import background
from lessonstudy.tui.background import BackgroundRead
from tui_helpers import until, worker_done


class Reads:
    """A read that waits for the test to let it finish; counts the reads started."""

    def __init__(self) -> None:
        self.started = 0
        self.gate = threading.Event()

    def read(self) -> int:
        self.started += 1
        number = self.started
        assert self.gate.wait(10), "the test never let the read finish"
        if number == 99:
            raise ValueError("damaged")
        return number


async def test_reads_one_at_a_time_and_the_last_ask_is_covered(monkeypatch) -> None:
    monkeypatch.setattr(background, "LEAST_REST", 3600.0)  # a rest that lasts the test
    reads = Reads()
    shown: list[int] = []
    failed: list[Exception] = []
    app: App[None] = App()
    async with app.run_test() as pilot:
        screen = Screen[None]()
        await app.push_screen(screen)
        reader = BackgroundRead(
            screen, reads.read, shown.append, name="test-read", failed=failed.append
        )
        first = reader.ask()
        await until(pilot, lambda: reads.started == 1, "the first read started")
        reader.ask()  # while it reads: one more read after it, not three
        reader.ask()
        reads.gate.set()
        await worker_done(pilot, "test-read")
        assert shown == [1] and reader.turn == first
        assert reads.started == 1 and reader.busy  # resting before the next read

        last = reader.ask(now=True)  # shown again: no waiting for the rest
        await until(pilot, lambda: shown == [1, 2], "read at once")
        assert reader.turn == last and reads.started == 2

        reader.ask()  # another process's change, during the rest: it waits
        await pilot.pause()
        assert reads.started == 2

        reads.started = 98  # the next read fails: the screen is told, nothing shown
        reader.ask(now=True)
        await until(pilot, lambda: failed, "the failure handed back")
        assert str(failed[0]) == "damaged" and shown == [1, 2]
