"""The library: every study under a folder, searched and filtered; Enter opens one.

What the index already knows is on screen at once; the folder is looked
through in a worker (with its own connection to the index) and the list is
refreshed when it is done, so a first look at a large shared drive never
freezes the screen. Typing anywhere goes into the search box; the filters are
one Tab away; F2 shows what the studies achieved (the impact summary).

Everything shown is from the index, which holds no pseudonym and no private
text (see archive/extract.py); all of it is typed text, so it is shown as
Text, never as markup.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from lessonstudy import terms
from lessonstudy.archive.index import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    SCREEN_LIMIT,
    Filters,
    Found,
    Library,
    Match,
    Problem,
    StudyCard,
    SyncReport,
)
from lessonstudy.errors import LessonStudyError
from lessonstudy.tui.widgets.footer import Footer

# A symbol as well as a colour: the status reads in monochrome and with NO_COLOR.
STATUS_SYMBOLS = {
    "not started": ("○", "dim"),
    "planning": ("◔", "yellow"),
    "teaching": ("◑", "yellow"),
    "writing up": ("◕", "cyan"),
    "complete": ("●", "green"),
}
WIDE = 110  # from this width the highlighted study's details sit beside the list
TYPING_PAUSE = 0.12  # seconds: a search runs when typing pauses this long


def marked(text: str, style: str = "bold reverse") -> Text:
    """A snippet with its matched words (between the index's markers) highlighted."""
    out = Text()
    rest = text
    while HIGHLIGHT_START in rest:
        before, _, rest = rest.partition(HIGHLIGHT_START)
        word, _, rest = rest.partition(HIGHLIGHT_END)
        out.append(before)
        out.append(word, style=style)
    out.append(rest)
    return out


def around_first_match(snippet: str, room: int) -> str:
    """The snippet started where its first matched word can be seen in `room`
    characters (a long one would otherwise be cut before the words searched for)."""
    start = snippet.find(HIGHLIGHT_START)
    if start < room // 2:
        return snippet
    cut = start - room // 3
    space = snippet.rfind(" ", 0, cut + 1)
    return "…" + snippet[(space + 1 if space > 0 else cut) :]


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


def filed(card: StudyCard) -> str:
    """Subject · year group · school year · dates, as far as they are recorded."""
    c = card.card
    first, last = _date(c["first_date"]), _date(c["last_date"])
    dates = first if first == last else f"{first} – {last}"
    parts = [c["subject"], c["year_group"], terms.school_year_label(c["school_year"]), dates]
    return " · ".join(p for p in parts if p) or "not filed: no subject, year group or date yet"


def status_text(status: str) -> Text:
    symbol, colour = STATUS_SYMBOLS.get(status, ("?", ""))
    return Text(f"{symbol} {status}", style=colour)


def study_option(card: StudyCard, found: Found | None, width: int) -> Option:
    """One study in the list, three lines cut to `width`: its title and status, how it
    is filed, and either the first place the search matched or what the group learned."""
    c = card.card
    status = status_text(c["status"])
    title = Text(card.title, style="bold")
    title.truncate(max(10, width - len(status) - 2), overflow="ellipsis")
    first = Text.assemble(title, "  ", status)
    where = filed(card)
    if card.copies:
        where += f" · {len(card.copies) + 1} copies"
    second = Text(f"  {where}", style="dim")
    third = Text("  ")
    if found is not None and found.matches:
        match = found.matches[0]
        more = f"  (+{found.places - 1} more)" if found.places > 1 else ""
        room = max(10, width - len(match.place) - len(more) - 4)
        snippet = marked(around_first_match(match.snippet, room))
        snippet.truncate(room, overflow="ellipsis")
        third.append(f"{match.place}: ", style="italic")
        third.append_text(snippet)
        third.append(more, style="dim")
    elif c["learned"]:
        third.append("Learned: ", style="italic")
        third.append(c["learned"])
    else:
        third.append(c["stands"], style="italic dim")
    for line in (second, third):
        line.truncate(width, overflow="ellipsis")
    return Option(Text("\n").join([first, second, third]), id=card.study_id)


def details(card: StudyCard, folder: Path, matches: tuple[Match, ...] = ()) -> Text:
    """Everything the library knows about one study (what the side pane shows)."""
    c = card.card
    text = Text()
    text.append(card.title, style="bold")
    text.append("\n")
    text.append(filed(card), style="dim")
    text.append("\n\n")

    def field(label: str, value: str) -> None:
        if value:
            text.append(f"{label}: ", style="bold")
            text.append(value)
            text.append("\n")

    text.append_text(status_text(c["status"]))
    text.append(f" — {c['stands']}\n")
    field("Group", ", ".join(c["group"]))
    field("Case pupils typical of", "; ".join(c["learner_groups"]))
    field("Focus", c["focus"])
    field("Learned", c["learned"])
    if matches:
        text.append("\nWhere it matches\n", style="bold underline")
        for match in matches:
            text.append(f"{match.place}: ", style="italic")
            text.append_text(marked(match.snippet))
            text.append("\n")
    text.append("\nFile: ", style="bold")
    text.append(str(folder / card.path))
    for copy in card.copies:
        text.append("\nCopy: ", style="bold")
        text.append(str(folder / copy.path))
        text.append(
            " (the same)" if copy.same else " (holds something else: merge it)",
            style="dim" if copy.same else "yellow",
        )
    return text


class StudyList(OptionList):
    """The studies; Enter opens the highlighted one."""

    BINDINGS = [Binding("enter", "select", "Open", id="library.open")]


class LibraryScreen(Screen[None]):
    """Every study under a folder: search, filter, open; F2 the impact summary."""

    LIBRARY = True  # the study map opened from here offers Escape back
    HELP_STEP = None
    CSS_PATH = "library.tcss"
    # Most needed first: at 80 columns the footer shows five or so (seen in tmux: "Look agai").
    BINDINGS = [
        Binding("f6", "details", "Details", id="library.details"),
        Binding("f2", "impact", "Impact summary", id="library.impact"),
        Binding("escape", "back", "Clear / back", id="library.back"),
        Binding("f3", "skipped", "Skipped files", id="library.skipped"),
        Binding("f5", "look_again", "Look again", id="library.look_again"),
        Binding("ctrl+q", "app.quit", "Quit", id="library.quit"),
    ]

    def __init__(self, folder: Path, index: Path | None = None) -> None:
        super().__init__()
        self.folder = Path(folder).expanduser().resolve()
        self.index = index
        self._library: Library | None = None
        self._cards: dict[str, StudyCard] = {}
        self._found: dict[str, Found] = {}
        self._problems: list[Problem] = []
        self._looking = False
        self._typing: Timer | None = None
        self._offered: dict[str, list[Any]] = {}  # what each filter offers now
        self._built_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="library-title", classes="screen-title")
        yield Input(
            placeholder="Search the studies: focus, technique, notes, findings …",
            id="library-search",
            compact=True,
            select_on_focus=False,  # typing on the list continues the search, not replaces it
        )
        with Horizontal(id="library-filters"):
            yield Select[str]([], prompt="Any subject", id="filter-subject", compact=True)
            yield Select[str]([], prompt="Any year group", id="filter-year-group", compact=True)
            yield Select[int]([], prompt="Any school year", id="filter-school-year", compact=True)
            yield Select[str](
                [(Text(s), s) for s in terms.STATUSES],
                prompt="Any status",
                id="filter-status",
                compact=True,
            )
        yield Static(id="library-status", classes="hint")
        with Horizontal(id="library-body"):
            yield StudyList(id="library-list")
            with VerticalScroll(id="library-detail"):
                yield Static(id="library-detail-text")
        yield Static(id="library-hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#library-title", Static).update(
            Text.assemble(("Library", "bold"), "  studies in ", (str(self.folder), "dim"))
        )
        try:
            self._library = Library.open(self.folder, self.index)
        except LessonStudyError as error:
            self.notify(
                str(error),
                title="Cannot open the library",
                severity="error",
                timeout=15,
                markup=False,
            )
            self._show_status("The library cannot be opened: " + str(error))
            return
        self._problems = self._library.problems()
        self._layout_for(self.app.size.width)
        self._fill_filters()
        self._refresh()  # what the index knows already, at once
        self.query_one("#library-search").focus()
        self.call_after_refresh(self._look)  # then look through the folder

    def on_unmount(self) -> None:
        if self._library is not None:
            self._library.close()

    def on_resize(self) -> None:
        self._layout_for(self.size.width)
        self.call_after_refresh(self._rebuild_if_resized)

    def _list_width(self) -> int:
        """The room for a line in the list (inside its padding, less a scrollbar's)."""
        studies = self.query_one("#library-list", OptionList)
        inside = studies.scrollable_content_region.width
        return max(20, (inside or self.app.size.width - 4) - 2)

    def _rebuild_if_resized(self) -> None:
        if self._library is not None and self._list_width() != self._built_width:
            self._refresh()

    def _layout_for(self, width: int) -> None:
        narrow = width < WIDE
        if narrow != self.has_class("narrow"):
            self.set_class(narrow, "narrow")
            if self._library is not None:
                self._show_status()
                self._show_detail()

    # ------------------------------------------------------------------ looking through the folder

    def _look(self) -> None:
        if self._looking or self._library is None:
            return
        self._looking = True
        self._show_status()
        self._look_in_worker()

    @work(thread=True, exclusive=True, group="library-look")
    def _look_in_worker(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_status, f"Reading {done} of {total} studies …")

        try:
            with Library.open(self.folder, self.index) as library:  # its own connection
                report = library.sync(progress=progress)
        except LessonStudyError as error:
            self.app.call_from_thread(self._looked, None, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._looked, report, "")

    def _looked(self, report: SyncReport | None, error: str) -> None:
        self._looking = False
        if report is None:
            self.notify(
                error, title="Cannot look through the folder", severity="error", markup=False
            )
            self._show_status()
            return
        self._problems = list(report.problems)
        self.refresh_bindings()
        self._fill_filters()
        self._refresh()
        if report.read or report.moved or report.removed:
            self.notify(f"The library is up to date: {report.summary()}.", timeout=4, markup=False)

    def _show_status(self, doing: str = "") -> None:
        count = len(self._cards)
        shown = f"{count} {'study' if count == 1 else 'studies'}"
        if self._found or self._query():
            shown = f"{count} {'study matches' if count == 1 else 'studies match'}"
        filters = self._filters()
        if filters:
            shown += f" ({filters.words()})"
        text = Text(shown)
        if self._problems and self.has_class("narrow"):
            skipped = len(self._problems)
            text.append(" · ")
            text.append(f"⚠ {skipped} {'file' if skipped == 1 else 'files'} skipped", style="bold")
            text.append(" (F3)")
        elif self._problems:
            first = self._problems[0]
            text.append(" · ")
            text.append(f"⚠ skipped {first.path}: {first.message}", style="bold")
            if len(self._problems) > 1:
                text.append(f" and {len(self._problems) - 1} more (F3)")
        if doing or self._looking:
            text.append(" · ")
            text.append(doing or "looking through the folder …", style="italic")
        self.query_one("#library-status", Static).update(text)

    # ------------------------------------------------------------------ the list

    def _query(self) -> str:
        return self.query_one("#library-search", Input).value

    def _filters(self) -> Filters:
        def value(selector: str) -> Any:
            chosen = self.query_one(selector, Select).value
            return None if chosen is Select.NULL else chosen

        return Filters(
            subject=value("#filter-subject") or "",
            year_group=value("#filter-year-group") or "",
            school_year=value("#filter-school-year"),
            status=value("#filter-status") or "",
        )

    def _refresh(self, *, from_top: bool = False) -> None:
        """The list for the search and filters as they are now (from the index); the
        same study stays highlighted unless `from_top` (a new search: the best first)."""
        if self._library is None:
            return
        query = self._query()
        filters = self._filters()
        self._found = {}
        if query.strip():
            # One place each for the list; the highlighted study's places when shown.
            found = self._library.search(
                query, filters, limit=SCREEN_LIMIT, per_study=1, prefix_last=True
            )
            self._found = {f.study.study_id: f for f in found}
            cards = [f.study for f in found]
        else:
            cards = self._library.studies(filters)
        self._cards = {card.study_id: card for card in cards}
        studies = self.query_one("#library-list", OptionList)
        highlighted = studies.highlighted_option.id if studies.highlighted_option else None
        width = self._list_width()
        studies.set_options(
            [study_option(card, self._found.get(card.study_id), width) for card in cards]
        )
        self._built_width = width
        if cards:
            ids = [card.study_id for card in cards]
            keep = highlighted is not None and highlighted in ids and not from_top
            studies.highlighted = ids.index(highlighted) if keep and highlighted is not None else 0
            if not keep:
                studies.scroll_home(animate=False)
        self._show_status()
        self._show_detail()

    def _fill_filters(self) -> None:
        """The filters offer what the studies are filed under (all of them, not the shown)."""
        if self._library is None:
            return
        every = self._library.studies()
        subjects: dict[str, str] = {}
        for card in every:
            key = terms.subject_key(card.card["subject"])
            if key:
                subjects.setdefault(key, card.card["subject"])
        years = sorted(
            {c.card["year_group"] for c in every if c.card["year_group"]}, key=_year_order
        )
        school_years = sorted(
            {c.card["school_year"] for c in every if c.card["school_year"] is not None},
            reverse=True,
        )
        self._set_options(
            "#filter-subject",
            [(Text(name), name) for _key, name in sorted(subjects.items())],
        )
        self._set_options("#filter-year-group", [(Text(y), y) for y in years])
        self._set_options(
            "#filter-school-year",
            [(Text(terms.school_year_label(y)), y) for y in school_years],
        )

    def _set_options(self, selector: str, options: list[tuple[Text, Any]]) -> None:
        select = self.query_one(selector, Select)
        values = [value for _label, value in options]
        if self._offered.get(selector) == values:
            return  # unchanged: keep the widget (and its choice) as it is
        chosen = select.value
        with select.prevent(Select.Changed):
            select.set_options(options)
            if chosen is not Select.NULL and chosen in values:
                select.value = chosen
        self._offered[selector] = values

    def _highlighted(self) -> StudyCard | None:
        option = self.query_one("#library-list", OptionList).highlighted_option
        return self._cards.get(option.id) if option is not None and option.id else None

    def _show_detail(self) -> None:
        card = self._highlighted()
        detail = self.query_one("#library-detail-text", Static)
        hint = self.query_one("#library-hint", Static)
        if card is None:
            detail.update("")
            if self._cards or self._looking:
                hint.update("")
            elif self._query().strip() or self._filters():
                hint.update(
                    "No study matches. Esc clears the search; the filters are on the line above."
                )
            else:
                hint.update(
                    Text(f"No studies found in {self.folder} yet (files named *.lessonstudy).")
                )
            return
        matches: tuple[Match, ...] = ()
        query = self._query()
        if card.study_id in self._found and self._library is not None:
            matches = self._library.matches(query, card.study_id, prefix_last=True)
        detail.update(details(card, self.folder, matches))
        line = Text("Enter opens ")
        if self.has_class("narrow"):
            line.append(card.path, style="bold")
            line.append(" · type to search · Tab: filters")
        else:
            line.append(str(self.folder / card.path), style="bold")
            line.append(" · type to search · Tab: filters · F2: what the studies achieved")
        hint.update(line)

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#library-search")
    def _typed(self) -> None:
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(TYPING_PAUSE, self._search)

    def _search(self) -> None:
        self._refresh(from_top=True)

    @on(Input.Submitted, "#library-search")
    def _search_now(self) -> None:
        if self._typing is not None:
            self._typing.stop()
        self._refresh(from_top=True)
        studies = self.query_one("#library-list", OptionList)
        if studies.option_count:
            studies.focus()

    @on(Select.Changed)
    def _filtered(self) -> None:
        self._refresh(from_top=True)

    @on(OptionList.OptionHighlighted, "#library-list")
    def _moved(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#library-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        card = self._cards.get(event.option_id or "")
        if card is None:
            return
        opener = getattr(self.app, "open_study_above", None)
        if opener is not None:
            opener(self.folder / card.path)

    def on_key(self, event: Key) -> None:
        """Typing on the list or on a closed filter goes into the search box (the screen
        says: type to search; seen in tmux: words typed after choosing a filter were lost)."""
        studies = self.query_one("#library-list", OptionList)
        on_a_filter = isinstance(self.focused, Select) and not self.focused.expanded
        if (studies.has_focus or on_a_filter) and event.is_printable and event.character:
            search = self.query_one("#library-search", Input)
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()
        elif (
            event.key == "down"
            and self.query_one("#library-search", Input).has_focus
            and studies.option_count
        ):
            studies.focus()
            event.stop()

    def on_screen_resume(self) -> None:
        # Back from a study: it may have changed (and the app has it open now).
        self._look()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skipped":
            return bool(self._problems)
        if action == "details":  # beside the list when wide; on demand when narrow
            return self.has_class("narrow") and self._highlighted() is not None
        return True

    def action_back(self) -> None:
        search = self.query_one("#library-search", Input)
        if search.value:
            search.value = ""
            search.focus()
            self._refresh(from_top=True)
        elif len(self.app.screen_stack) > 2:  # opened from the start screen
            self.app.pop_screen()

    def action_details(self) -> None:
        """The highlighted study's details, which a narrow screen has no room beside the
        list for (seen at 80x24: its group, learner groups, focus and every place the
        search matched could not be read without opening the study)."""
        card = self._highlighted()
        if card is None or self._library is None:
            return
        matches: tuple[Match, ...] = ()
        if card.study_id in self._found:
            matches = self._library.matches(self._query(), card.study_id, prefix_last=True)

        def chosen(open_it: bool | None) -> None:
            opener = getattr(self.app, "open_study_above", None)
            if open_it and opener is not None:
                opener(self.folder / card.path)

        self.app.push_screen(StudyDetailsDialog(details(card, self.folder, matches)), chosen)

    def action_look_again(self) -> None:
        self._look()

    def action_skipped(self) -> None:
        if self._problems:
            self.app.push_screen(SkippedDialog(self._problems))

    def action_impact(self) -> None:
        from lessonstudy.tui.screens.impact import ImpactScreen

        if self._library is None:
            return
        filters = self._filters()
        self.app.push_screen(ImpactScreen(self._library.facts(filters), self.folder, filters))


def _year_order(year_group: str) -> tuple[int, str]:
    if year_group == "Reception":
        return (0, "")
    if year_group.startswith("Year ") and year_group[5:].isdigit():
        return (int(year_group[5:]), "")
    return (100, year_group.casefold())


class StudyDetailsDialog(ModalScreen[bool]):
    """One study's details on a screen too narrow to show them beside the list."""

    CSS_PATH = "library.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open the study", id="study-details.open"),
        Binding("escape", "dismiss(False)", "Back to the list", id="study-details.close"),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="study-details"):
            with VerticalScroll(id="study-details-body"):
                yield Static(self.text, id="study-details-text")
            yield Static("Enter opens the study; Esc goes back to the list.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#study-details-body").focus()

    def action_open(self) -> None:
        self.dismiss(True)


class SkippedDialog(ModalScreen[None]):
    """The files the library could not read, and why."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="skipped.close")]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Files the library skipped", classes="dialog-title")
            yield Static(
                "These files are named like studies but cannot be read. They are left as "
                "they are; lessonstudy check FILE says more. Esc closes.",
                classes="hint",
            )
            with VerticalScroll(id="skipped-list"):
                for problem in self.problems:
                    yield Static(
                        Text.assemble((problem.path, "bold"), "\n  ", problem.message),
                        classes="skipped",
                    )
