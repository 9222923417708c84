"""One study, read for the library: its card, its searchable text and its facts.

A study is opened read-only and read in full; what comes out is plain data
that may be shown to any colleague in the school:

- every piece of typed text has the case pupils' pseudonyms and the group's
  private words (pupils' real names) masked, as "[pupil A]" or "[withheld]";
  private notes are never read into it at all;
- case pupils appear only as the learner group each is typical of;
- the facts for the impact summary are counts from `process.cycle_facts`
  (what the study recorded as it happened), never a rating of anyone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from lessonstudy import process, terms
from lessonstudy.model import CLASS, IntervieweeKind, Judgement, PrivateWords, Study
from lessonstudy.store import StudyFile, documents, summary

WITHHELD = "[withheld]"
# Our own highlight markers in search snippets: typed text never carries them.
_MARKERS = re.compile("[\x02\x03]")
LEARNED_LENGTH = 200  # characters of "what was learned" kept on the card


@attrs.frozen
class Part:
    """One searchable piece of a study, and where it is in a reader's words."""

    place: str  # "Focus", "RL2 notes, stage 3: Fraction wall"
    text: str
    weight: float  # how much a match here counts (the title more than a note)


@attrs.frozen
class Extract:
    study_id: str
    stamp: str  # the study's own stamp (store.summary): changes with every write
    card: dict[str, Any]  # what the library lists
    parts: list[Part]
    facts: dict[str, Any]  # what the impact summary is built from


# --------------------------------------------------------------------------- masking


class Masker:
    """Masks case pupils' pseudonyms and the group's private words in typed text.

    Whole words, in any case, longest first (as the write-ups' guard finds them).
    A pseudonym of one letter, or the same as the label, is no name: left alone."""

    def __init__(self, study: Study, private: PrivateWords | None) -> None:
        replacement: dict[str, str] = {}
        labels = set(study.labels)
        for word in private.words if private else []:
            text = word.text.strip()
            if text:
                shown = f"[pupil {word.pupil}]" if word.pupil in labels else WITHHELD
                replacement.setdefault(text.casefold(), shown)
        for pupil in study.pupils:
            name = pupil.pseudonym.strip()
            if len(name) > 1 and name.casefold() != pupil.label.casefold():
                replacement.setdefault(name.casefold(), f"[pupil {pupil.label}]")
        self._replacement = replacement
        words = sorted(replacement, key=len, reverse=True)
        alternatives = "|".join(re.escape(word) for word in words)
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if words else None
        )

    def __call__(self, text: str) -> str:
        text = _MARKERS.sub(" ", text)
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._replacement[m.group(0).casefold()], text)


# --------------------------------------------------------------------------- reading


def read_study(path: Path) -> Extract:
    """Open `path` read-only and extract it (LessonStudyError if it cannot be read)."""
    with StudyFile.open(path, read_only=True) as study_file:
        # The stamp first: a write that lands while we read makes it stale, and the
        # next look at the folder reads the study again rather than missing it.
        with study_file.snapshot() as con:
            stamp = summary.stamp(con)
        study = study_file.load()
        private = study_file.read(documents.PRIVATE_WORDS).value
    return extract(study, private, stamp)


def extract(study: Study, private: PrivateWords | None, stamp: str) -> Extract:
    mask = Masker(study, private)
    grids = {lesson.number: process.evidence_grid(study, lesson.number) for lesson in study.lessons}
    cycles = [process.cycle_facts(study, lesson, grids[lesson.number]) for lesson in study.lessons]
    return Extract(
        study_id=str(study.id),
        stamp=stamp,
        card=_card(study, cycles, mask),
        parts=[part for part in _parts(study, grids, mask) if part.text.strip()],
        facts=_facts(study, grids, cycles, mask),
    )


Grids = dict[int, process.EvidenceGrid]


def _dates(study: Study) -> list[dt.date]:
    lessons = [lesson.date for lesson in study.lessons if lesson.date]
    if lessons:
        return sorted(lessons)
    others = [d.date for d in study.discussions if d.date] + (
        [study.open_house.date] if study.open_house.date else []
    )
    return sorted(others)


def status(study: Study, cycles: list[process.CycleFacts]) -> tuple[str, str]:
    """Where the study stands: one of terms.STATUSES, and how far it got, in words.

    By the furthest point reached, not the first step left open (a plan's unticked
    checklist item must not make a written-up study read "next: RL1 plan"):
    complete once every lesson was taught and discussed and the findings written."""
    lessons = len(cycles)
    taught = [c for c in cycles if c.taught]
    if not taught:
        steps = process.steps(study)
        if all(s.state is process.StepState.NOT_STARTED for s in steps):
            return "not started", "nothing recorded yet"
        first = f"RL{cycles[0].lesson}" if cycles else "the first research lesson"
        return "planning", f"planning {first}"
    last = taught[-1]
    if len(taught) < lessons or not cycles[-1].discussion_held:
        discussed = ", discussed" if last.discussion_held else ", not yet discussed"
        return "teaching", f"RL{last.lesson} of {lessons} taught{discussed}"
    house = process.open_house_step(study).state is process.StepState.DONE
    if process.write_up_step(study).state is process.StepState.DONE:
        shared = "; open house held" if house else ""
        return "complete", f"complete: {lessons} research lessons, written up{shared}"
    return "writing up", f"all {lessons} lessons taught and discussed; findings to write up"


def _learned(study: Study) -> str:
    findings = study.findings
    for text in (*findings.key_points, findings.pupils_learning, findings.practice_developed):
        if text.strip():
            return " ".join(text.split())
    return ""


def _card(study: Study, cycles: list[process.CycleFacts], mask: Masker) -> dict[str, Any]:
    overview = study.overview
    details = overview.class_details
    dates = _dates(study)
    state, stands = status(study, cycles)
    learned = mask(_learned(study))
    if len(learned) > LEARNED_LENGTH:
        learned = learned[: LEARNED_LENGTH - 1].rstrip() + "…"
    return {
        "title": mask(overview.title.strip()) or "(untitled study)",
        "subject": mask(details.subject.strip()),
        "year_group": terms.year_group_key(mask(details.year_group)),
        "school_year": terms.school_year_of(dates[0]) if dates else None,
        "first_date": dates[0].isoformat() if dates else None,
        "last_date": dates[-1].isoformat() if dates else None,
        "status": state,
        "stands": stands,
        "learned": learned,
        "focus": mask(overview.focus.strip()),
        "group": [mask(m.name.strip()) for m in study.members if m.name.strip()],
        "learner_groups": [_learner_group(p.learner_group, mask) for p in study.pupils],
        "lessons": len(study.lessons),
        "taught": sum(1 for c in cycles if c.taught),
    }


def _learner_group(text: str, mask: Masker) -> str:
    return mask(" ".join(text.split()).rstrip(".")) or "learner group not recorded"


# --------------------------------------------------------------------------- searchable parts


def _lines(texts: Iterable[str]) -> str:
    return "\n".join(t.strip() for t in texts if t and t.strip())


def _parts(study: Study, grids: Grids, mask: Masker) -> Iterator[Part]:
    o = study.overview
    details = o.class_details
    f = study.findings

    def part(place: str, text: str, weight: float = 1.0) -> Part:
        return Part(place, mask(text), weight)

    yield part("Title", o.title, 4)
    yield part("Focus", o.focus, 3)
    yield part("Research question", o.research_question, 3)
    yield part("Technique", o.technique, 3)
    yield part("Evidence consulted", _lines([o.evidence, *o.references]), 2)
    yield part("Aim", o.aim, 2)
    yield part("Class", _lines([details.year_group, details.subject, details.attainment]), 2)
    yield part("Context", _lines([o.context, o.group_experience, o.decided_against]))
    yield part("Group", _lines(m.name for m in study.members))
    # Case pupils only as the learner group each is typical of (and why chosen):
    # never a pseudonym, never the private note.
    yield part(
        "Case pupils' learner groups",
        _lines(_lines([p.learner_group, p.why_chosen]) for p in study.pupils),
        2,
    )
    for lesson in study.lessons:
        name = f"RL{lesson.number}"
        yield from _lesson_parts(study, grids[lesson.number], name, part)
    yield part("Key points", _lines(f.key_points), 2)
    yield part("What the pupils learned", _lines([f.pupils_learning, *f.end_points.values()]), 2)
    yield part("Practice developed", f.practice_developed, 2)
    yield part("Sharing and next steps", _lines([f.to_share, f.how_shared, f.next_steps]))
    house = study.open_house
    yield part("Open house", _lines([house.briefing, house.visitor_notes]))


def _lesson_parts(
    study: Study, grid: process.EvidenceGrid, name: str, part: Callable[..., Part]
) -> Iterator[Part]:
    number = grid.lesson
    lesson = study.lesson(number)
    assert lesson is not None
    plan = [
        lesson.aspect,
        lesson.objective,
        lesson.learning_intentions,
        lesson.success_criteria,
        *lesson.pupil_success_criteria.values(),
        lesson.resources,
        lesson.initial_thoughts,
    ]
    for stage in lesson.stages:
        plan += [stage.title, stage.teacher_activity, stage.pupil_activity, stage.assessment]
        plan += [*stage.predictions.values(), *stage.observed.values(), stage.patterns]
    yield part(f"{name} plan", _lines(plan))
    for row in grid.rows:
        notes = [n for cell in row.cells.values() for n in cell.notes] + list(row.class_notes)
        notes.sort(key=lambda n: n.at)
        title = f": {row.stage.title.strip()}" if row.stage.title.strip() else ""
        yield part(f"{name} notes, stage {row.number}{title}", _lines(n.text for n in notes))
    yield part(f"{name} notes in no stage", _lines(n.text for n in grid.unplaced))
    answers = [a.answer for i in study.lesson_interviews(number) for a in i.answers]
    yield part(f"{name} pupil interviews", _lines(answers))
    discussion = study.discussion(number)
    if discussion is not None:
        points = [p for points in discussion.records.values() for p in points]
        yield part(f"{name} discussion", _lines([*points, discussion.commentator_remarks]))
        yield part(f"{name} agreed changes", _lines(discussion.agreed_changes), 2)


# --------------------------------------------------------------------------- facts for the impact


def _judgement_counts(judgements: Iterable[Judgement | None]) -> dict[str, int]:
    counts = {j.value: 0 for j in process.JUDGEMENT_ORDER}
    for judgement in judgements:
        if judgement is not None:
            counts[judgement.value] += 1
    return {key: n for key, n in counts.items() if n}


def _facts(
    study: Study, grids: Grids, cycles: list[process.CycleFacts], mask: Masker
) -> dict[str, Any]:
    findings = study.findings
    pupils = []
    for pupil in study.pupils:
        lessons = []
        for lesson in study.lessons:
            rows = grids[lesson.number].rows
            cells = [row.cells[pupil.label] for row in rows if pupil.label in row.cells]
            notes = [n for cell in cells for n in cell.notes]
            lessons.append(
                {
                    "lesson": lesson.number,
                    "criterion": mask(lesson.pupil_success_criteria.get(pupil.label, "").strip()),
                    "group": _judgement_counts(cell.group for cell in cells),
                    "notes_marked": _judgement_counts(n.judgement for n in notes),
                    "notes": len(notes),
                }
            )
        pupils.append(
            {
                "learner_group": _learner_group(pupil.learner_group, mask),
                "lessons": lessons,
                "end_point": mask(findings.end_points.get(pupil.label, "").strip()),
                "interviewed": sum(
                    1
                    for i in study.interviews
                    if not i.deleted
                    and i.kind is IntervieweeKind.CASE_PUPIL
                    and i.interviewee == pupil.label
                ),
            }
        )
    return {
        "cycles": [_cycle(c, mask) for c in cycles],
        "pupils": pupils,
        "practice_developed": mask(findings.practice_developed.strip()),
        "pupils_learning": mask(findings.pupils_learning.strip()),
        "key_points": [mask(p.strip()) for p in findings.key_points if p.strip()],
        "protocol_agreed": study.overview.protocol_agreed,
        "class_notes": sum(1 for n in study.notes if n.about == CLASS and not n.deleted),
    }


def _cycle(c: process.CycleFacts, mask: Masker) -> dict[str, Any]:
    p = c.predictions
    return {
        "lesson": c.lesson,
        "date": c.date.isoformat() if c.date else None,
        "taught": c.taught,
        "stages": c.stages,
        "pupils": len(c.observers),
        "predictions": {
            "cells": p.cells,
            "written": p.written,
            "carried": p.carried,
            "missing": p.missing,
            "before_teaching": p.before_teaching,
            "undated": p.undated,
            "changed_after_start": p.changed_after_start,
        },
        "pupils_with_observer": c.pupils_with_observer,
        "pupils_seen_every_stage": c.pupils_seen_every_stage,
        "notes": c.notes,
        "interviews": c.interviews,
        "pupils_interviewed": c.pupils_interviewed,
        "interviews_same_day": c.interviews_same_day,
        "discussion_held": c.discussion_held,
        "discussion_days_after": c.discussion_days_after,
        "changes": {
            "following": c.changes.following,
            "agreed": len(c.changes.agreed),
            "carried": c.changes.carried,
            "worked_in": c.changes.worked_in,
            "items": [
                {"text": mask(o.text.strip()), "status": o.status.value} for o in c.changes.agreed
            ],
        },
    }
