"""The edited documents of a study file, as typed keys.

A study keeps its edited parts (the overview, each lesson plan, each
discussion ...) as JSON documents with a revision. Code never names a
document by a string: it uses one of the keys below, which carries the type
of the body, so `study_file.read(documents.lesson(2))` is known to give a
`ResearchLesson` and a misspelt kind cannot exist (making a key of an unknown
kind is an error, as is reading a document the study cannot have, such as the
plan of a lesson it does not have). A document never saved reads as its default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

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

DOCUMENT_WORDS: dict[str, str] = {
    "overview": "the initial meeting",
    "members": "the group members",
    "pupils": "the case pupils",
    "lesson": "the plan of RL{key}",
    "discussion": "the discussion of RL{key}",
    "interview": "an interview",
    "findings": "the findings",
    "open_house": "the open house",
    "private_words": "the private words",
}


def words_for(kind: str, key: str) -> str:
    """A document named by a row or a conflict, as the group would say it ("the plan
    of RL2"); a kind this version does not know is named as it is."""
    return DOCUMENT_WORDS.get(kind, kind).format(key=key)


def _known_kind(_document: object, _attribute: object, kind: str) -> None:
    if kind not in BODY_TYPES:
        raise ValueError(f"no kind of document is called {kind!r}")


@attrs.frozen
class Document(Generic[T]):
    """One document of a study: its kind, its key and the type of its body."""

    kind: str = attrs.field(validator=_known_kind)
    key: str
    body_type: Any  # what the converter structures the body as (T, or list[...] for lists)
    # What it holds before anyone saved it; None: it exists only once saved (a
    # lesson's plan is made when the lesson is).
    make_default: Callable[[], T] | None = attrs.field(eq=False, repr=False)
    # It can exist only where this one does (a lesson's discussion, with its plan).
    within: Document[Any] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def words(self) -> str:
        """The document as the group would say it: "the plan of RL2"."""
        return words_for(self.kind, self.key)


class Versioned(NamedTuple, Generic[T]):
    """A document as read: its body (its default if never saved) and its revision
    (0: never saved)."""

    value: T
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
    """The plan of research lesson `number` (made when the lesson is added)."""
    return Document("lesson", str(number), ResearchLesson, None)


def discussion(number: int) -> Document[Discussion]:
    """The post-lesson discussion of research lesson `number`."""
    return Document(
        "discussion",
        str(number),
        Discussion,
        lambda: Discussion(lesson=number),
        within=lesson(number),
    )


def interview(item: Interview) -> Document[Interview]:
    """One interview (keyed by its id; its default is the interview as given)."""
    return Document("interview", str(item.id), Interview, lambda: item)


def from_row(kind: str, key: str) -> Document[Any]:
    """The document a row of the file (or a conflict) names (ValueError: no such kind)."""
    return Document(kind, key, BODY_TYPES.get(kind), None)


SINGLE_DOCUMENTS: tuple[Document[Any], ...] = (OVERVIEW, MEMBERS, PUPILS, FINDINGS, OPEN_HOUSE)
"""Documents every study has from the day it is created."""
