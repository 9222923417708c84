"""A screen that edits study documents: every field autosaves, one undo for all.

Subclasses register each input with `bind_field(widget_id, document, get, set)`.
A change in the widget is written to the document at once (EditedDocument
saves it and folds consecutive edits of one field into one undo step);
ctrl+z takes back the last edit, whichever document it was in. When another
process changes the study, fields are refreshed from the file except the one
the user is typing in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from attrs import define
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.select import InvalidSelectValueError

from lessonstudy.process import StepKind
from lessonstudy.store import Saved, StudyFile
from lessonstudy.store.documents import Document
from lessonstudy.tui.document import EditedDocument, NotSaved
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.plain import plain, plain_text
from lessonstudy.tui.widgets.compact import CompactAtOnce
from lessonstudy.tui.widgets.ordered_keys import OrderedKeys
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.tui.widgets.typing_in_place import TypingInPlace

T = TypeVar("T")

# Called as get(value) and set(value, new); `...` because the screens bind them as
# lambdas that keep their loop variable as a default (lambda o, n=name: ...).
Getter = Callable[..., Any]
Setter = Callable[..., None]


class FieldInput(CompactAtOnce, TypingInPlace, OrderedKeys, Input):
    """An input that keeps its text when focused: typing adds to it, never replaces it;
    keys typed in a burst (a Backspace among letters) apply in the order typed."""

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, **kwargs)


FORM_HINT = (
    "Saved as you type. Enter goes to the next field; in a bigger box Enter starts "
    "a new line and Tab moves on."
)


def field_row(label: str, widget: Widget) -> Horizontal:
    """A label beside its input: dense enough for 80x24, easy to scan."""
    return Horizontal(Label(plain(label), classes="field-label"), widget, classes="field-row")


def set_columns(table: DataTable[Any], labels: list[str], rows: list[list[Text]]) -> None:
    """Clear `table` and give it columns wide enough for `rows` (added by the caller).

    Widths are set here rather than measured by the table: a DataTable measures
    new rows when idle and may already have drawn them at the old widths, so a
    name or note longer than the column's label was cut short.
    """
    table.clear(columns=True)
    for column, label in enumerate(labels):
        width = max([Text(label).cell_len, *(row[column].cell_len for row in rows)])
        table.add_column(plain_text(label), width=width)  # a str heading is read as markup


@define
class BoundField:
    document: EditedDocument[Any]
    get: Getter
    set: Setter
    parse: Callable[[Any], Any] | None = None  # widget value -> stored value (raise ValueError)
    show: Callable[[Any], Any] | None = None  # stored value -> widget value


class EditingScreen(Screen[None]):
    HELP_STEP: StepKind | None = None
    BINDINGS = [
        Binding("ctrl+z", "undo", "Undo", id="edit.undo", priority=True),
        Binding("escape", "back", "Study map", id="edit.back"),
    ]

    def __init__(self, study_file: StudyFile) -> None:
        super().__init__()
        self.study_file = study_file
        self._fields: dict[str, BoundField] = {}
        self._documents: list[EditedDocument[Any]] = []
        # Mirrors each document's undo stack so ctrl+z knows which one to undo.
        self._undo_order: list[tuple[EditedDocument[Any], str]] = []
        self._edits = 0

    # ------------------------------------------------------------------ documents

    def document(self, document: Document[T]) -> EditedDocument[T]:
        doc = EditedDocument(self.study_file, document)
        self._documents.append(doc)
        return doc

    def bind_field(
        self,
        widget_id: str,
        document: EditedDocument[Any],
        get: Getter,
        set: Setter,
        *,
        parse: Callable[[Any], Any] | None = None,
        show: Callable[[Any], Any] | None = None,
    ) -> None:
        self._fields[widget_id] = BoundField(document, get, set, parse, show)

    def bind_attribute(
        self,
        widget_id: str,
        document: EditedDocument[Any],
        name: str,
        *,
        of: Callable[[Any], Any] = lambda value: value,
        parse: Callable[[Any], Any] | None = None,
        show: Callable[[Any], Any] | None = None,
    ) -> None:
        """Bind a field to the attribute `name` of the document's value (or of the part
        of it `of` picks: the overview's class details)."""
        self.bind_field(
            widget_id,
            document,
            lambda value: getattr(of(value), name),
            lambda value, new: setattr(of(value), name, new),
            parse=parse,
            show=show,
        )

    def widget_value(self, widget_id: str) -> Any:
        """What the bound widget should show for the document as it is now."""
        bound = self._fields[widget_id]
        value = bound.get(bound.document.value)
        return bound.show(value) if bound.show else value

    def change(
        self, document: EditedDocument[Any], mutate: Callable[[Any], object], field: str = ""
    ) -> Saved | NotSaved:
        """Apply and save one edit; `field` folds consecutive edits into one undo step.

        An empty `field` makes the edit its own undo step (adding, deleting, moving).
        """
        if not field:
            self._edits += 1
            field = f"#edit-{self._edits}"
        last = next((f for d, f in reversed(self._undo_order) if d is document), None)
        if last != field:
            self._undo_order.append((document, field))
            del self._undo_order[:-300]
        saved = document.change(mutate, field)
        self.show_saved(saved)
        return saved

    def show_saved(self, saved: Saved | NotSaved | None) -> None:
        for status in self.query(SaveStatus):
            status.show_saved(saved)

    # ------------------------------------------------------------------ widget events

    def _field_changed(self, widget_id: str | None, value: Any) -> None:
        if widget_id is None or widget_id not in self._fields:
            return
        bound = self._fields[widget_id]
        try:
            stored = bound.parse(value) if bound.parse else value
        except ValueError:
            return  # not saved until it makes sense (the widget shows it is invalid)
        if bound.get(bound.document.value) == stored:
            return  # a refresh from the file, not an edit

        def mutate(obj: Any) -> None:
            bound.set(obj, stored)

        self.change(bound.document, mutate, widget_id)
        self.after_edit(widget_id)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self._field_changed(event.input.id, event.value)

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in self._fields and self.focused is event.input:
            self.focus_next()  # Enter moves on, as on a paper form

    def enter_moves_on(self, widget: Widget) -> bool:
        """Enter in `widget` moves to the next field (the app moves the focus as soon
        as it reads the Enter, so the keys typed after it follow it there)."""
        if not isinstance(widget, Input) or widget.id not in self._fields:
            return False
        problem = getattr(widget, "problem", None)  # a date that is not one stays
        return problem is None

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._field_changed(event.text_area.id, event.text_area.text)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._field_changed(event.checkbox.id, event.value)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._field_changed(event.select.id, event.value)

    def after_edit(self, widget_id: str) -> None:
        """Hook: a bound field was edited (update summaries that depend on it)."""

    # ------------------------------------------------------------------ refreshing

    def fill_fields(self, *, keep_focused: bool = True) -> None:
        """Put the documents' values into the widgets (not the one being typed in)."""
        focused = self.focused
        for widget_id in self._fields:
            matches = self.query(f"#{widget_id}")
            if not matches:
                continue
            widget = matches.first()
            if keep_focused and widget is focused:
                continue
            value = self.widget_value(widget_id)
            if isinstance(widget, TextArea):
                if widget.text != (value or ""):
                    widget.load_text(value or "")
            elif isinstance(widget, Input):
                if widget.value != (value or ""):
                    widget.value = value or ""
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, Select):
                try:
                    widget.value = value if value is not None else Select.NULL
                except InvalidSelectValueError:
                    widget.value = Select.NULL  # a choice that is no longer offered

    def refresh_views(self) -> None:
        """Hook: redraw what is not a bound field (tables, grids, warnings)."""

    @on(StudyChanged)
    def _study_changed(self, message: StudyChanged) -> None:
        if message.change is not None and message.change.notes_only():
            return  # observers' notes: nothing a form edits (a read per note, else)
        changed = [doc.reload() for doc in self._documents]
        if any(changed):
            self.fill_fields(keep_focused=True)
            self.refresh_views()

    def action_tab(self, tab: str) -> None:
        """Show tab `tab` (the F-keys) and put the cursor in its first field."""
        self.query_one(TabbedContent).active = tab
        pane = self.query_one(f"#{tab}", TabPane)
        fields = pane.query("Input, TextArea, DataTable, Select, Checkbox")
        focusable = [w for w in fields if w.focusable]
        if focusable:
            # At once, not widget.focus() (Textual defers that): the keys typed
            # straight after the F-key go to this tab's first field.
            self.set_focus(focusable[0])

    def action_undo(self) -> None:
        while self._undo_order:
            document, _field = self._undo_order.pop()
            saved = document.undo()
            if saved is not None:
                self.show_saved(saved)
                self.fill_fields(keep_focused=False)
                self.refresh_views()
                self.notify("Last edit undone", timeout=2)
                return
        self.notify("Nothing to undo", timeout=2)

    def action_back(self) -> None:
        self.dismiss(None)
