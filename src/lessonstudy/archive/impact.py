"""What a school's lesson studies achieved: the impact summary, as plain data.

For school leaders and governors asking "how do we know our professional
development worked?", answered from what each study recorded as it happened
(the facts `extract` keeps from `process.cycle_facts`), and only that:

- how faithful each cycle was: predictions written before teaching, every
  case pupil with a named observer and seen at every stage, interviews held,
  the discussion held the day of the lesson or the next;
- the changes agreed and carried into the next plan; the practice developed;
- the case pupils' progress against their success criteria, by learner group:
  the group's judgements against the predictions, the observers' marks (kept
  apart: where the group did not judge, only counts), and the end points
  the group wrote;
- all of it by subject and by year group.

It names studies and their groups (the teachers who did the work). It never
rates a teacher, and shows pupils only as learner groups. Counts are shown
as "x of y"; where a fact was not recorded it says so rather than guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lessonstudy import terms
from lessonstudy.archive.index import Filters, StudyCard

Data = dict[str, Any]
JUDGEMENT_KEYS = ("as_predicted", "better", "less", "unexpected")
JUDGEMENT_WORDS = {
    "as_predicted": "as predicted",
    "better": "better",
    "less": "less",
    "unexpected": "unexpected",
}
END_POINT_EXAMPLES = 3  # end points quoted per learner group
NOT_RECORDED = "learner group not recorded"  # (as extract writes it)


def _ratio(count: int, total: int) -> Data:
    return {"count": count, "of": total, "text": f"{count} of {total}" if total else "–"}


def _counts_text(counts: dict[str, int]) -> str:
    shown = [f"{counts[k]} {JUDGEMENT_WORDS[k]}" for k in JUDGEMENT_KEYS if counts.get(k)]
    return ", ".join(shown) if shown else "none"


JUDGEMENT_SYMBOLS = {"as_predicted": "=", "better": "+", "less": "-", "unexpected": "?"}


def _counts(counts: dict[str, int]) -> list[Data]:
    """Counts in the judgements' order, each with its symbol (the templates' chips)."""
    return [
        {"key": k, "symbol": JUDGEMENT_SYMBOLS[k], "words": JUDGEMENT_WORDS[k], "count": counts[k]}
        for k in JUDGEMENT_KEYS
        if counts.get(k)
    ]


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for key, n in counts.items():
        into[key] = into.get(key, 0) + n


def _discussion_words(cycle: Data) -> str:
    if not cycle["discussion_held"]:
        return "not held"
    days = cycle["discussion_days_after"]
    if days is None:
        return "held; date not recorded"
    if days == 0:
        return "the same day"
    if days == 1:
        return "the next day"
    if days < 0:
        return f"dated {-days} days before the lesson"
    return f"{days} days later"


class _Tally:
    """Faithfulness counted over taught cycles (a study, a subject, a year group, all)."""

    def __init__(self) -> None:
        self.studies = 0
        self.cycles = 0
        self.cells = self.before = self.undated = 0
        self.observer_cycles = 0
        self.pupils = self.seen_every_stage = 0
        self.interview_cycles = 0
        self.discussed = self.soon = self.undated_discussions = 0
        self.agreed = self.carried = self.worked_in = 0

    def add_study(self, facts: Data) -> None:
        self.studies += 1
        for cycle in facts["cycles"]:
            self.add_cycle(cycle, facts["cycles"])

    def add_cycle(self, cycle: Data, cycles: list[Data]) -> None:
        if not cycle["taught"]:
            return
        self.cycles += 1
        predictions = cycle["predictions"]
        self.cells += predictions["cells"]
        self.before += predictions["before_teaching"]
        self.undated += predictions["undated"]
        self.observer_cycles += cycle["pupils_with_observer"] >= cycle["pupils"] > 0
        self.pupils += cycle["pupils"]
        self.seen_every_stage += cycle["pupils_seen_every_stage"]
        self.interview_cycles += cycle["interviews"] > 0
        if cycle["discussion_held"]:
            self.discussed += 1
            days = cycle["discussion_days_after"]
            if days is None:
                self.undated_discussions += 1
            elif 0 <= days <= 1:
                self.soon += 1
        # Changes count once the next lesson was taught: its plan is what carried them.
        changes = cycle["changes"]
        following = next((c for c in cycles if c["lesson"] == changes["following"]), None)
        if following is not None and following["taught"]:
            self.agreed += changes["agreed"]
            self.carried += changes["carried"]
            self.worked_in += changes["worked_in"]

    def data(self) -> Data:
        return {
            "studies": self.studies,
            "cycles": self.cycles,
            "predictions_before": _ratio(self.before, self.cells),
            "predictions_undated": self.undated,
            "observer_cycles": _ratio(self.observer_cycles, self.cycles),
            "seen_every_stage": _ratio(self.seen_every_stage, self.pupils),
            "interview_cycles": _ratio(self.interview_cycles, self.cycles),
            "discussions_soon": _ratio(self.soon, self.cycles),
            "discussions_undated": self.undated_discussions,
            "changes_carried": _ratio(self.carried, self.agreed),
            "changes_worked_in": _ratio(self.worked_in, self.agreed),
        }


def _study(card: StudyCard, facts: Data) -> Data:
    c = card.card
    cycles = []
    for cycle in facts["cycles"]:
        p = cycle["predictions"]
        changes = cycle["changes"]
        taught = cycle["taught"]
        undated = f" ({p['undated']} undated)" if p["undated"] else ""
        interviews = cycle["interviews"]
        cycles.append(
            {
                "lesson": f"RL{cycle['lesson']}",
                "date": _date(cycle["date"]),
                "taught": taught,
                "predictions": (
                    f"{p['before_teaching']} of {p['cells']}{undated}"
                    if taught
                    else f"not taught; {p['written']} of {p['cells']} written"
                ),
                "observers": f"{cycle['pupils_with_observer']} of {cycle['pupils']}",
                "seen": (
                    f"{cycle['pupils_seen_every_stage']} of {cycle['pupils']}" if taught else "–"
                ),
                "interviews": (
                    f"{interviews}"
                    + (f" ({cycle['pupils_interviewed']} case pupils)" if interviews else "")
                    if taught
                    else "–"
                ),
                "discussion": _discussion_words(cycle) if taught else "–",
                "changes": (
                    f"{changes['agreed']} agreed"
                    + (
                        f" · {changes['carried']} carried · {changes['worked_in']} worked in"
                        if changes["following"] is not None and changes["agreed"]
                        else ""
                    )
                    if cycle["discussion_held"]
                    else "–"
                ),
                "change_items": changes["items"],
                "next": f"RL{changes['following']}" if changes["following"] else "",
            }
        )
    tally = _Tally()
    tally.add_study(facts)
    return {
        "title": c["title"],
        "path": card.path,
        "copies": len(card.copies),
        "group": ", ".join(c["group"]) or "group not recorded",
        "subject": c["subject"] or "subject not recorded",
        "year_group": c["year_group"] or "year group not recorded",
        "school_year": terms.school_year_label(c["school_year"]),
        "status": c["status"],
        "stands": c["stands"],
        "focus": c["focus"],
        "cycles": cycles,
        "faithfulness": tally.data(),
        "practice_developed": facts["practice_developed"],
        # the changes the next plans worked in, as the group agreed them
        "carried": [
            item["text"]
            for cycle in facts["cycles"]
            for item in cycle["changes"]["items"]
            if item["status"] == "done"
        ],
        "key_points": facts["key_points"],
        "learner_groups": sorted({p["learner_group"] for p in facts["pupils"]}),
    }


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


class _GroupProgress:
    """Case pupils typical of one learner group, across the school's studies."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pupils = 0
        self.studies: set[str] = set()
        self.criteria = self.pupil_lessons = 0
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.first_marks: dict[str, int] = {}
        self.last_marks: dict[str, int] = {}
        self.interviewed = 0
        self.end_points: list[Data] = []

    def add(self, pupil: Data, study: Data, taught: set[int]) -> None:
        self.pupils += 1
        self.studies.add(study["title"])
        lessons = [point for point in pupil["lessons"] if point["lesson"] in taught]
        for point in lessons:
            self.pupil_lessons += 1
            self.criteria += bool(point["criterion"])
        if lessons:
            _add(self.first, lessons[0]["group"])
            _add(self.first_marks, lessons[0]["notes_marked"])
        if len(lessons) > 1:
            _add(self.last, lessons[-1]["group"])
            _add(self.last_marks, lessons[-1]["notes_marked"])
        self.interviewed += pupil["interviewed"] > 0
        if pupil["end_point"]:
            self.end_points.append({"text": pupil["end_point"], "study": study["title"]})

    def data(self) -> Data:
        return {
            "name": self.name,
            "pupils": self.pupils,
            "studies": len(self.studies),
            "criteria": _ratio(self.criteria, self.pupil_lessons),
            "first": _counts_text(self.first),
            "last": _counts_text(self.last),
            "first_marks": _counts_text(self.first_marks),
            "last_marks": _counts_text(self.last_marks),
            # the same as symbols, for the written summary (its key says them in words)
            "first_counts": _counts(self.first),
            "last_counts": _counts(self.last),
            "first_marks_counts": _counts(self.first_marks),
            "last_marks_counts": _counts(self.last_marks),
            "interviewed": _ratio(self.interviewed, self.pupils),
            "end_points": _ratio(len(self.end_points), self.pupils),
            "examples": self.end_points[:END_POINT_EXAMPLES],
        }


def build_impact(
    studies: Iterable[tuple[StudyCard, Data]], *, folder: str = "", filters: Filters | None = None
) -> Data:
    """The impact summary of `studies` (cards and facts from `Library.facts`)."""
    overall = _Tally()
    by_subject: dict[str, tuple[str, _Tally]] = {}
    by_year: dict[str, tuple[str, _Tally]] = {}
    groups: dict[str, _GroupProgress] = {}
    rows = []
    teachers: set[str] = set()
    for card, facts in studies:
        study = _study(card, facts)
        rows.append(study)
        teachers.update(card.card["group"])
        overall.add_study(facts)
        subject = card.card["subject"]
        key = terms.subject_key(subject) or "not recorded"
        by_subject.setdefault(key, (subject or "subject not recorded", _Tally()))[1].add_study(
            facts
        )
        year = card.card["year_group"] or "year group not recorded"
        by_year.setdefault(year.casefold(), (year, _Tally()))[1].add_study(facts)
        taught = {cycle["lesson"] for cycle in facts["cycles"] if cycle["taught"]}
        for pupil in facts["pupils"]:
            name = pupil["learner_group"]
            groups.setdefault(name.casefold(), _GroupProgress(name)).add(pupil, study, taught)
    statuses = {status: 0 for status in terms.STATUSES}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    return {
        "title": "Lesson study in our school: what it achieved",
        "folder": folder,
        "filters": filters.words() if filters else "",
        "today": f"{dt.date.today().day} {dt.date.today():%B %Y}",
        "totals": {
            "studies": len(rows),
            "teachers": len(teachers),
            "statuses": [{"status": s, "count": n} for s, n in statuses.items() if n],
            **overall.data(),
        },
        "by_subject": [
            {"name": name, **tally.data()} for name, tally in _sorted_groups(by_subject)
        ],
        "by_year_group": [
            {"name": name, **tally.data()} for name, tally in _sorted_groups(by_year, years=True)
        ],
        "learner_groups": [
            g.data()
            for g in sorted(
                groups.values(),
                key=lambda g: (g.name == NOT_RECORDED, -g.pupils, g.name.casefold()),
            )
        ],
        "studies": rows,
    }


def _sorted_groups(
    groups: dict[str, tuple[str, _Tally]], *, years: bool = False
) -> list[tuple[str, _Tally]]:
    def order(item: tuple[str, tuple[str, _Tally]]) -> tuple[int, str]:
        name = item[1][0]
        if years and name == "Reception":
            return (0, "")
        if years and name.startswith("Year ") and name[5:].isdigit():
            return (int(name[5:]) + 1, "")
        return (100, name.casefold())

    return [value for _key, value in sorted(groups.items(), key=order)]
