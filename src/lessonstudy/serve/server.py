"""The web server: aiohttp routes, the guard every request passes, and running it.

Routes (everything else is "not found"):
  GET  /          the page asking for the code, or (with a pass) the observer's page
  POST /code      the code -> a pass (cookie); wrong codes are limited
  GET  /page.js, /page.css   the observer's page's script and style (with a pass)
  POST /join      who you are (a member's name; a visitor's own name) -> a named pass
  POST /leave     forget who you are on this device (to choose again)
  GET  /live      the WebSocket: the lesson as it happens, and the notes you send

Every request must name this server in its Host header (a page elsewhere that
points its own name at this address - DNS rebinding - is refused), and every
request that changes anything, and every WebSocket, must come from this
server's own page (Origin). Before the code nothing of the study is served:
only the page that asks for it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import html
import signal
import ssl
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path

from aiohttp import web
from attrs import frozen

from lessonstudy.errors import LessonStudyError
from lessonstudy.serve.access import (
    MAX_NAME_LENGTH,
    AccessCodes,
    CodeAttempts,
    Pass,
    Passes,
    Role,
    host_name,
    origin_matches,
)
from lessonstudy.serve.console import Console, printable
from lessonstudy.serve.live import LessonHub, Page

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PASS_COOKIE = "lessonstudy-pass"
MAX_BODY = 8 * 1024  # bytes: a code or a name, never more
MAX_MESSAGE = 64 * 1024  # bytes in one WebSocket message (a long note is 16 KB)


@frozen
class Settings:
    codes: AccessCodes
    passes: Passes
    attempts: CodeAttempts
    console: Console
    hostnames: frozenset[str]  # the names this server may be reached by
    tls: bool = False

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def cookie_name(self) -> str:
        # "__Host-": the browser keeps it only if Secure, for this host alone, for every path.
        return f"__Host-{PASS_COOKIE}" if self.tls else PASS_COOKIE


HUB = web.AppKey("hub", LessonHub)
SETTINGS = web.AppKey("settings", Settings)
PAGE_CACHE = web.AppKey("page_cache", dict[str, bytes])


# --------------------------------------------------------------------------- the page files


def _page_file(name: str) -> bytes:
    return resources.files("lessonstudy.serve").joinpath("page", name).read_bytes()


CODE_PAGE_STYLE = _page_file("code.css").decode()
STYLE_HASH = base64.b64encode(hashlib.sha256(CODE_PAGE_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; "
    f"style-src 'self' 'sha256-{STYLE_HASH}'; "
    # The WebSocket by name as well: older Safari (school iPads) does not count
    # ws: as 'self'.
    "connect-src 'self' {ws}; img-src 'self' data:; manifest-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_FILES = {
    "/": ("index.html", "text/html"),
    "/page.js": ("page.js", "text/javascript"),
    "/page.css": ("page.css", "text/css"),
}


def code_page(title: str, message: str = "", *, status: int = 200) -> web.Response:
    """The one page served before the code: it asks for the code, and says nothing
    of the study (not even its title)."""
    say = f'<p class="message" role="alert">{html.escape(message)}</p>' if message else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CODE_PAGE_STYLE}</style></head>
<body><main>
<h1>Lesson Study</h1>
<p>Type the code the group gave you. You need it once on this device.</p>
{say}
<form method="post" action="/code">
<label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="off" autocapitalize="off"
 spellcheck="false" required autofocus>
<button type="submit">Join</button>
</form></main></body></html>"""
    return web.Response(text=body, status=status, content_type="text/html")


# --------------------------------------------------------------------------- the guard


def _is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    host = request.headers.get("Host", "")
    if host_name(host) not in settings.hostnames:
        return web.Response(
            status=421, text="This server is not reached by that name. Use the address it shows."
        )
    changes_something = request.method not in ("GET", "HEAD") or _is_websocket(request)
    if changes_something and not origin_matches(
        request.headers.get("Origin"), settings.scheme, host
    ):
        return web.Response(status=403, text="Refused: this request did not come from this page.")
    if changes_something and request.headers.get("Sec-Fetch-Site", "same-origin") not in (
        "same-origin",
        "none",
    ):
        return web.Response(status=403, text="Refused: this request did not come from this page.")
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _secure_headers(error, f"{'wss' if settings.tls else 'ws'}://{host}")
        raise
    if not response.prepared:
        _secure_headers(response, f"{'wss' if settings.tls else 'ws'}://{host}")
    return response


def _secure_headers(response: web.StreamResponse, websocket: str) -> None:
    """`websocket` is this server as the page reached it (its Host, checked already)."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(ws=websocket)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null"
    # on a POST, and the Origin check would refuse the page's own form.
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cache-Control"] = "no-store"


def _pass(request: web.Request) -> Pass | None:
    settings = request.app[SETTINGS]
    return settings.passes.read(request.cookies.get(settings.cookie_name))


def _set_pass(response: web.StreamResponse, settings: Settings, pass_: Pass) -> None:
    response.set_cookie(
        settings.cookie_name,
        settings.passes.issue(pass_),
        max_age=int(settings.passes.max_age),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=settings.tls,
    )


# --------------------------------------------------------------------------- routes


async def page(request: web.Request) -> web.StreamResponse:
    hub = request.app[HUB]
    if _pass(request) is None:
        status = 200 if request.path == "/" else 401
        return code_page(f"{hub.served.title} · Lesson Study", status=status)
    name, content_type = PAGE_FILES[request.path]
    return web.Response(
        body=request.app[PAGE_CACHE][name], content_type=content_type, charset="utf-8"
    )


async def enter_code(request: web.Request) -> web.StreamResponse:
    settings, hub = request.app[SETTINGS], request.app[HUB]
    title = f"{hub.served.title} · Lesson Study"
    client = request.remote or "?"
    wait = settings.attempts.wait(client)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return code_page(
            title,
            f"Too many wrong codes. Wait {minutes} minute{'s' if minutes > 1 else ''}, "
            "then try again.",
            status=429,
        )
    form = await request.post()
    typed = form.get("code")
    role = settings.codes.role_for(typed) if isinstance(typed, str) else None
    if role is None:
        left = settings.attempts.failed(client)
        settings.console.wrong_code(client, left)
        if left:
            message = f"That code is not right. {left} tr{'ies' if left > 1 else 'y'} left."
        else:
            message = "That code is not right, again. Wait a minute, then try again."
        return code_page(title, message, status=403)
    settings.attempts.succeeded(client)
    existing = _pass(request)
    # Entering the code again keeps who you are, unless it gives another role.
    pass_ = existing if existing and existing.role is role else settings.passes.new(role)
    response = web.Response(status=303, headers={"Location": "/"})
    _set_pass(response, settings, pass_)
    return response


async def join(request: web.Request) -> web.StreamResponse:
    settings, hub = request.app[SETTINGS], request.app[HUB]
    pass_ = _pass(request)
    if pass_ is None:
        return web.json_response({"error": "enter the code first"}, status=401)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return web.json_response({"error": "say who you are"}, status=400)
    follows = body.get("follows", [])
    labels = [pupil.label for pupil in hub.pupils]
    if not isinstance(follows, list) or any(f not in labels for f in follows):
        return web.json_response({"error": "pick case pupils of this study"}, status=400)
    name = " ".join(body["name"].split())
    problem = _name_problem(name, pass_, hub)
    if problem:
        return web.json_response({"error": problem}, status=400)
    if pass_.role is Role.MEMBER:
        follows = []  # a member's pupils are the ones the plan assigns them
    response = web.json_response({"name": name})
    _set_pass(response, settings, pass_.named(name, follows))
    return response


def _name_problem(name: str, pass_: Pass, hub: LessonHub) -> str | None:
    members = hub.member_names()
    if pass_.role is Role.MEMBER:
        return None if name in members else "choose your name from the group's list"
    if not name:
        return "type your name"
    if len(name) > MAX_NAME_LENGTH or printable(name, MAX_NAME_LENGTH + 1) != name:
        return f"a name of up to {MAX_NAME_LENGTH} letters, on one line"
    if name.casefold() in {member.casefold() for member in members}:
        return "that is the name of one of the group; add your initial or your school"
    if hub.name_in_use(name, pass_.device):
        return "someone here has already joined with that name; add your initial or your school"
    return None


async def leave(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    pass_ = _pass(request)
    if pass_ is None:
        return web.json_response({"error": "enter the code first"}, status=401)
    response = web.json_response({"name": None})
    _set_pass(response, settings, pass_.named(None))
    return response


async def live(request: web.Request) -> web.StreamResponse:
    pass_ = _pass(request)
    if pass_ is None:
        return web.Response(status=401, text="Enter the code first.")
    ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=MAX_MESSAGE, compress=False)
    await ws.prepare(request)
    await request.app[HUB].attach(Page(ws, pass_))
    return ws


async def not_found(request: web.Request) -> web.StreamResponse:
    if _pass(request) is None:
        return code_page("Lesson Study", status=401)
    return web.Response(status=404, text="Not found.")


def make_app(hub: LessonHub, settings: Settings) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[HUB] = hub
    app[SETTINGS] = settings
    app[PAGE_CACHE] = {name: _page_file(name) for name, _type in PAGE_FILES.values()}
    for path in PAGE_FILES:
        app.router.add_get(path, page)
    app.router.add_post("/code", enter_code)
    app.router.add_post("/join", join)
    app.router.add_post("/leave", leave)
    app.router.add_get("/live", live)
    app.router.add_route("*", "/{tail:.*}", not_found)

    async def start_hub(_app: web.Application) -> None:
        await hub.start()

    async def stop_hub(_app: web.Application) -> None:
        await hub.stop()

    app.on_startup.append(start_hub)
    app.on_shutdown.append(stop_hub)
    return app


# --------------------------------------------------------------------------- running


@frozen
class Binding:
    host: str  # the address to listen on
    port: int
    shown_hosts: tuple[str, ...]  # the names to print (the first is the one to type)


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or error
        raise LessonStudyError(f"{cert}, {key}: cannot be used for TLS ({reason})") from None
    return context


async def serve(
    app: web.Application,
    binding: Binding,
    *,
    ssl_context: ssl.SSLContext | None,
    ready: Callable[[int], None],
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
) -> None:
    """Run until ctrl+c (or SIGTERM, or `stop`), then close every page and the study."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    if handle_signals:
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
    try:
        site = web.TCPSite(runner, binding.host, binding.port, ssl_context=ssl_context)
        try:
            await site.start()
        except OSError as error:
            raise LessonStudyError(
                f"cannot listen on {binding.host} port {binding.port} ({error.strerror})"
            ) from None
        port = runner.addresses[0][1]
        ready(port)
        await stop.wait()
    finally:
        await runner.cleanup()
