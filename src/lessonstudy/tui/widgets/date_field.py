"""Fields for a date, a time, or both: read and shown one way (usecases/dates.py).

Whatever is typed stays in the field. While it is not a date the field shows
it is invalid (and nothing is saved); Enter or leaving the field says why, in
one line, and what to write instead. Enter on a sound value moves on as in any
form field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from lessonstudy.tui.widgets.compact import CompactAtOnce
from lessonstudy.tui.widgets.ordered_keys import OrderedKeys
from lessonstudy.tui.widgets.typing_in_place import TypingInPlace
from lessonstudy.usecases import dates


class _Problem(Validator):
    def __init__(self, problem: Callable[[str], str | None]) -> None:
        super().__init__()
        self.problem = problem

    def validate(self, value: str) -> ValidationResult:
        problem = self.problem(value)
        return self.failure(problem, value) if problem else self.success()


class _CheckedInput(CompactAtOnce, TypingInPlace, OrderedKeys, Input):
    """An input whose text is checked by `problem` (None: sound)."""

    PROBLEM: Callable[[str], str | None] = staticmethod(lambda _text: None)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)  # typing adds to it, never replaces it
        kwargs.setdefault("valid_empty", True)
        kwargs.setdefault("compact", True)
        super().__init__(value, validators=[_Problem(type(self).PROBLEM)], **kwargs)

    @property
    def problem(self) -> str | None:
        return type(self).PROBLEM(self.value)

    async def action_submit(self) -> None:
        problem = self.problem
        if problem:  # Enter stays here and says why, rather than moving on from it
            self.app.bell()
            self.notify(problem, title="Not saved yet", severity="warning", timeout=8)
            return
        await super().action_submit()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        problem = self.problem
        if problem:
            self.notify(problem, title="Not saved yet", severity="warning", timeout=8)


class DateInput(_CheckedInput):
    """A date: 3/2/2026, 3 Feb 2026, 2026-02-03 ... shown as "Tue 3 Feb 2026"."""

    PROBLEM = staticmethod(dates.date_problem)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", dates.DATE_PLACEHOLDER)
        super().__init__(value, **kwargs)


class TimeInput(_CheckedInput):
    """A time of day or a span: 9:05, 1:40pm, 13:40-14:40 ... kept as "13:40"."""

    PROBLEM = staticmethod(dates.time_problem)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", f"e.g. {dates.TIME_EXAMPLE}")
        super().__init__(value, **kwargs)


def _moment_problem(text: str) -> str | None:
    try:
        dates.parse_moment(text)
    except ValueError as error:
        return str(error)
    return None


class MomentInput(_CheckedInput):
    """A date and a time: "3/2/2026 10:42", shown as "Tue 3 Feb 2026 10:42"."""

    PROBLEM = staticmethod(_moment_problem)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", f"e.g. {dates.MOMENT_EXAMPLE}")
        super().__init__(value, **kwargs)
