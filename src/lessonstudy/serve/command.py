"""`lessonstudy serve`: check the options, choose the lesson, print where to go, run."""

from __future__ import annotations

import asyncio
import secrets
import ssl
import sys
from pathlib import Path
from typing import TextIO

import attrs
from aiohttp import web
from attrs import frozen

from lessonstudy.errors import LessonStudyError
from lessonstudy.serve.access import (
    LOOPBACK_HOSTS,
    AccessCodes,
    CodeAttempts,
    Passes,
    Role,
    code_problem,
    derived_key,
    new_code,
    normalise_code,
    shown_code,
)
from lessonstudy.serve.console import Console, printable, qr_lines
from lessonstudy.serve.live import POLL_INTERVAL, TICK_INTERVAL, LessonHub
from lessonstudy.serve.network import host_names, lan_addresses
from lessonstudy.serve.served import Served, choose_lesson, choose_open_house
from lessonstudy.serve.server import Binding, Settings, make_app, serve, tls_context
from lessonstudy.store import StudyFile

DEFAULT_PORT = 8765


@frozen
class ServeOptions:
    path: Path
    lesson: int | None = None
    open_house: bool = False
    lan: bool = False
    port: int = DEFAULT_PORT
    code: str | None = None
    visitor_code: str | None = None
    cert: Path | None = None
    key: Path | None = None


@attrs.define
class Prepared:
    """Everything `run` starts, built and checked before anything listens."""

    app: web.Application
    binding: Binding
    ssl_context: ssl.SSLContext | None
    settings: Settings
    served: Served
    hub: LessonHub
    console: Console
    codes: AccessCodes


def prepare(
    options: ServeOptions,
    out: TextIO | None = None,
    *,
    poll_interval: float = POLL_INTERVAL,
    tick_interval: float = TICK_INTERVAL,
) -> Prepared:
    for option, given in (("--code", options.code), ("--visitor-code", options.visitor_code)):
        problem = given is not None and code_problem(given)
        if problem:
            raise LessonStudyError(f"{option}: {problem}")
    if options.visitor_code is not None and not options.open_house:
        raise LessonStudyError("--visitor-code: visitors come to the open house (add --open-house)")
    if options.open_house and options.lesson is not None:
        raise LessonStudyError("--lesson and --open-house: serve one or the other")
    if (options.cert is None) != (options.key is None):
        raise LessonStudyError("--cert and --key go together: give both, or neither")
    ssl_context = (
        tls_context(options.cert, options.key)
        if options.cert is not None and options.key is not None
        else None
    )
    with StudyFile.open(options.path) as study_file:
        if options.open_house:
            served = choose_open_house(study_file)
        else:
            served = choose_lesson(study_file, options.lesson)

    member_code = options.code or new_code()
    visitor_code = (options.visitor_code or new_code()) if served.open_house else None
    while visitor_code is not None and normalise_code(visitor_code) == normalise_code(member_code):
        if options.visitor_code and options.code:
            raise LessonStudyError("--code and --visitor-code must differ")
        visitor_code = new_code()
    codes = AccessCodes(member=member_code, visitor=visitor_code)
    keys = {Role.MEMBER: _key(options.code, served, Role.MEMBER)}
    if visitor_code is not None:
        keys[Role.VISITOR] = _key(options.visitor_code, served, Role.VISITOR)
    console = Console(out or sys.stdout)
    if options.lan:
        addresses = lan_addresses()
        binding = Binding("0.0.0.0", options.port, tuple(addresses))
        hostnames = {*LOOPBACK_HOSTS, *addresses, *host_names()}
    else:
        binding = Binding("127.0.0.1", options.port, ("localhost",))
        hostnames = set(LOOPBACK_HOSTS)
    settings = Settings(
        codes=codes,
        passes=Passes(keys),
        attempts=CodeAttempts(),
        console=console,
        hostnames=frozenset(hostnames),
        tls=ssl_context is not None,
    )
    hub = LessonHub(
        options.path, served, console, poll_interval=poll_interval, tick_interval=tick_interval
    )
    return Prepared(
        make_app(hub, settings), binding, ssl_context, settings, served, hub, console, codes
    )


def _key(given_code: str | None, served: Served, role: Role) -> bytes:
    """Random for this session; from the code when it was given, so passes outlive a restart."""
    if given_code:
        return derived_key(given_code, served.study_id, role)
    return secrets.token_bytes(32)


def run(options: ServeOptions, out: TextIO | None = None) -> int:
    prepared = prepare(options, out)

    def ready(port: int) -> None:
        _banner(prepared, options, port)

    asyncio.run(
        serve(prepared.app, prepared.binding, ssl_context=prepared.ssl_context, ready=ready)
    )
    prepared.console.write("Stopped. Every note that reached the server is saved in the study.")
    return 0


def _banner(prepared: Prepared, options: ServeOptions, port: int) -> None:
    console, served, binding, codes = (
        prepared.console,
        prepared.served,
        prepared.binding,
        prepared.codes,
    )
    scheme = prepared.settings.scheme
    write = console.write
    title = printable(served.study_title, 60) or "(untitled study)"
    write(f"Serving {served.title} of {title!r} from {options.path}")
    write(f"  On this computer:       {scheme}://localhost:{port}/")
    url = None
    if options.lan:
        if binding.shown_hosts:
            url = f"{scheme}://{binding.shown_hosts[0]}:{port}/"
            write(f"  On the school network:  {url}")
            for other in binding.shown_hosts[1:]:
                write(f"                     or:  {scheme}://{other}:{port}/")
        else:
            write("  No school network found: is this computer on the Wi-Fi? (listening anyway)")
    else:
        write("  Only this computer can reach it; add --lan for phones and laptops in the room.")
    write(f"  The group's code:       {shown_code(codes.member)}")
    if codes.visitor is not None:
        write(
            f"  Visitors' code:         {shown_code(codes.visitor)}  (visitors see their own notes)"
        )
    if not options.code:
        write("  (new each time: give your own with --code to keep it across restarts)")
    if url is not None:
        # Last but one: on an 80x24 terminal the address and the code stay in view above it.
        for line in qr_lines(url, ansi=console.out.isatty()):
            write("    " + line)
        if scheme == "http":
            write("  No --cert/--key: notes cross the network unencrypted; use one you trust.")
    write("  The code is needed once on each device. ctrl+c stops the server.")
    write("")
