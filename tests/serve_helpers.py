"""Shared set-up for the serve tests (not a test module).

`served_study` holds private things that must never reach a page (a private
note, a starting point, interview answers, another lesson's notes), so tests
can look for them in everything a page receives. `RunningServer` runs the real
server (the one `lessonstudy serve` builds) on a real socket, in a thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientWebSocketResponse

from lessonstudy.model import (
    Answer,
    CasePupil,
    Interview,
    Member,
    Observation,
    Stage,
    new_study,
)
from lessonstudy.serve.command import Prepared, ServeOptions, prepare
from lessonstudy.serve.server import serve
from lessonstudy.store import StudyFile

CODE = "4821 0937"
VISITOR_CODE = "5531 2208"
MEMBERS = ["Ruth Hill", "Sam Patel", "Tom Ward"]
SECRETS = (
    "PRIVATE-lives-with-her-aunt",
    "STARTING-POINT-secret",
    "INTERVIEW-ANSWER-secret",
    "OTHER-LESSON-note",
    "WHY-CHOSEN-secret",
)


def served_study(path: Path) -> Path:
    study = new_study("Fractions on a number line")
    study.members = [Member(name) for name in MEMBERS]
    study.pupils = [
        CasePupil(
            "A",
            "Amy",
            private_note=SECRETS[0],
            starting_point=SECRETS[1],
            why_chosen=SECRETS[4],
        ),
        CasePupil("B", "Ben"),
        CasePupil("C", "Cara"),
    ]
    for lesson in study.lessons:
        lesson.stages = [
            Stage(
                title=f"Stage {n} of RL{lesson.number}",
                minutes=10,
                predictions={"A": f"A counts on, stage {n}", "B": f"B uses the line, stage {n}"},
            )
            for n in (1, 2, 3)
        ]
        lesson.assignments = {"Ruth Hill": ["A", "B"], "Sam Patel": ["C"]}
    study.interviews.append(
        Interview(lesson=1, interviewee="A", answers=[Answer("What did you learn?", SECRETS[2])])
    )
    study.notes.append(
        Observation(
            lesson=2,
            observer="Ruth Hill",
            at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC),
            about="A",
            text=SECRETS[3],
        )
    )
    study.open_house.lesson = 3
    StudyFile.create(path, study).close()
    return path


class RunningServer:
    """The real server, on a real socket, in a thread of its own."""

    def __init__(
        self,
        path: Path,
        *,
        lesson: int | None = 1,
        code: str = CODE,
        tick_interval: float = 1.0,
        **options: Any,
    ) -> None:
        self.out = io.StringIO()
        self.options = ServeOptions(path=path, lesson=lesson, code=code, port=0, **options)
        self.prepared: Prepared = prepare(self.options, self.out, tick_interval=tick_interval)
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.prepared.settings.scheme}://localhost:{self.port}"

    def _main(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()

            def ready(port: int) -> None:
                self.port = port
                self._ready.set()

            await serve(
                self.prepared.app,
                self.prepared.binding,
                ssl_context=self.prepared.ssl_context,
                ready=ready,
                stop=self._stop,
                handle_signals=False,
            )

        try:
            asyncio.run(main())
        except BaseException as error:
            self._error = error
            self._ready.set()

    def __enter__(self) -> RunningServer:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


async def sign_in(
    session: ClientSession, url: str, code: str = CODE, name: str | None = MEMBERS[0], **join: Any
) -> None:
    """What a page does: the code, then who you are (the session keeps the cookie)."""
    async with session.post(
        f"{url}/code", data={"code": code}, headers={"Origin": url}, allow_redirects=False
    ) as response:
        assert response.status == 303, await response.text()
    if name is not None:
        async with session.post(
            f"{url}/join", json={"name": name, **join}, headers={"Origin": url}
        ) as response:
            assert response.status == 200, await response.text()


async def open_live(session: ClientSession, url: str) -> ClientWebSocketResponse:
    ws = await session.ws_connect(f"{url}/live", headers={"Origin": url})
    return ws


async def receive_until(
    ws: ClientWebSocketResponse,
    kind: str,
    *,
    seen: list[dict[str, Any]] | None = None,
    **match: Any,
) -> dict[str, Any]:
    """The next message of `kind` (whose fields equal `match`), within 10 s; the
    messages skipped on the way are added to `seen`."""

    async def wanted() -> dict[str, Any]:
        while True:
            message = await ws.receive_json()
            if seen is not None:
                seen.append(message)
            if message.get("t") == kind and all(message.get(k) == v for k, v in match.items()):
                return message

    return await asyncio.wait_for(wanted(), timeout=10)


class FlakyNetwork:
    """A TCP relay between the browsers and the server, standing in for the
    school Wi-Fi: "up" passes everything; "deaf" loses what the server sends
    (the note arrives, its acknowledgement does not); "down" passes nothing and
    refuses new connections, while the old ones stay open and silent, as when
    Wi-Fi drops without closing anything."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = "up"
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> FlakyNetwork:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cut_all()
        assert self._server is not None
        self._server.close()

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def go(self, mode: str) -> None:
        if mode == "up" and self.mode != "up":
            self._cut_all()  # what went quiet is gone for good; the pages reconnect
        self.mode = mode

    def _cut_all(self) -> None:
        for writer in list(self._links):
            writer.close()
        self._links.clear()

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "down":
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._links |= {writer, up_writer}
        await asyncio.gather(
            self._pump(reader, up_writer, to_server=True),
            self._pump(up_reader, writer, to_server=False),
            return_exceptions=True,
        )

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, to_server: bool
    ) -> None:
        try:
            while data := await source.read(65536):
                passes = self.mode == "up" or (self.mode == "deaf" and to_server)
                if passes:
                    sink.write(data)
                    await sink.drain()
        finally:
            sink.close()
