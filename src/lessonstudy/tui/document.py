"""A document being edited on screen: autosaved on every change, with undo.

Screens hold one `EditedDocument` per study document they edit (the overview,
a lesson plan, a discussion...). Each change is applied to the attrs object
and saved at once (nothing typed is ever lost); consecutive changes to the
same field fold into one undo step, so undo takes back a whole edit of a
field rather than one keystroke.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.store import Saved, StudyFile
from lessonstudy.store.documents import Document

T = TypeVar("T")


@attrs.frozen
class NotSaved:
    """A save that failed (the file busy or unwritable): the edit is kept in memory
    and `retry()` tries again. Nothing typed is dropped, and the app does not stop."""

    reason: str
    document: EditedDocument[Any]

    def retry(self) -> Saved | NotSaved | None:
        return self.document.retry()


class EditedDocument(Generic[T]):
    def __init__(
        self,
        study_file: StudyFile,
        document: Document[T],
        new: Callable[[], T] | None = None,
    ) -> None:
        """`new`: what to show while nobody has saved the document (else its default)."""
        self.study_file = study_file
        self.document = document
        self._new = new
        self.value: T
        self._base: T  # the value as last read or saved: what our edits are made from
        self.revision = 0
        self._undo: list[tuple[str, T]] = []
        self.last_saved: Saved | None = None
        self.pending = False  # an edit that could not be saved yet
        self.reload()

    def reload(self) -> bool:
        """Read the document again; True if it changed since we last read or saved it.

        Someone else's newer version clears the undo history: undo must never put
        back our old copy over their work. An edit still waiting to be saved is
        kept rather than replaced."""
        if self.pending:
            return False
        value, revision = self.study_file.read(self.document)
        if revision and revision == self.revision:
            return False
        if self.revision:
            self._undo.clear()
        self.value = self._new() if revision == 0 and self._new is not None else value
        self._base = copy.deepcopy(self.value)
        self.revision = revision
        return True

    def is_stale(self) -> bool:
        """True when someone else saved a newer revision."""
        return self.study_file.revision(self.document) != self.revision

    def change(self, mutate: Callable[[T], object], field: str = "") -> Saved | NotSaved:
        """Apply `mutate` to the document and save it.

        `field` names what is being edited: consecutive changes to the same
        field are one undo step.
        """
        if not (self._undo and field and self._undo[-1][0] == field):
            self._undo.append((field, copy.deepcopy(self.value)))
            del self._undo[:-100]
        mutate(self.value)
        return self._save()

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Saved | NotSaved | None:
        """Put back the document as it was before the last edit (and save that)."""
        if not self._undo:
            return None
        _field, previous = self._undo.pop()
        self.value = previous
        return self._save()

    def retry(self) -> Saved | NotSaved | None:
        """Save an edit that could not be saved before; None if nothing waits."""
        return self._save() if self.pending else None

    def _save(self) -> Saved | NotSaved:
        try:
            saved = self.study_file.save_edit(self.document, self._base, self.value, self.revision)
        except LessonStudyError as error:
            self.pending = True
            return NotSaved(str(error), self)
        self.pending = False
        if saved.merged is not None:
            # Our changes went onto someone else's newer version: show what is saved.
            self.value = saved.merged
            self._undo.clear()  # undo must never put back our old copy over theirs
        self.revision = saved.revision
        self._base = copy.deepcopy(self.value)
        self.last_saved = saved
        return saved
