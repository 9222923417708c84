"""One way to read and show dates and times, for every screen and the command line.

Teachers in England write the day first: 3/2/2026, 03-02-2026, 3.2.26,
3 Feb 2026, Tuesday 3rd February 2026. ISO (2026-02-03) is read too, since
files and other programs use it. Anything else is refused with one line that
says what to write instead, never guessed: 2/13/2026 is not read as
13 February. Dates are shown one way everywhere ("Tue 3 Feb 2026"), which
reads back in; times as 24-hour HH:MM ("09:05", a range "13:40-14:40").

Pure: no Textual, no storage. Parsers raise ValueError with the message to
show; `date_problem` / `time_problem` give that message for a field to display.
"""

from __future__ import annotations

import datetime as dt
import re

DATE_EXAMPLE = "3/2/2026 or 3 Feb 2026"
"""What date messages suggest (after "write the day first, e.g.")."""
DATE_PLACEHOLDER = f"day first: {DATE_EXAMPLE}"
TIME_EXAMPLE = "9:05, 13:40 or 1:40pm"
MOMENT_EXAMPLE = "3/2/2026 10:42"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})")
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2}|\d{4})")
_WEEKDAY = re.compile(r"([a-z]+)\.?,?\s+(?=\d)")
_TIME = re.compile(r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?")


def _not_a_date(text: str) -> ValueError:
    return ValueError(f"{text!r} is not a date: write the day first, e.g. {DATE_EXAMPLE}")


def _year(digits: str) -> int:
    # Two digits are this century: a lesson study is never dated 1926.
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _make(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            month_name = dt.date(year, month, 1).strftime("%B")
            raise ValueError(
                f"{text!r} is not a date: {month_name} {year} has days 1 to {last}"
            ) from None
        raise ValueError(
            f"{text!r} is not a date: there is no month {month} (write the day first, "
            f"e.g. {DATE_EXAMPLE})"
        ) from None


def parse_date(text: str) -> dt.date | None:
    """A date as typed, or None for a blank field; ValueError (the message to show)
    for anything that is not one of the forms above."""
    stripped = " ".join(text.strip().split())
    if not stripped:
        return None
    lowered = stripped.lower()
    weekday: int | None = None
    named = _WEEKDAY.match(lowered)
    if named is not None and named[1] in _WEEKDAYS:  # "Tue 3 Feb 2026": checked below
        weekday = _WEEKDAYS[named[1]]
        lowered = lowered[named.end() :]
    if match := _ISO.fullmatch(lowered):
        day = _make(stripped, int(match[1]), int(match[2]), int(match[3]))
    elif match := _NUMERIC.fullmatch(lowered):
        day = _make(stripped, _year(match[4]), int(match[3]), int(match[1]))
    elif match := _WORDS.fullmatch(lowered):
        month = _MONTHS.get(match[2])
        if month is None:
            raise ValueError(
                f"{stripped!r} is not a date: {match[2]!r} is not a month (e.g. {DATE_EXAMPLE})"
            )
        day = _make(stripped, _year(match[3]), month, int(match[1]))
    else:
        raise _not_a_date(stripped)
    if weekday is not None and day.weekday() != weekday:
        raise ValueError(
            f"{stripped!r} is not a date: {day.day} {day:%b %Y} is a "
            f"{_WEEKDAY_WORDS[day.weekday()]}, not a {_WEEKDAY_WORDS[weekday]}"
        )
    return day


def show_date(day: dt.date | None) -> str:
    """The one way a date is shown: "Tue 3 Feb 2026" ("" for none). Reads back in."""
    if day is None:
        return ""
    return f"{day:%a} {day.day} {day:%b %Y}"


def date_problem(text: str) -> str | None:
    """Why `text` is not a date (None: it is one, or blank)."""
    try:
        parse_date(text)
    except ValueError as error:
        return str(error)
    return None


def parse_clock(text: str) -> dt.time:
    """One time of day: 9:05, 09.05, 13:40, 9am, 1:40pm, 1340. ValueError saying why."""
    stripped = text.strip()
    lowered = stripped.lower().replace(" ", "")
    match = _TIME.fullmatch(lowered)
    hour_text, minute_text, half = (match[1], match[2], match[3]) if match else ("", "", None)
    if match is None and re.fullmatch(r"\d{3,4}", lowered):  # 0905, 1340
        hour_text, minute_text = lowered[:-2], lowered[-2:]
    elif match is None or (minute_text is None and half is None):
        raise ValueError(f"{stripped!r} is not a time: write it as {TIME_EXAMPLE}")
    hour, minute = int(hour_text), int(minute_text or 0)
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{stripped!r} is not a time: with am or pm the hour is 1 to 12")
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{stripped!r} is not a time: 00:00 to 23:59, e.g. {TIME_EXAMPLE}")
    return dt.time(hour, minute)


def parse_time(text: str) -> str:
    """A time or a span of time as typed, kept the one way it is shown: "09:05",
    "13:40-14:40" ("" for a blank field). ValueError (the message to show) otherwise."""
    stripped = text.strip()
    if not stripped:
        return ""
    parts = re.split(r"\s*(?:-|–|—|\bto\b)\s*", stripped)
    if len(parts) > 2 or not all(parts):
        raise ValueError(
            f"{stripped!r} is not a time: write it as {TIME_EXAMPLE}, or a span like 13:40-14:40"
        )
    times = [parse_clock(part) for part in parts]
    if len(times) == 2 and times[1] <= times[0]:
        raise ValueError(f"{stripped!r}: the span ends before it starts")
    return "-".join(f"{t:%H:%M}" for t in times)


def show_time(stored: str) -> str:
    """A stored time as shown. One the group typed before times were checked (free
    text) is shown as it was, so nothing typed disappears."""
    try:
        return parse_time(stored)
    except ValueError:
        return stored


def time_problem(text: str) -> str | None:
    try:
        parse_time(text)
    except ValueError as error:
        return str(error)
    return None


def parse_moment(text: str, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """A date and a time of day ("3/2/2026 10:42", "Tue 3 Feb 2026, 10:42"),
    timezone-aware (`tz`, or the local zone on that day); None for a blank field."""
    stripped = " ".join(text.strip().split())
    if not stripped:
        return None
    match = re.fullmatch(r"(.*?)[,\s]*(?:\bat\b)?\s*(\S+(?:\s*[ap]\.?m\.?)?)", stripped, re.I)
    if match is None or not match[1]:
        raise ValueError(f"{stripped!r}: give the date and the time, e.g. {MOMENT_EXAMPLE}")
    day = parse_date(match[1].rstrip(", "))
    assert day is not None
    try:
        clock = parse_clock(match[2])
    except ValueError:
        raise ValueError(
            f"{stripped!r}: give the date and the time, e.g. {MOMENT_EXAMPLE}"
        ) from None
    naive = dt.datetime.combine(day, clock)
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def show_moment(moment: dt.datetime | None) -> str:
    """A date and time as shown: "Tue 3 Feb 2026 10:42", as the clock read where it
    was recorded (as a note's time is shown)."""
    if moment is None:
        return ""
    return f"{show_date(moment.date())} {moment:%H:%M}"
