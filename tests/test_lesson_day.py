"""A lesson's day is the day it was taught, from its record; the plan's date only until
then (process.timeline.lesson_day). Seen in a trial: RL1 planned for 3 February and taught,
interviewed and discussed on 8 December was dated 3 February in the report, with its
discussion "308 days later"."""

from __future__ import annotations

import datetime as dt

from lessonstudy import report
from lessonstudy.model import Discussion
from lessonstudy.process import cycle_facts
from lessonstudy.process.timeline import day_taught, lesson_day
from store_helpers import TZ, mark, note, planned_study

TAUGHT = dt.datetime(2026, 12, 8, 9, 5, tzinfo=TZ)


def moved_lesson():
    study = planned_study()
    rl1 = study.lesson(1)
    assert rl1 is not None
    rl1.date = dt.date(2026, 2, 3)  # as planned; taught on 8 December
    clock = mark(study)  # the clock moved to the first stage on the day it was taught
    clock.at = TAUGHT
    study.marks.append(clock)
    study.notes.append(note(study, "counts on in ones", at=TAUGHT + dt.timedelta(minutes=3)))
    study.interviews[0].started = TAUGHT + dt.timedelta(hours=1)
    study.discussions.append(Discussion(lesson=1, date=dt.date(2026, 12, 8)))
    study.discussions[-1].records["evidence"] = ["A counted on in ones."]
    return study


def test_a_lesson_taught_on_another_day_than_planned_is_dated_by_its_record():
    study = moved_lesson()
    rl1, rl2 = study.lesson(1), study.lesson(2)
    assert rl1 is not None and rl2 is not None
    assert day_taught(study, 1) == dt.date(2026, 12, 8)
    assert lesson_day(study, rl1) == dt.date(2026, 12, 8)
    assert lesson_day(study, rl2) == dt.date(2026, 3, 2)  # not taught: as planned
    facts = cycle_facts(study, rl1)
    assert facts.date == dt.date(2026, 12, 8)
    assert facts.discussion_days_after == 0 and facts.discussion_soon
    assert facts.interviews_same_day == 1


def test_without_stage_marks_the_earliest_note_dates_the_lesson():
    study = moved_lesson()
    study.marks.clear()
    assert day_taught(study, 1) == dt.date(2026, 12, 8)
    study.notes.clear()
    assert day_taught(study, 1) is None


def test_the_report_dates_the_lesson_by_its_record_and_says_when_it_was_planned():
    markdown = report.render_markdown(moved_lesson(), kind="report")
    assert "8 December 2026 (planned for 3 February 2026)." in markdown
    assert "(8 December 2026, the same day)" in markdown
    assert "308 days" not in markdown and "3 February 2026 (" not in markdown.replace(
        "(planned for 3 February 2026)", ""
    )
    assert "### RL1, 8 December 2026 (1 note)" in markdown
    assert "the day of the lesson" in markdown  # the interview, an hour after


def test_the_notes_csv_dates_the_notes_by_the_day_taught():
    rows = report.render(moved_lesson(), kind="report", fmt="csv").decode("utf-8-sig")
    first = rows.splitlines()[1].split(",")
    assert first[:2] == ["RL1", "2026-12-08"]
