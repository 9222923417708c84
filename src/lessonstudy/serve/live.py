"""The live lesson: one connection to the study, what every page sees, and the
changes pushed to the pages as they happen.

All SQLite work runs on one thread of its own (a single-worker executor): a
slow disk delays that thread, never the event loop that serves every browser.
Notes and stage marks are written through `StudyFile` exactly as the app
writes them. Another process's commit (a terminal observer, the planning app)
shows as a new `PRAGMA data_version`, polled every `poll_interval`; then only
what changed is read (notes after the last `seq` seen, the lesson's marks, a
document whose revision moved) and sent on.

Each page has a queue of outgoing messages and a task that writes them, so a
phone on a weak signal never holds up the others; a page whose queue overflows
is closed and catches up in full when it reconnects.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import attrs
from aiohttp import web

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    CasePupil,
    Member,
    Observation,
    ResearchLesson,
    StageMark,
    now,
)
from lessonstudy.process import placed, timeline
from lessonstudy.serve.access import Pass, Role
from lessonstudy.serve.console import Console
from lessonstudy.serve.lesson import (
    Message,
    PageError,
    clock_message,
    edited_note,
    note_from_message,
    note_id,
    note_view,
    plan_message,
    same_content,
)
from lessonstudy.serve.served import Served
from lessonstudy.store import StudyFile, documents

T = TypeVar("T")

POLL_INTERVAL = 0.075  # seconds between looks at PRAGMA data_version
TICK_INTERVAL = 5.0  # seconds between "still here" messages: a page that hears none reconnects
QUEUE_LIMIT = 2000  # messages waiting for one page before it is closed to catch up later
MESSAGE_BURST = 500  # messages a page may send at once (its offline notes) ...
MESSAGES_PER_SECOND = 20.0  # ... and then per second


@attrs.define(eq=False)
class Page:
    """One open page (a WebSocket) and who holds it."""

    ws: web.WebSocketResponse
    pass_: Pass
    queue: asyncio.Queue[str] = attrs.field(factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    writer: asyncio.Task[None] | None = None
    overflowed: bool = False

    @property
    def is_member(self) -> bool:
        return self.pass_.role is Role.MEMBER

    def sees(self, note: Observation) -> bool:
        """Members see every note of the lesson; a visitor only their own."""
        return self.is_member or note.observer == self.pass_.name

    def send(self, text: str) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            # This page stopped reading: close it; it catches up in full on reconnecting.
            self.overflowed = True
            if self.writer is not None:
                self.writer.cancel()
            asyncio.get_running_loop().create_task(
                self.ws.close(code=1013, message=b"too far behind: reconnect")
            )


class MessageAllowance:
    """A token bucket: a burst (a page sending the notes it kept while offline),
    then a steady rate far above any person's."""

    def __init__(self, burst: int = MESSAGE_BURST, per_second: float = MESSAGES_PER_SECOND) -> None:
        self._burst = burst
        self._rate = per_second
        self._tokens = float(burst)
        self._last = time.monotonic()

    def take(self) -> bool:
        now_ = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now_ - self._last) * self._rate)
        self._last = now_
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


@attrs.define
class Changes:
    """What another process (or our own write) changed since the last look."""

    notes: list[Observation] = attrs.field(factory=list)
    marks: list[StageMark] | None = None  # the lesson's marks, when they changed
    plan: ResearchLesson | None = None  # when the plan (or the pupils, or the members) changed
    pupils: list[CasePupil] | None = None
    members: list[Member] | None = None


class LessonHub:
    def __init__(
        self,
        path: Path,
        served: Served,
        console: Console,
        *,
        poll_interval: float = POLL_INTERVAL,
        tick_interval: float = TICK_INTERVAL,
    ) -> None:
        self.path = path
        self.served = served
        self.console = console
        self.poll_interval = poll_interval
        self.tick_interval = tick_interval
        self.plan = ResearchLesson(number=served.number)
        self.pupils: list[CasePupil] = []
        self.members: list[Member] = []
        self.marks: list[StageMark] = []
        self.notes: dict[UUID, Observation] = {}
        self.pages: set[Page] = set()
        self._joined: set[tuple[str, str]] = set()  # (device, name) already announced
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="study")
        self._study_file: StudyFile | None = None
        self._seen_seq = 0
        self._revisions: dict[tuple[str, str], int] = {}
        self._data_version = -1
        self._tasks: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------ the study thread

    async def _run(self, work: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work)
        except (LessonStudyError, PageError):
            raise
        except Exception as error:
            # Whatever the disk or SQLite says (a raw read failing), the server stays
            # up: the page keeps the note and sends it again; the terminal says why.
            raise LessonStudyError(f"{self.path}: {error}") from error

    @property
    def study_file(self) -> StudyFile:
        assert self._study_file is not None, "the hub is not started"
        return self._study_file

    def _open(self) -> Changes:
        self._study_file = StudyFile.open(self.path)
        return self._read_changes()

    def _read_changes(self) -> Changes:
        """Everything that changed since the last look (notes placed on the timeline)."""
        study_file = self.study_file
        self._data_version = study_file.data_version()
        changes = Changes()
        revisions = study_file.revisions()
        if revisions != self._revisions:
            wanted = self.served.documents()
            if any(revisions.get(k) != self._revisions.get(k) for k in wanted):
                changes.plan = self.served.read_plan(study_file)
                changes.pupils = study_file.read(documents.PUPILS).value
                changes.members = study_file.read(documents.MEMBERS).value
            self._revisions = revisions
        # The last seq first: a note committed in between is read now and again
        # next time (harmless), never missed.
        last_seq = study_file.last_seq()
        if last_seq != self._seen_seq:
            changes.notes = study_file.notes(self.served.number, after_seq=self._seen_seq)
            self._seen_seq = last_seq
        marks = study_file.marks(self.served.number)
        if marks != self.marks:
            changes.marks = marks
        return changes

    def _poll_once(self) -> Changes | None:
        self.study_file.settle()  # the phones' notes reach the file itself between bursts
        if self.study_file.data_version() == self._data_version:
            return None
        return self._read_changes()

    # ------------------------------------------------------------------ running

    async def start(self) -> None:
        changes = await self._run(self._open)
        self._apply(changes, announce=False)
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._poll()), loop.create_task(self._tick())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for page in list(self.pages):
            await page.ws.close(code=1001, message=b"the server is stopping")
        if self._study_file is not None:
            await self._run(self._study_file.close)
        self._executor.shutdown(wait=True)

    async def _poll(self) -> None:
        failing = False
        while True:
            await asyncio.sleep(self.poll_interval if not failing else 2.0)
            try:
                changes = await self._run(self._poll_once)
            except LessonStudyError as error:
                if not failing:
                    self.console.problem(f"cannot read the study: {error}")
                failing = True
                continue
            if failing:
                self.console.event("the study can be read again")
                failing = False
            if changes is not None:
                self._apply(changes)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval)
            text = _dumps({"t": "tick", "server_now": now().isoformat()})
            for page in list(self.pages):
                page.send(text)

    # ------------------------------------------------------------------ pages

    async def attach(self, page: Page) -> None:
        """Serve one page until it closes."""
        self.pages.add(page)
        page.writer = asyncio.get_running_loop().create_task(_write_out(page))
        try:
            for message in self.welcome(page):
                page.send(_dumps(message))
            name = page.pass_.name
            if name and (page.pass_.device, name) not in self._joined:
                self._joined.add((page.pass_.device, name))
                self.console.joined(name, page.pass_.role)
            allowance = MessageAllowance()
            async for incoming in page.ws:
                if incoming.type.name != "TEXT":
                    continue
                if not allowance.take():
                    # A page does not send this much: one flooding the study's thread
                    # would hold up everyone. Closed; a real page reconnects.
                    await page.ws.close(code=1008, message=b"too many messages")
                    break
                reply = await self.handle(page, incoming.data)
                if reply is not None:
                    page.send(_dumps(reply))
        finally:
            self.pages.discard(page)
            if page.writer is not None:
                page.writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await page.writer

    def welcome(self, page: Page) -> list[Message]:
        pass_ = page.pass_
        hello: Message = {
            "t": "welcome",
            "role": pass_.role.value,
            "name": pass_.name,
            "study": str(self.served.study_id),
            "lesson": self.served.number,
            "title": self.served.title,
            "tick_ms": int(self.tick_interval * 1000),
            "server_now": now().isoformat(),
        }
        if pass_.name is None:
            if pass_.role is Role.MEMBER:
                hello["choices"] = [member.name for member in self.members]
            hello["pupils"] = [{"label": p.label, "pseudonym": p.pseudonym} for p in self.pupils]
            return [hello]
        notes = sorted((n for n in self.notes.values() if page.sees(n)), key=lambda n: n.at)
        return [
            hello,
            self._plan_for(page),
            self._clock_for(page),
            {"t": "notes", "reset": True, "notes": [note_view(n, self.plan) for n in notes]},
        ]

    def _plan_for(self, page: Page) -> Message:
        pass_ = page.pass_
        if pass_.follows:
            yours = list(pass_.follows)
        else:
            yours = self.plan.watching.get(pass_.name or "", [])
        return plan_message(self.plan, self.pupils, yours, title=self.served.title)

    def _clock_for(self, page: Page) -> Message:
        return clock_message(self.plan, self.marks, now(), with_names=page.is_member)

    def member_names(self) -> list[str]:
        return [member.name for member in self.members]

    def name_in_use(self, name: str, device: str) -> bool:
        """A visitor's name already held by another open page (two visitors, one name)."""
        folded = name.casefold()
        return any(
            (page.pass_.name or "").casefold() == folded and page.pass_.device != device
            for page in self.pages
        )

    # ------------------------------------------------------------------ what pages send

    async def handle(self, page: Page, data: str) -> Message | None:
        try:
            message = json.loads(data)
        except ValueError:
            return {"t": "error", "message": "not a message this server understands"}
        if not isinstance(message, dict):
            return {"t": "error", "message": "not a message this server understands"}
        kind = message.get("t")
        if kind == "ping":
            return {"t": "pong", "server_now": now().isoformat()}
        if page.pass_.name is None:
            return {"t": "error", "message": "choose who you are first"}
        handlers = {"note": self.add_note, "edit": self.edit_note, "stage": self.move_stage}
        handler = handlers.get(kind)  # type: ignore[arg-type]
        if handler is None:
            return {"t": "error", "message": f"unknown message {str(kind)[:20]!r}"}
        return await handler(page, message)

    async def add_note(self, page: Page, message: Message) -> Message:
        observer = page.pass_.name
        assert observer is not None
        received_at = now()
        plan, labels = self.plan, [p.label for p in self.pupils]
        raw_id = str(message.get("id"))[:40]

        def write() -> tuple[bool, Observation, Changes]:
            note = note_from_message(
                message, plan=plan, labels=labels, observer=observer, received_at=received_at
            )
            added = self.study_file.add_note(note)  # False: sent twice, stored once
            return added, note, self._read_changes()

        try:
            added, note, changes = await self._run(write)
        except PageError as error:
            return {"t": "not_saved", "id": raw_id, "why": str(error), "retry": False}
        except LessonStudyError as error:
            self.console.problem(f"a note from {observer} could not be saved: {error}")
            return {"t": "not_saved", "id": raw_id, "why": str(error), "retry": True}
        self._apply(changes)
        return {"t": "saved", "id": str(note.id), "new": added}

    async def edit_note(self, page: Page, message: Message) -> Message:
        raw_id = str(message.get("id"))[:40]
        try:
            current = self.notes.get(note_id(message.get("id")))
            if current is None or current.observer != page.pass_.name:
                raise PageError("you can correct or delete only your own notes of this lesson")
            edited = edited_note(message, current, [p.label for p in self.pupils], self.plan)
            edited = attrs.evolve(edited, revision=current.revision)
        except PageError as error:
            return {"t": "not_saved", "id": raw_id, "why": str(error), "retry": False}
        if same_content(edited, current):
            return {"t": "saved", "id": raw_id, "revision": current.revision}

        def write() -> tuple[Observation, Changes]:
            # Only what this correction changed is written onto the note as it is now.
            return self.study_file.update_note(edited, base=current), self._read_changes()

        try:
            updated, changes = await self._run(write)
        except LessonStudyError as error:
            return {"t": "not_saved", "id": raw_id, "why": str(error), "retry": True}
        self._apply(changes)
        return {"t": "saved", "id": raw_id, "revision": updated.revision}

    async def move_stage(self, page: Page, message: Message) -> Message | None:
        if not page.is_member:
            return {"t": "error", "message": "only the group moves the lesson's stage"}
        target = message.get("to")
        stage_ids = {str(stage.id): stage.id for stage in self.plan.stages}
        if target != "end" and target not in stage_ids:
            return {"t": "error", "message": "that stage is not in the lesson's plan"}
        try:
            mark_id = note_id(message.get("id"))
        except PageError:
            return {"t": "error", "message": "the stage change has no id"}
        known = message.get("after")  # the latest mark the page knew of (None: none yet)
        mark = StageMark(
            id=mark_id,
            lesson=self.plan.number,
            observer=page.pass_.name or "",
            at=now(),
            stage_id=None if target == "end" else stage_ids[str(target)],
        )

        def write() -> tuple[bool, Changes]:
            marks = self.study_file.marks(self.plan.number)
            latest = str(max(marks, key=lambda m: m.at).id) if marks else None
            if latest == str(mark.id):
                return True, self._read_changes()  # sent twice: it is there already
            if latest != known:
                return False, self._read_changes()  # another member moved it meanwhile
            self.study_file.add_mark(mark)
            return True, self._read_changes()

        try:
            moved, changes = await self._run(write)
        except LessonStudyError as error:
            return {"t": "error", "message": f"the stage was not moved: {error}"}
        self._apply(changes)
        if not moved:
            return {"t": "error", "message": "someone moved the stage a moment ago: look again"}
        return None

    # ------------------------------------------------------------------ sending changes

    def _apply(self, changes: Changes, *, announce: bool = True) -> None:
        plan_changed = changes.plan is not None or changes.pupils is not None
        if changes.plan is not None:
            self.plan = changes.plan
        if changes.pupils is not None:
            self.pupils = changes.pupils
        if changes.members is not None:
            self.members = changes.members
        fresh = {
            note.id: note
            for note in changes.notes
            if note.id not in self.notes or self.notes[note.id].revision <= note.revision
        }
        for note in fresh.values():
            if announce and note.id not in self.notes:
                self.console.note(note, self.pupils)  # from a page or from any other process
            self.notes[note.id] = note
        marks_changed = changes.marks is not None
        if changes.marks is not None:
            if announce:
                for mark in changes.marks:
                    if mark not in self.marks:
                        self.console.stage(mark, self.plan)
            self.marks = changes.marks
        if marks_changed or plan_changed:
            # A mark committed late, or a stage taken out of the plan, moves the notes
            # the timeline places: the pages hear of each one that moved.
            line = timeline(self.plan, self.marks)
            for note_id, note in list(self.notes.items()):
                moved = placed(note, line)
                if moved is not note:
                    self.notes[note_id] = fresh[note_id] = moved
        if not (plan_changed or fresh or marks_changed):
            return
        views = [(note, note_view(note, self.plan)) for note in fresh.values()]
        everyone = _dumps({"t": "notes", "notes": [view for _note, view in views]})
        for page in list(self.pages):
            if page.pass_.name is None:
                continue
            if plan_changed:
                page.send(_dumps(self._plan_for(page)))
            if marks_changed or plan_changed:
                page.send(_dumps(self._clock_for(page)))
            if not views:
                continue
            if page.is_member:
                page.send(everyone)
            else:
                own = [view for note, view in views if page.sees(note)]
                if own:
                    page.send(_dumps({"t": "notes", "notes": own}))


async def _write_out(page: Page) -> None:
    while True:
        text = await page.queue.get()
        try:
            await page.ws.send_str(text)
        except (ConnectionError, RuntimeError):
            return  # the page went away; attach() tidies up


def _dumps(message: Message) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)
