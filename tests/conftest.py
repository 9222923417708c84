"""Shared test set-up.

Async tests (Textual's Pilot) are plain `async def test_...` functions: each
runs on its own event loop here, so no asyncio plugin is needed.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
import tempfile

import pytest
import textual._wait

# The tests' own cache folder (compiled templates, the files found sound): the user's
# was filled with thousands of test files, pushing their own studies out of the
# memory of files found sound (store/found_sound.py keeps the newest 64).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="lessonstudy-tests-cache-")

# Pilot waits for the app to go idle after every key: it sleeps in steps of
# SLEEP_GRANULARITY (20 ms) until a step passes with the process all but idle
# (CPU under 1/20 of the step). Two such waits a key made typing tests mostly
# sleep (a 300-key walk-through: 12 s of 20 s). Steps of 5 ms keep the same rule
# (idle for a whole step) at a quarter of the wait. Tests that need the app to
# have done something scheduled later (a timer, a worker) wait for it by name:
# see tui_helpers.until.
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


# Python's cycle collector, at its default thresholds, ran about 3,000 times in a
# worker over test_tui_planning and test_tui_app (a Textual frame makes thousands
# of short-lived objects), each time walking every object the worker holds: 8.5 s
# of their 35 s of CPU. Collecting less often, and leaving out the objects alive
# once the tests are collected (modules, fixtures' code: gc.freeze), 2.6 s, and a
# worker stays small (140 MB). Tests that need a collection (a connection left in
# a cycle) call gc.collect().
gc.set_threshold(10_000, 10, 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first (a stable sort keeps the rest in file order).

    Under xdist (`--dist worksteal`, see pyproject) the workers start on them and
    steal the short ones from each other's queues at the end, so the run does not end
    with one worker finishing a long test alone.
    """
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers more than the cores. Pilot tests wait for the app to go
    idle and the office and browser tests for their programs, so a worker a core
    leaves cores idle (2 cores, with worksteal: 116.4 s with 3 workers, 108.6 s with 4)."""
    return (os.cpu_count() or 1) + 2
