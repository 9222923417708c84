"""The notes taken so far, newest first: a virtualised list for thousands of notes.

A `ScrollView` with `render_line`: only the rows on screen are ever rendered,
so 9,000 notes cost no more to show than 9. Notes arrive in batches (the
screen fetches only what changed since it last looked) and are merged in by
id: a corrected note replaces its row, a new one is inserted in time order.
Nothing is ever re-mounted.

No printable key does anything here: a note is corrected with Enter, deleted
(or brought back) with the Delete key, and ctrl+z brings back the note just
deleted. A letter typed while the list has the focus is handed to the note
line (`type_into`), so a note typed straight after a correction is a note,
never a run of commands.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable
from uuid import UUID

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from lessonstudy.model import CLASS, Observation
from lessonstudy.tui.widgets.judgement_style import CRITICAL_STYLE, JUDGEMENT_STYLES

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
OBSERVER_WIDTH = 8
WHO_WIDTH = 6  # "class" or a label, and a space
WIDE_WHO_WIDTH = 13  # a label and the pseudonym ("K Kit"), where the list is wide
WIDE_LIST = 96  # from this many columns the pseudonyms have room
BULK = 64  # more notes than this in one batch are merged with one sort

_SortKey = tuple[float, str]


def short_name(name: str) -> str:
    """'Amira' for 'Amira Bello': enough to tell a small group apart in a narrow column."""
    first = name.split()[0] if name.split() else name
    return first[:OBSERVER_WIDTH]


def _sort_key(note: Observation) -> _SortKey:
    return (note.at.timestamp(), str(note.id))


class NotesTable(ScrollView, can_focus=True):
    """Rows: time, stage, who, judgement, critical, observer, text."""

    DEFAULT_CSS = """
    NotesTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
    }
    NotesTable:focus {
        background-tint: $foreground 5%;
    }
    NotesTable > .notes-table--cursor {
        background: $accent 40%;
    }
    NotesTable > .notes-table--other {
        color: $text-accent;
    }
    NotesTable > .notes-table--mine {
        color: $text-muted;
    }
    NotesTable > .notes-table--deleted {
        color: $text-disabled;
        text-style: strike;
    }
    """

    COMPONENT_CLASSES = {
        "notes-table--cursor",
        "notes-table--other",
        "notes-table--mine",
        "notes-table--deleted",
    }

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "Newest", show=False),
        Binding("end", "move_to(-1)", "Oldest", show=False),
        Binding("enter", "correct", "Correct", id="observe.correct"),
        # One key, not a letter: it deletes a note, or brings a deleted one back.
        Binding("delete", "delete", "Delete", id="observe.delete"),
        # These three are not in the footer, which at 80 columns then ran under the
        # lesson clock's keys and the palette: the toast after a deletion and the
        # list's title name them (and F1 lists every key).
        Binding("ctrl+z", "undo_delete", "Undo delete", id="observe.undo_delete", show=False),
        Binding("ctrl+d", "toggle_deleted", "Show deleted", id="observe.show_deleted", show=False),
        # Not a letter either (letters go to the note line); it asks before it erases.
        Binding(
            "ctrl+e", "erase", "Erase", id="observe.erase", tooltip="Erase for good", show=False
        ),
        Binding("escape", "done", "Note line", id="observe.note_line"),
    ]

    show_deleted: reactive[bool] = reactive(False)
    cursor: reactive[int] = reactive(0)

    class Chosen(Message):
        """The observer asked to do something with a note ('correct', 'delete', 'restore',
        'erase')."""

        def __init__(self, table: NotesTable, note: Observation, action: str) -> None:
            super().__init__()
            self.table = table
            self.note = note
            self.action = action

    class Done(Message):
        """The observer is done with the list (Escape): back to the note line."""

        def __init__(self, table: NotesTable) -> None:
            super().__init__()
            self.table = table

    class CountsChanged(Message):
        def __init__(self, table: NotesTable) -> None:
            super().__init__()
            self.table = table

    def __init__(
        self,
        observer: str,
        stage_numbers: dict[UUID, int] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.observer = observer
        self.stage_numbers = dict(stage_numbers or {})
        self.pupils: dict[str, str] = {}  # label -> pseudonym: "K Kit" reads as a person
        self._notes: dict[UUID, Observation] = {}
        self._keys: list[_SortKey] = []  # all notes, oldest first
        self._ids: list[UUID] = []  # parallel to _keys
        self._visible: list[UUID] = []  # what is shown, oldest first (drawn reversed)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._deleted = 0
        self._just_deleted: UUID | None = None  # shown under the cursor when deleted ones show
        # Where a printable key typed here goes (the screen's note line).
        self.type_into: Callable[[events.Key], None] | None = None
        # A note began here: every key until the list has the focus again is the
        # note's (Enter saves it, Backspace edits it), in the order typed.
        self._typing = False

    # ------------------------------------------------------------------ data

    @property
    def note_count(self) -> int:
        """Notes that are not deleted."""
        return len(self._ids) - self.deleted_count

    @property
    def deleted_count(self) -> int:
        return self._deleted

    @property
    def row_count(self) -> int:
        return len(self._visible)

    def rows(self) -> list[Observation]:
        """The notes shown, in display order (newest first)."""
        return [self._notes[note_id] for note_id in reversed(self._visible)]

    def get(self, note_id: UUID) -> Observation | None:
        return self._notes.get(note_id)

    def notes_since(self, at: dt.datetime | None) -> list[Observation]:
        """The notes (deleted ones too) taken at or after `at` (None: every note)."""
        if at is None:
            return list(self._notes.values())
        start = bisect.bisect_left(self._keys, (at.timestamp(), ""))
        return [self._notes[note_id] for note_id in self._ids[start:]]

    @property
    def selected(self) -> Observation | None:
        if not self._visible:
            return None
        return self._notes[self._visible[len(self._visible) - 1 - self.cursor]]

    def set_stage_numbers(self, stage_numbers: dict[UUID, int]) -> None:
        self.stage_numbers = dict(stage_numbers)
        self._strips.clear()
        self.refresh()

    def set_pupils(self, pupils: dict[str, str]) -> None:
        """The case pupils' pseudonyms by label, shown beside the label where wide."""
        if pupils != self.pupils:
            self.pupils = dict(pupils)
            self._strips.clear()
            self.refresh()

    def upsert(self, notes: Iterable[Observation]) -> None:
        """Merge new or changed notes in, keeping the view on the same notes."""
        notes = list(notes)
        if len(notes) > BULK:
            self._merge_bulk(notes)
            return
        selected = self.selected
        changed = False
        for note in notes:
            old = self._notes.get(note.id)
            if old is not None and old.revision > note.revision:
                continue  # an older copy arriving late must not undo a correction
            if old is not None:
                index = bisect.bisect_left(self._keys, _sort_key(old))
                del self._keys[index]
                del self._ids[index]
                self._deleted -= old.deleted
            key = _sort_key(note)
            index = bisect.bisect_left(self._keys, key)
            self._keys.insert(index, key)
            self._ids.insert(index, note.id)
            self._notes[note.id] = note
            self._deleted += note.deleted
            if note.deleted and old is not None and not old.deleted:
                self._just_deleted = note.id
            changed = True
        if changed:
            self._rebuild(keep=selected)

    def _merge_bulk(self, notes: list[Observation]) -> None:
        """Many notes at once (opening a big lesson): one sort instead of many inserts."""
        selected = self.selected
        known = self._notes
        for note in notes:
            old = known.get(note.id)
            if old is None or old.revision <= note.revision:
                known[note.id] = note
        order = sorted((_sort_key(note), note.id) for note in known.values())
        self._keys = [key for key, _id in order]
        self._ids = [note_id for _key, note_id in order]
        self._deleted = sum(note.deleted for note in known.values())
        self._rebuild(keep=selected)

    def _rebuild(self, keep: Observation | None) -> None:
        before = len(self._visible)
        top_row = self.scroll_y
        if self.show_deleted:
            self._visible = list(self._ids)
        else:
            notes = self._notes
            self._visible = [i for i in self._ids if not notes[i].deleted]
        self.virtual_size = Size(0, len(self._visible))
        if not self.has_focus:
            # Nobody is looking through the list: show the newest notes.
            self.cursor = 0
            if top_row:
                self.scroll_to(y=0, animate=False)
        elif keep is not None and keep.id in self._notes:
            # Someone is reading or correcting a note: keep it under the cursor,
            # and keep the view still when rows arrive above it.
            self._move_cursor_to(keep.id)
            if top_row > 0:
                self.scroll_to(y=top_row + len(self._visible) - before, animate=False)
        self.cursor = min(self.cursor, max(len(self._visible) - 1, 0))
        self.refresh()
        self.post_message(self.CountsChanged(self))

    def _move_cursor_to(self, note_id: UUID) -> None:
        try:
            index = self._visible.index(note_id)
        except ValueError:
            return
        self.cursor = len(self._visible) - 1 - index

    def select_note(self, note_id: UUID) -> None:
        self._move_cursor_to(note_id)
        self._scroll_cursor_into_view()

    def watch_show_deleted(self, show: bool) -> None:
        keep = self.selected
        if show and self._just_deleted is not None:
            keep = self._notes[self._just_deleted]  # so that `r` brings it straight back
        self._rebuild(keep=keep)
        self._scroll_cursor_into_view()

    def watch_cursor(self) -> None:
        self.refresh()
        if self.is_mounted:
            self.screen.refresh_bindings()

    # ------------------------------------------------------------------ actions

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor + direction * max(self.scrollable_content_region.height, 1))

    def action_move_to(self, row: int) -> None:
        self._set_cursor(row if row >= 0 else self.row_count - 1)

    def _set_cursor(self, row: int) -> None:
        self.cursor = max(0, min(row, self.row_count - 1))
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        height = max(self.scrollable_content_region.height, 1)
        if self.cursor < self.scroll_y:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_done(self) -> None:
        self.post_message(self.Done(self))

    def action_toggle_deleted(self) -> None:
        self.show_deleted = not self.show_deleted

    def action_correct(self) -> None:
        self._choose("correct")

    def action_delete(self) -> None:
        note = self.selected
        self._choose("restore" if note is not None and note.deleted else "delete")

    def action_undo_delete(self) -> None:
        """Bring back the note deleted last (from this list)."""
        note = self._notes.get(self._just_deleted) if self._just_deleted else None
        if note is None or not note.deleted:
            self.notify("No deleted note to bring back.", timeout=3)
            return
        self.post_message(self.Chosen(self, note, "restore"))

    async def _on_key(self, event: events.Key) -> None:
        # Typing is never a command: a printable key goes to the note line, and so
        # does every key after it that arrives before the focus has moved there.
        printable = event.is_printable and bool(event.character)
        if self.type_into is not None and (printable or self._typing):
            event.stop()
            event.prevent_default()
            self._typing = True
            self.type_into(event)
            return
        await super()._on_key(event)

    def action_erase(self) -> None:
        """A note's text out of the file for good (a child's real name); asks first."""
        self._choose("erase")

    def _choose(self, action: str) -> None:
        note = self.selected
        if note is None:
            self.app.bell()
            return
        self.post_message(self.Chosen(self, note, action))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        note = self.selected
        if action in ("delete", "erase"):
            return note is not None
        if action == "correct":
            return note is not None and not note.deleted
        return True

    def on_focus(self) -> None:
        self._typing = False
        self.refresh()  # the cursor row is only highlighted while the list has focus

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
        if 0 <= row < self.row_count:
            self.cursor = row

    # ------------------------------------------------------------------ drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= len(self._visible):
            return Strip.blank(width, base)
        note = self._notes[self._visible[len(self._visible) - 1 - row]]
        selected = row == self.cursor and self.has_focus
        key = (
            note.id,
            note.revision,
            width,
            selected,
            self.stage_numbers.get(note.stage_id) if note.stage_id else None,
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_note(note, width, base, selected)
            self._strips[key] = strip
        return strip

    def _render_note(self, note: Observation, width: int, base: Style, selected: bool) -> Strip:
        style = base
        name_style = self.get_component_rich_style(
            "notes-table--mine" if note.observer == self.observer else "notes-table--other"
        )
        if note.deleted:
            style += self.get_component_rich_style("notes-table--deleted")
            name_style = Style()
        if selected:
            style += self.get_component_rich_style("notes-table--cursor")
        stage = self.stage_numbers.get(note.stage_id) if note.stage_id else None
        who = "class" if note.about == CLASS else _CONTROL.sub(" ", note.about)
        who_width = WHO_WIDTH
        if width >= WIDE_LIST:
            who_width = WIDE_WHO_WIDTH
            who = f"{who} {self.pupils.get(note.about, '')}".strip()
            if len(who) > who_width - 1:
                who = who[: who_width - 2] + "…"
        if note.judgement:
            badge = style + Style.parse(JUDGEMENT_STYLES[note.judgement])
            judgement = Segment(f" {note.judgement.symbol} ", badge)
        else:
            judgement = Segment("   ", style)
        if note.critical:
            critical = Segment("!", style + Style.parse(CRITICAL_STYLE))
        else:
            critical = Segment(" ", style)
        observer = short_name(_CONTROL.sub(" ", note.observer)).ljust(OBSERVER_WIDTH)
        text = _CONTROL.sub(" ", note.text)
        if not text and note.judgement is not None:
            text = f"({note.judgement.words})"  # a judgement-only note
        if note.deleted:
            text = f"(deleted) {text}"
        segments = [
            Segment(f"{note.at.astimezone():%H:%M} ", style),
            Segment(f"{stage if stage else '-':>2} ", style),
            Segment(f"{who:<{who_width - 1}} ", style),
            judgement,
            critical,
            Segment(" ", style),
            Segment(observer, style + name_style),
            Segment(" ", style),
            Segment(text, style),
        ]
        return Strip(segments).adjust_cell_length(width, style)
