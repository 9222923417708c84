"""People as the write-ups name them: case pupils by label and pseudonym, the group by
its members, visitors by number. The model only: the notes' CSV names people without
importing the rest of the write-ups' context (the evidence grid, the cycle's facts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lessonstudy.model import CasePupil, Study


def pupil_name(pupil: CasePupil) -> str:
    """Label and pseudonym only: "A (Sam)", or "A" while the pseudonym is blank."""
    pseudonym = pupil.pseudonym.strip()
    return f"{pupil.label} ({pseudonym})" if pseudonym else pupil.label


def group_name(study: Study) -> str:
    """The group, as the author of its write-ups: its members' names."""
    names = [m.name.strip() for m in study.members if m.name.strip()]
    return ", ".join(names) if names else "The lesson study group"


def visitor_names(study: Study) -> dict[str, str]:
    """Visitors by number in the order they first wrote ("Visitor 1"): a visitor
    gave a name to join, not to be named in what the group publishes."""
    names: dict[str, str] = {}
    for note in study.guest_notes():
        names.setdefault(note.observer, f"Visitor {len(names) + 1}")
    return names
