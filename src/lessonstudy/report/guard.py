"""The real-name guard: no write-up leaves with a word the group keeps private.

The group lists, privately in the study file, the words that must never leave
it (pupils' real names, nicknames). Every write-up's text is checked against
them before it is written: a whole word, in any case ("Mo" does not hit
"Moment"; "mo" hits "Mo's"). A hit stops the export and says where it is,
unless the group asks to mask: then each hit is replaced by the pseudonym of
the pupil the word stands for (or by a neutral mark) before the write-up is
made, and the result is checked again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CasePupil, PrivateWords, Study

WITHHELD = "[withheld]"  # what masks a private word that is not a case pupil's
SNIPPET = 36  # characters shown either side of a hit
SHOWN_IN_ONE_LINE = 3  # hits named in the one-line refusal


@attrs.frozen
class Hit:
    word: str  # as the group listed it
    where: str  # the part of the write-up, in a reader's words
    snippet: str  # the text around it


class PrivateWordsFound(LessonStudyError):
    """A write-up holds a private word; `hits` says each one and where."""

    def __init__(self, what: str, hits: list[Hit]) -> None:
        self.hits = hits
        shown = "; ".join(
            f"“{h.word}” in {h.where} (…{h.snippet}…)" for h in hits[:SHOWN_IN_ONE_LINE]
        )
        more = len(hits) - SHOWN_IN_ONE_LINE
        rest = f"; and {more} more" if more > 0 else ""
        super().__init__(
            f"the {what} holds {len(hits)} of the group's private words: {shown}{rest};"
            " change the text in the study, or write it with --mask to put the pseudonym instead"
        )


def checked(private: PrivateWords, pupils: Iterable[CasePupil]) -> PrivateWords:
    """The words to check: not a pupil's own pseudonym (printed everywhere, by design:
    a real name the same as the pseudonym is no secret, and the pseudonym is no leak)."""
    shown = {p.pseudonym.strip().casefold() for p in pupils if p.pseudonym.strip()}
    return PrivateWords([w for w in private.words if w.text.strip().casefold() not in shown])


def pattern(private: PrivateWords) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern for every private word (longest first,
    so "Mo Farah" wins over "Mo")."""
    words = sorted({w.text.strip() for w in private.words if w.text.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _snippet(text: str, match: re.Match[str]) -> str:
    start = max(0, match.start() - SNIPPET)
    end = min(len(text), match.end() + SNIPPET)
    return " ".join(text[start:end].split())


def _canonical(private: PrivateWords, found: str) -> str:
    for word in private.words:
        if word.text.strip().casefold() == found.casefold():
            return word.text.strip()
    return found


def find_in_blocks(private: PrivateWords, blocks: Iterable[tuple[str, str]]) -> list[Hit]:
    """Hits in (where, text) blocks of a write-up, in order."""
    found = pattern(private)
    if found is None:
        return []
    hits = []
    for where, text in blocks:
        for match in found.finditer(text):
            hits.append(Hit(_canonical(private, match.group(0)), where, _snippet(text, match)))
    return hits


def markdown_blocks(markdown: str) -> Iterator[tuple[str, str]]:
    """Each block of a write-up's Markdown as a reader sees it, with the headings above it."""
    from markdown_it import MarkdownIt

    trail: list[str] = []
    level = 0
    in_heading = False
    table_row = 0
    for token in MarkdownIt("js-default").parse(markdown):
        if token.type == "heading_open":
            level = int(token.tag[1])
            in_heading = True
            continue
        if token.type == "heading_close":
            in_heading = False
            continue
        if token.type == "tr_open":
            table_row += 1
        elif token.type in ("table_open", "table_close"):
            table_row = 0
        if token.type != "inline":
            continue
        text = "".join(
            " " if child.type in ("softbreak", "hardbreak") else child.content
            for child in token.children or ()
            if child.type in ("text", "text_special", "code_inline", "softbreak", "hardbreak")
        )
        if in_heading:
            del trail[max(level - 1, 0) :]
            trail.extend([""] * (level - 1 - len(trail)))
            trail.append(text)
            yield ("the heading " + " › ".join(t for t in trail if t), text)
            continue
        place = " › ".join(t for t in trail[1:] if t) or "the opening, under the title"
        if table_row:
            place += f", table row {table_row}"
        yield (place, text)


def find_in_markdown(private: PrivateWords, markdown: str) -> list[Hit]:
    found = pattern(private)
    if found is None or not _may_hold(found, private, markdown):
        return []
    return find_in_blocks(private, markdown_blocks(markdown))


def _may_hold(found: re.Pattern[str], private: PrivateWords, markdown: str) -> bool:
    """A quick look at the raw Markdown before parsing it: a word can only be there
    as typed or as escaped for Markdown (a backslash before its punctuation)."""
    if found.search(markdown):
        return True
    from lessonstudy.report.escape import md_line

    escaped = PrivateWords([attrs.evolve(w, text=str(md_line(w.text))) for w in private.words])
    again = pattern(escaped)
    return again is not None and again.search(markdown) is not None


def find_in_data(private: PrivateWords, data: Any, path: str = "$") -> list[Hit]:
    """Hits in JSON-ready data (an export), each where its JSON path says."""

    def blocks(value: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from blocks(item, f"{where}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from blocks(item, f"{where}.{key}")

    return find_in_blocks(private, blocks(data, path))


def find_in_csv(private: PrivateWords, data: bytes) -> list[Hit]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(rows, [])
    blocks = (
        (f"row {number}, column “{header[col] if col < len(header) else col + 1}”", cell)
        for number, row in enumerate(rows, start=1)
        for col, cell in enumerate(row)
    )
    return find_in_blocks(private, blocks)


# --------------------------------------------------------------------------- masking


def masked(study: Study, private: PrivateWords) -> Study:
    """The study with every private word in what a person typed replaced by the
    pseudonym of the pupil it stands for (label if no pseudonym), else a neutral mark."""
    found = pattern(private)
    if found is None:
        return study
    names = {p.label: (p.pseudonym.strip() or p.label) for p in study.pupils}
    replacement: dict[str, str] = {}
    for word in private.words:
        key = word.text.strip().casefold()
        if key and key not in replacement:
            replacement[key] = names.get(word.pupil, WITHHELD)

    def mask(text: str) -> str:
        return found.sub(lambda m: replacement.get(m.group(0).casefold(), WITHHELD), text)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return mask(value)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):  # keyed by labels, names and step ids: keys stay
            return {key: walk(item) for key, item in value.items()}
        if attrs.has(type(value)):
            return attrs.evolve(
                value,
                **{
                    f.name: walk(getattr(value, f.name))
                    for f in attrs.fields(type(value))
                    if f.name not in NOT_TYPED
                },
            )
        return value  # numbers, dates, times, ids, choices

    masked: Study = walk(study)
    return masked


# Fields that hold labels and names of choices, never typed prose.
NOT_TYPED = frozenset({"label", "about", "protocol"})
