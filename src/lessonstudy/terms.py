"""The words studies are filed under: subject, year group, phase, school year, status.

Teachers write "Maths", "Mathematics" or "maths", and "Year 4", "Y4" or "4":
filters and the impact summary's tables compare them in one normal form.
Standard library only (the search command imports this).
"""

from __future__ import annotations

import datetime as dt
import re

from lessonstudy.errors import LessonStudyError

# Where a study stands, in the order a study goes through them.
STATUSES = ("not started", "planning", "teaching", "writing up", "complete")
STATUS_WORDS = {
    "not started": "nothing recorded yet",
    "planning": "planning the first research lesson",
    "teaching": "research lessons under way",
    "writing up": "every lesson taught and discussed; the findings to write up",
    "complete": "every lesson taught and discussed, the findings written",
}

# Short names teachers use for a subject -> the name it is filed under.
_SUBJECT_ALIASES = {
    "math": "mathematics",
    "maths": "mathematics",
    "numeracy": "mathematics",
    "literacy": "english",
    "pe": "physical education",
    "re": "religious education",
    "dt": "design and technology",
    "d&t": "design and technology",
    "mfl": "modern foreign languages",
    "ict": "computing",
}
_SPACES = re.compile(r"\s+")


def subject_key(subject: str) -> str:
    """The subject in its normal form ("Maths " -> "mathematics"); "" if none."""
    words = _SPACES.sub(" ", subject.strip().lower()).rstrip(".")
    return _SUBJECT_ALIASES.get(words, words)


def subject_matches(wanted: str, subject: str) -> bool:
    """A filter's subject matches a study's: the same subject, or its start ("sci")."""
    want, have = subject_key(wanted), subject_key(subject)
    return bool(want) and (have == want or have.startswith(want))


_YEAR_NUMBER = re.compile(r"^(?:year|yr|y)?\s*(\d{1,2})$")


def year_group_key(year_group: str) -> str:
    """The year group in its normal form: "Y4", "year 4", "4" -> "Year 4";
    "Reception", "EYFS" -> "Reception"; anything else as written, tidied."""
    text = _SPACES.sub(" ", year_group.strip()).rstrip(".")
    found = _YEAR_NUMBER.match(text.lower())
    if found:
        return f"Year {int(found.group(1))}"
    if text.lower() in ("r", "rec", "reception", "eyfs", "foundation"):
        return "Reception"
    return text


def phase(year_group: str) -> str:
    """The phase of education a year group is in (England's), "" if it cannot be told."""
    key = year_group_key(year_group)
    if key == "Reception":
        return "early years"
    found = re.match(r"^Year (\d+)$", key)
    if not found:
        return ""
    number = int(found.group(1))
    if 1 <= number <= 6:
        return "primary"
    if 7 <= number <= 11:
        return "secondary"
    if 12 <= number <= 13:
        return "post-16"
    return ""


def school_year_of(day: dt.date) -> int:
    """The school year a day falls in, by the year it starts (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(start: int | None) -> str:
    return f"{start}/{(start + 1) % 100:02d}" if start is not None else ""


_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def parse_school_year(text: str) -> int:
    """ "2025/26", "2025-26" or "2025/2026" -> 2025. A single year is refused with a
    question rather than a guess: it could mean either school year it touches."""
    value = text.strip()
    found = _SCHOOL_YEAR.match(value)
    if found:
        start, end = int(found.group(1)), int(found.group(2))
        if end % 100 == (start + 1) % 100:
            return start
    elif re.fullmatch(r"\d{4}", value):
        year = int(value)
        raise LessonStudyError(
            f"--year {value}: say which school year: {school_year_label(year - 1)}"
            f" or {school_year_label(year)}"
        )
    raise LessonStudyError(f"--year {value!r}: give a school year such as 2025/26")


def parse_status(text: str) -> str:
    value = _SPACES.sub(" ", text.strip().lower().replace("-", " "))
    if value in STATUSES:
        return value
    raise LessonStudyError(f"--status {text!r}: use one of {', '.join(STATUSES)}")
