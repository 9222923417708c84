"""The one line an observer types a note into: who, judgement, critical, text, Enter.

One grammar for every note, a case pupil's or the class's, here and in `notes
import` (store/notes_text.py): the line starts empty and "picks" first. A
single key chooses who the note is about: a case pupil's key (the first letter
of their label; where two labels start alike, the second takes another, shown
beside the pupil: model.pupil_keys), or 0 for the class. Then, before the text,
`=` `+` `-` `?` picks the judgement against the prediction and `!` flags a
critical incident, in either order, spaces between
them allowed. Any other key starts the text, so no keystroke is ever swallowed
by a missed pick; once the text has started every key is text. That holds for
the first key too: a key that is no pupil's starts the text with "who" unset,
and no later letter is taken for a pupil (nothing is guessed). Enter then
refuses, keeping the text, and says so; Home and a pupil's key (or 0) at the
start of the line picks who it is about. Backspace on an
empty line takes back the last pick. What is picked is shown beside the text;
the placeholder says what the next key does.
Escape clears the picks; on a line with nothing in it, it is left to the
screen (back to the study map); typed text is never thrown away by it.

Enter, the critical flag and the picks are handled synchronously in the key
handler, not via messages: keys typed straight after Enter (a fast typist, a
paste, tmux) must land in the *next* note, and the note must be committed
before the line clears. So the line calls a `save` callback (the screen's
commit) and clears only if it returns without raising.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from attrs import frozen
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CLASS, Judgement, now, pupil_keys
from lessonstudy.printable import printable
from lessonstudy.tui.one_line_paste import joined_lines
from lessonstudy.tui.widgets.compact import CompactAtOnce
from lessonstudy.tui.widgets.judgement_style import CRITICAL_STYLE, JUDGEMENT_STYLES
from lessonstudy.tui.widgets.ordered_keys import OrderedKeys
from lessonstudy.tui.widgets.typing_in_place import TypingInPlace

CLASS_KEY = "0"
CRITICAL_KEY = "!"
SEPARATOR_KEY = " "  # between picks ("b + ! text" as well as "b+!text")

# Short words beside the text, so the line keeps its room for typing.
SHORT_WORDS = {
    Judgement.AS_PREDICTED: "as predicted",
    Judgement.BETTER: "better",
    Judgement.LESS: "less",
    Judgement.UNEXPECTED: "unexpected",
}
PUPIL_STYLE = "bold black on #c4a000"
NO_PUPIL_STYLE = "bold white on #a40000"
JUDGEMENT_KEYS = frozenset(judgement.symbol for judgement in Judgement)
# Editing keys handed on from elsewhere (see NoteLine.feed), as the Input binds them.
FIELD_KEYS = {
    "backspace": "delete_left",
    "delete": "delete_right",
    "left": "cursor_left",
    "right": "cursor_right",
    "home": "home",
    "end": "end",
}


@frozen
class NoteDraft:
    """What the observer typed, ready to become an Observation."""

    about: str
    judgement: Judgement | None
    critical: bool
    text: str
    started_at: dt.datetime  # when the pupil was picked: closest to the moment seen


def about_words(about: str, pupils: dict[str, str]) -> str:
    """'B Sam' for a case pupil (label and pseudonym), 'class' for the class."""
    if about == CLASS:
        return "class"
    pseudonym = pupils.get(about, "")
    return printable(f"{about} {pseudonym}").strip()


class NoteInput(CompactAtOnce, TypingInPlace, OrderedKeys, Input):
    """The text part of the note line; its keys drive the picks (see module doc). A
    Backspace typed among letters applies where it was typed (OrderedKeys)."""

    async def _on_key(self, event: events.Key) -> None:
        line = self.parent
        if isinstance(line, NoteLine) and line.take_key(event):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        """Pasted text is text, even before a pupil is picked, and all of it: a note is
        one line, so the lines pasted are joined (Input keeps only the first). Seen:
        three lines pasted gave the first line twice and lost the others."""
        # prevent_default: Textual also runs Input's own handler (it dispatches to each
        # class of the widget), which pasted the first line a second time.
        event.stop()
        event.prevent_default()
        text = joined_lines(event.text)
        if not text:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)


class NoteLine(Horizontal):
    """Picks (who, judgement, critical) shown on the left, the text on the right."""

    DEFAULT_CSS = """
    NoteLine {
        height: 3;
        width: 1fr;
    }
    NoteLine > #picks {
        width: auto;
        min-width: 9;
        height: 3;
        padding: 1 1 0 0;
    }
    NoteLine > NoteInput {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("ctrl+f", "toggle_critical", "Critical!", id="observe.critical"),
    ]

    class PicksChanged(Message):
        """The pupil, judgement or critical flag changed (the screen may show more)."""

        def __init__(self, line: NoteLine) -> None:
            super().__init__()
            self.line = line

    class Refusal(Message):
        """Why the line refused a key (`why`), or None once that no longer holds:
        the screen shows it where the hint is, since the placeholder is hidden
        behind typed text."""

        def __init__(self, line: NoteLine, why: str | None) -> None:
            super().__init__()
            self.line = line
            self.why = why

    def __init__(
        self,
        pupils: Sequence[tuple[str, str]],
        save: Callable[[NoteDraft], object],
        *,
        id: str | None = None,
    ) -> None:
        """`pupils`: (label, pseudonym) in the order to offer them (own pupils first).
        `save`: commits a draft; raising keeps the draft in the line."""
        super().__init__(id=id)
        self.pupils = dict(pupils)
        self._order = [label for label, _ in pupils]
        self.keys = pupil_keys(self._order, reserved=[CLASS_KEY])  # label -> key
        self._save = save
        self.about: str | None = None
        self.judgement: Judgement | None = None
        self.critical = False
        self.started_at: dt.datetime | None = None
        # The order the picks were made in, so Backspace takes back the last one.
        self._picks: list[str] = []
        self.refusal: str | None = None  # the last refusal, until the line changes
        self._had_text = False

    def compose(self) -> ComposeResult:
        yield Static(id="picks")
        yield NoteInput(id="note-text", select_on_focus=False)

    def on_mount(self) -> None:
        self._show_picks()

    @property
    def input(self) -> NoteInput:
        return self.query_one(NoteInput)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def stage(self) -> str:
        """'who', 'marks' (a judgement or ! may come) or 'text': what the next key does."""
        if self.input.value:
            return "text"  # even with nobody picked: no later letter becomes the pupil
        if self.about is None:
            return "who"
        return "marks"

    def set_pupils(self, pupils: Sequence[tuple[str, str]]) -> None:
        """The plan changed (someone renamed or added a pupil): keep what is typed."""
        self.pupils = dict(pupils)
        self._order = [label for label, _ in pupils]
        self.keys = pupil_keys(self._order, reserved=[CLASS_KEY])
        self._show_picks()

    # ------------------------------------------------------------------ keys

    def take_key(self, event: events.Key) -> bool:
        """Handle a key of the note line; False lets the Input have it."""
        key, char = event.key, event.character
        if key == "enter":
            self.submit()
            return True
        if key == "ctrl+f":
            self.action_toggle_critical()
            return True
        stage = self.stage
        if key == "escape":
            if self.input.value:
                # Never throw away typed text on a stray Escape, nor leave with it.
                self.notify(
                    "The note is still in the line: Enter saves it (or delete the text, then Esc).",
                    timeout=4,
                )
                return True
            if self.about is None and not self.critical:
                return False  # an empty line: Escape leaves (the screen decides)
            self.clear_note()
            return True
        if key == "backspace" and not self.input.value:
            self._take_back_pick()
            return True
        if not event.is_printable or char is None:
            return False
        if stage == "text":
            # Home, then a pupil's key: who a note typed without one is about.
            at_start = self.input.cursor_position == 0
            return at_start and self.about is None and self._pick_who(char)
        if stage == "who":
            if char == CRITICAL_KEY:
                self.action_toggle_critical()
                return True
            if self._pick_who(char):
                return True
            self.started_at = now()  # the text begins: the moment seen
            return False
        # stage == "marks": a judgement, the critical flag, or the text begins.
        if char == SEPARATOR_KEY:
            return True  # "b + ! saw it": the spaces between picks are not text
        if char == CRITICAL_KEY and not self.critical:
            self._pick_critical()
            return True
        if self.judgement is None and char in JUDGEMENT_KEYS:
            self.judgement = Judgement.from_symbol(char)
            self._picks.append("judgement")
            self._show_picks()
            return True
        return False  # the text begins with this key

    def _pick_who(self, char: str) -> bool:
        """Pick who `char` stands for; False (the key is text) if it is nobody's."""
        if char == CLASS_KEY:
            self._set_about(CLASS)
            return True
        # Each pupil's key (usually the label's first letter, see model.pupil_keys);
        # shift does not matter.
        label = next((lab for lab, key in self.keys.items() if key == char.lower()), None)
        if label is not None:
            self._set_about(label)
            return True
        return False  # the text begins with it; Enter asks who before saving

    def _set_about(self, about: str) -> None:
        self.about = about
        self.started_at = self.started_at or now()  # text typed first: its first key
        self._picks.append("about")
        self._show_picks()
        self._forget_refusal()

    def _pick_critical(self) -> None:
        self.critical = True
        self._picks.append("critical")
        self._show_picks()

    def _take_back_pick(self) -> None:
        if not self._picks:
            self.app.bell()
            return
        last = self._picks.pop()
        if last == "judgement":
            self.judgement = None
        elif last == "critical":
            self.critical = False
        else:
            self.about = None
            self.started_at = None
        self._show_picks()

    def refuse(self, why: str) -> None:
        self.app.bell()
        self.input.placeholder = why
        self.refusal = why
        self.post_message(self.Refusal(self, why))

    def _forget_refusal(self) -> None:
        """The line changed: the last refusal no longer describes it."""
        if self.refusal is not None:
            self.refusal = None
            self.post_message(self.Refusal(self, None))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._forget_refusal()
        has_text = bool(self.input.value)  # now, not when the change was posted
        if has_text != self._had_text:
            self._had_text = has_text
            self._show_picks()  # "who?" beside text typed before a pupil, or not

    def action_toggle_critical(self) -> None:
        """ctrl+f: the critical flag, at any point of the note (text typed or not)."""
        self.critical = not self.critical
        if "critical" in self._picks:
            self._picks.remove("critical")
        if self.critical:
            self._picks.append("critical")
        self._show_picks()

    def feed(self, event: events.Key) -> None:
        """Take a key as if it had been typed here (the notes list hands on what is
        typed while it has the focus: typing goes to the note, Enter saves it)."""
        if self.take_key(event):
            return
        field = self.input
        if event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
        elif event.key in FIELD_KEYS:
            getattr(field, f"action_{FIELD_KEYS[event.key]}")()

    # ------------------------------------------------------------------ saving

    def draft(self) -> NoteDraft | None:
        """The note as typed, or None when there is nothing to save yet."""
        text = self.input.value.strip()
        if self.about is None or not (text or self.judgement):
            return None
        return NoteDraft(
            about=self.about,
            judgement=self.judgement,
            critical=self.critical,
            text=text,
            started_at=self.started_at or now(),
        )

    def submit(self) -> bool:
        """Save the note (through the callback) and clear the line; True if saved."""
        draft = self.draft()
        if draft is None:
            if self.about is None and self.input.value.strip():
                self.refuse(f"Who is it about? Home, then a key: {self._who_keys()}")
            elif self.about is None:
                self.refuse("pick who first")
            else:
                self.refuse("type what you saw, then Enter")
            return False
        try:
            self._save(draft)
        except LessonStudyError as error:  # keep every word typed; the screen says why
            self.app.bell()
            self.notify(f"Note NOT saved, still in the line: {error}", severity="error")
            return False
        self.clear_note()
        return True

    def clear_note(self) -> None:
        self.about = None
        self.judgement = None
        self.critical = False
        self.started_at = None
        self._picks = []
        self.input.value = ""
        self._show_picks()
        self._forget_refusal()

    # ------------------------------------------------------------------ display

    def _who_keys(self) -> str:
        keys = [f"{self.keys[label]} {about_words(label, self.pupils)}" for label in self._order]
        return " · ".join([*keys, f"{CLASS_KEY} class"])

    def _show_picks(self) -> None:
        picks = Text()
        if self.critical:
            picks.append(" ! ", CRITICAL_STYLE)
            picks.append(" ")
        if self.about is not None:
            picks.append(f" {about_words(self.about, self.pupils)} ", PUPIL_STYLE)
            picks.append(" ")
        elif self.input.value:
            picks.append(" who? ", NO_PUPIL_STYLE)  # text typed, nobody picked yet
            picks.append(" ")
        if self.judgement is not None:
            picks.append(
                f" {self.judgement.symbol} {SHORT_WORDS[self.judgement]} ",
                JUDGEMENT_STYLES[self.judgement],
            )
        if not picks:
            picks.append("new note", "dim")
        self.query_one("#picks", Static).update(picks)
        stage = self.stage
        if stage == "who":
            self.input.placeholder = f"who?  {self._who_keys()}"
        elif self.judgement is None:
            self.input.placeholder = (
                "= as predicted · + better · - less · ? unexpected · ! critical · "
                "or just type what you saw"
            )
        elif not self.critical:
            self.input.placeholder = "! critical, or type what you saw · Enter saves"
        else:
            self.input.placeholder = "what did you see or hear?  Enter saves"
        self.post_message(self.PicksChanged(self))
