"""The edited documents of a study file, as typed keys.

A study keeps its edited parts (the overview, each lesson plan, each
discussion ...) as JSON documents with a revision. Code never names a
document by a string: it uses one of the keys below, which carries the type
of the body, so `study_file.read(documents.lesson(2))` is known to give a
`ResearchLesson` and a misspelt kind cannot exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar
from uuid import UUID

import attrs

from lessonstudy.model import (
    CasePupil,
    Discussion,
    Findings,
    Interview,
    Member,
    OpenHouse,
    Overview,
    PrivateWords,
    ResearchLesson,
)

T = TypeVar("T")


@attrs.frozen
class Document(Generic[T]):
    """One document of a study: its kind, its key and the type of its body."""

    kind: str
    key: str
    body_type: Any  # what the converter structures the body as (T, or list[...] for lists)
    make_default: Callable[[], T] = attrs.field(eq=False, repr=False)

    def default(self) -> T:
        """What the document holds before anyone saved it."""
        return self.make_default()


class Versioned(NamedTuple, Generic[T]):
    """A document as read: its body (None if never saved) and its revision (0: never saved)."""

    value: T | None
    revision: int


OVERVIEW: Document[Overview] = Document("overview", "", Overview, Overview)
MEMBERS: Document[list[Member]] = Document("members", "", list[Member], list)
PUPILS: Document[list[CasePupil]] = Document("pupils", "", list[CasePupil], list)
FINDINGS: Document[Findings] = Document("findings", "", Findings, Findings)
OPEN_HOUSE: Document[OpenHouse] = Document("open_house", "", OpenHouse, OpenHouse)
# The words that must never leave the study file: read by the write-ups' guard,
# never part of `Study`, so never exported.
PRIVATE_WORDS: Document[PrivateWords] = Document("private_words", "", PrivateWords, PrivateWords)


def lesson(number: int) -> Document[ResearchLesson]:
    """The plan of research lesson `number`."""
    return Document("lesson", str(number), ResearchLesson, lambda: ResearchLesson(number=number))


def discussion(number: int) -> Document[Discussion]:
    """The post-lesson discussion of research lesson `number`."""
    return Document("discussion", str(number), Discussion, lambda: Discussion(lesson=number))


def interview(item: Interview) -> Document[Interview]:
    """One interview (keyed by its id; its default is the interview as given)."""
    return Document("interview", str(item.id), Interview, lambda: item)


def interview_by_id(interview_id: UUID, lesson_number: int) -> Document[Interview]:
    return Document(
        "interview",
        str(interview_id),
        Interview,
        lambda: Interview(lesson=lesson_number, interviewee="", id=interview_id),
    )


# Every kind a study file may hold, and the type of its body: what check and
# merge use for rows read back from a file.
BODY_TYPES: dict[str, Any] = {
    "overview": Overview,
    "members": list[Member],
    "pupils": list[CasePupil],
    "lesson": ResearchLesson,
    "discussion": Discussion,
    "interview": Interview,
    "findings": Findings,
    "open_house": OpenHouse,
    "private_words": PrivateWords,
}

SINGLE_DOCUMENTS: tuple[Document[Any], ...] = (OVERVIEW, MEMBERS, PUPILS, FINDINGS, OPEN_HOUSE)
"""Documents every study has from the day it is created."""
