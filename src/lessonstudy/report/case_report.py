"""The case report for a library of teacher research: a structured abstract and metadata.

Digital libraries of teacher research (Camtree, the Lesson Study Alliance's
reports database) ask for a structured abstract (background and purpose,
aims, design, findings) and metadata (title, authors, date, phase, subject,
keywords). The abstract is the group's own words where the group wrote them;
only the design is written by lessonstudy, from what the study recorded as it
happened (the same facts as the methods appendix). The metadata goes beside
the report as a JSON file (the "sidecar") for the library's submission form.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lessonstudy import __version__, process
from lessonstudy.model import Study
from lessonstudy.process.timeline import lesson_day

Data = dict[str, Any]
METADATA_FORMAT = "lessonstudy-case-report"
METADATA_VERSION = 1


def sidecar_path(report: Path) -> Path:
    """Where a case report's metadata goes: beside it, `NAME.json`."""
    return report.with_suffix(".json")


def _join(*texts: str) -> str:
    return "\n\n".join(t.strip() for t in texts if t and t.strip())


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def design(study: Study, context: Data) -> str:
    """How the study was done, in a few sentences, from what it recorded."""
    cls = context["class"]
    lessons = study.lessons
    cycles = [process.cycle_facts(study, lesson) for lesson in lessons]
    taught = [c for c in cycles if c.taught]
    dates = sorted(day for lesson in lessons if (day := lesson_day(study, lesson)))
    members = [m for m in context["members"] if m["name"].strip()]
    klass = " ".join(x for x in (cls["year_group"], cls["subject"]) if x) or "one"
    about = [
        x
        for x in (
            f"{cls['pupil_count']} pupils" if cls["pupil_count"] is not None else "",
            cls["attainment"],
        )
        if x
    ]
    who = _count(len(members), "teacher") if members else "a group of teachers"
    when = ""
    if len(dates) > 1:
        when = f", taught between {_long(dates[0])} and {_long(dates[-1])}"
    elif dates:
        when = f", taught on {_long(dates[0])}"
    sentences = [
        f"A lesson study by {who}: {_count(len(lessons), 'research lesson')} with a {klass} class"
        + (f" ({', '.join(about)})" if about else "")
        + when
        + "."
    ]
    groups = [p["learner_group"] for p in context["pupils"] if p["learner_group"]]
    pupils = _count(len(context["pupils"]), "case pupil")
    sentences.append(
        f"The group followed {pupils}"
        + (f", each typical of a group of learners — {'; '.join(groups)} —" if groups else "")
        + " and before each lesson predicted how each would respond at every stage."
    )
    if taught:
        cells = sum(c.predictions.cells for c in taught)
        before = sum(c.predictions.before_teaching for c in taught)
        notes = sum(c.notes for c in taught)
        interviews = sum(c.interviews for c in taught)
        discussed = sum(1 for c in taught if c.discussion_held)
        agreed = sum(len(c.changes.agreed) for c in cycles)
        carried = sum(c.changes.carried for c in cycles if c.changes.following is not None)
        facts = [
            f"{before} of {cells} predictions dated before the lesson was taught",
            f"{_count(notes, 'note')} by the observers on what the case pupils did",
            _count(interviews, "pupil interview"),
            f"{_count(discussed, 'post-lesson discussion')}, comparing what was predicted with"
            " what was seen",
        ]
        if agreed:
            facts.append(f"{_count(agreed, 'change')} agreed, {carried} carried into the next plan")
        sentences.append(
            f"In the {_count(len(taught), 'lesson')} taught: " + "; ".join(facts) + "."
        )
    else:
        sentences.append("No research lesson has been taught yet.")
    return " ".join(sentences)


def abstract(study: Study, context: Data) -> Data:
    """The structured abstract: the group's words, and the design from the record."""
    findings = context["findings"]
    return {
        "background_and_purpose": _join(context["context"], context["focus"]),
        "aims": _join(context["question"], context["aim"]),
        "design": design(study, context),
        # The key points, as one paragraph; else what the pupils learned and the practice.
        "findings": " ".join(p.strip() for p in context["key_points"])
        or _join(findings["pupils_learning"], findings["practice_developed"]),
    }


def report_date(study: Study) -> dt.date:
    """The date of the study's last recorded event (open house, lesson, discussion), else today."""
    days = [day for lesson in study.lessons if (day := lesson_day(study, lesson))]
    days += [d.date for d in study.discussions if d.date]
    if study.open_house.date:
        days.append(study.open_house.date)
    return max(days) if days else dt.date.today()


def metadata(study: Study, context: Data, report_name: str, keywords: list[str]) -> Data:
    """The case report's metadata, ready to be written as JSON."""
    from lessonstudy.terms import phase, year_group_key

    cls = context["class"]
    given = [k.strip() for k in keywords if k.strip()]
    derived = [
        "lesson study",
        cls["subject"],
        year_group_key(cls["year_group"]),
        phase(cls["year_group"]),
    ]
    seen: set[str] = set()
    words = []
    for word in [*derived, *given]:
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return {
        "format": METADATA_FORMAT,
        "version": METADATA_VERSION,
        "title": context["title"],
        "authors": [m["name"] for m in context["members"] if m["name"].strip()],
        "date": report_date(study).isoformat(),
        "phase": phase(cls["year_group"]),
        "subject": cls["subject"],
        "year_group": year_group_key(cls["year_group"]),
        "keywords": words,
        "abstract": abstract(study, context),
        "useful_for": context["useful_for"],
        "key_points": context["key_points"],
        "report": report_name,
        "made_by": f"lessonstudy {__version__}",
    }
