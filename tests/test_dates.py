"""One way to read and show dates and times (usecases/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from lessonstudy.usecases import dates

FEB_3 = dt.date(2026, 2, 3)

# Every form a teacher in England types, and ISO: all of them 3 February 2026.
DATE_FORMS = [
    "3/2/2026",
    "03/02/2026",
    "3/2/26",
    "03-02-2026",
    "3-2-2026",
    "3.2.2026",
    "3 / 2 / 2026",
    "3 Feb 2026",
    "3 feb 26",
    "3rd February 2026",
    "Tue 3 Feb 2026",
    "Tuesday, 3 February 2026",
    "2026-02-03",
    "  3/2/2026  ",
]


@pytest.mark.parametrize("typed", DATE_FORMS)
def test_every_date_form_reads_as_the_same_day(typed: str) -> None:
    assert dates.parse_date(typed) == FEB_3


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2/13/2026", "there is no month 13"),  # American order: refused, never guessed
        ("31/2/2026", "February 2026 has days 1 to 28"),
        ("Feb 3 2026", "write the day first"),
        ("3/2", "write the day first"),  # no year: not guessed either
        ("tomorrow", "write the day first"),
        ("3 Fbe 2026", "'fbe' is not a month"),
        ("Mon 3 Feb 2026", "3 Feb 2026 is a Tuesday, not a Monday"),
    ],
)
def test_anything_else_is_refused_with_what_to_write(typed: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        dates.parse_date(typed)
    assert says in (dates.date_problem(typed) or "")


def test_a_blank_date_is_none_and_the_one_display_reads_back() -> None:
    assert dates.parse_date("   ") is None
    assert dates.date_problem("") is None
    assert dates.show_date(None) == ""
    assert dates.show_date(FEB_3) == "Tue 3 Feb 2026"
    for day in (dt.date(2026, 1, 1), dt.date(2027, 12, 31), dt.date(2028, 2, 29)):
        assert dates.parse_date(dates.show_date(day)) == day


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("9:05", "09:05"),
        ("09.05", "09:05"),
        ("13:40", "13:40"),
        ("1:40pm", "13:40"),
        ("1.40 p.m.", "13:40"),
        ("9am", "09:00"),
        ("12am", "00:00"),
        ("1340", "13:40"),
        ("13:40-14:40", "13:40-14:40"),
        ("1:40pm – 2:40pm", "13:40-14:40"),
        ("13:40 to 14:40", "13:40-14:40"),
        ("", ""),
    ],
)
def test_times_are_kept_one_way(typed: str, kept: str) -> None:
    assert dates.parse_time(typed) == kept
    assert dates.parse_time(kept) == kept


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("9", "is not a time"),
        ("25:00", "00:00 to 23:59"),
        ("13pm", "the hour is 1 to 12"),
        ("14:00-13:00", "ends before it starts"),
        ("after lunch", "is not a time"),
    ],
)
def test_a_wrong_time_says_what_to_write(typed: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        dates.parse_time(typed)
    assert says in (dates.time_problem(typed) or "")


def test_a_time_typed_before_times_were_checked_is_shown_as_it_was() -> None:
    assert dates.show_time("after lunch") == "after lunch"
    assert dates.show_time("9:05") == "09:05"


def test_a_moment_is_a_date_and_a_time_in_the_local_zone() -> None:
    zone = dt.timezone(dt.timedelta(hours=1))
    moment = dates.parse_moment("3/2/2026 10:42", zone)
    assert moment == dt.datetime(2026, 2, 3, 10, 42, tzinfo=zone)
    assert dates.parse_moment("Tue 3 Feb 2026 at 1:40 pm", zone) == dt.datetime(
        2026, 2, 3, 13, 40, tzinfo=zone
    )
    local = dates.parse_moment("3 Feb 2026 10:42")
    assert local is not None and local.tzinfo is not None
    assert dates.show_moment(local) == "Tue 3 Feb 2026 10:42"
    assert dates.parse_moment(dates.show_moment(local)) == local
    assert dates.parse_moment("") is None
    for wrong in ("10:42", "3/2/2026", "3/2/2026 soon"):
        with pytest.raises(ValueError, match="give the date and the time"):
            dates.parse_moment(wrong)
