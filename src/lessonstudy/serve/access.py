"""Who may use the page: access codes, signed passes, the wrong-code limit, and
which Host and Origin a request may carry.

Pure standard library (no web framework): the rules are tested on their own.

- The code decides the role. A research lesson has one code, the group's; the
  open house has a second one for visitors, so a visitor cannot claim to be a
  member of the group by tapping a name.
- After the code, the device holds a *pass*: a cookie signed with a key of its
  role. It says the role, the device, and (once chosen) the name. A pass made
  with the visitors' key can never read as a member's.
- Keys are random for each serve session, unless the code was given on the
  command line: then they are derived from it (and the study), so the passes
  of a restarted server with the same code still hold, and nobody has to type
  the code again mid-lesson.
"""

from __future__ import annotations

import base64
import collections
import enum
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from collections.abc import Callable, Iterable
from uuid import UUID

from attrs import evolve, field, frozen

CODE_DIGITS = 8
MIN_CODE_LENGTH = 6
PASS_MAX_AGE = 12 * 60 * 60  # seconds: a school day; the code is entered once per device
MAX_NAME_LENGTH = 60


class Role(enum.Enum):
    MEMBER = "member"  # one of the group: sees everyone's notes, moves the lesson clock
    VISITOR = "visitor"  # an open-house guest: the predictions, the stage, their own notes


def new_code() -> str:
    """Eight random digits: easy on a phone's number pad, 10^8 to guess."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(text: str) -> str:
    """What counts in a code: letters and digits, case ignored ("4821 0937" = "48210937")."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def shown_code(code: str) -> str:
    """A code as printed: groups of four, easier to read aloud and to type."""
    code = normalise_code(code)
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_problem(code: str) -> str | None:
    """Why a code given on the command line is not safe enough, or None."""
    if len(normalise_code(code)) < MIN_CODE_LENGTH:
        return f"the code must have at least {MIN_CODE_LENGTH} letters or digits"
    return None


@frozen
class AccessCodes:
    """The session's codes: the group's, and the visitors' (open house only)."""

    member: str = field(converter=normalise_code)
    visitor: str | None = field(
        default=None, converter=lambda c: None if c is None else normalise_code(c)
    )

    def role_for(self, typed: str) -> Role | None:
        typed_code = normalise_code(typed).encode()
        # Compare with every code, in constant time: the time taken tells nothing.
        found = None
        for role, code in ((Role.MEMBER, self.member), (Role.VISITOR, self.visitor)):
            if code is not None and hmac.compare_digest(typed_code, code.encode()):
                found = role
        return found


# --------------------------------------------------------------------------- passes


@frozen
class Pass:
    """What a device's cookie says about it."""

    role: Role
    device: str  # random, made when the code was entered: tells two phones apart
    issued: float  # seconds since the epoch
    name: str | None = None  # chosen after the code: a member's name or a visitor's
    follows: tuple[str, ...] = ()  # the case pupils this person watches most

    def named(self, name: str | None, follows: Iterable[str] = ()) -> Pass:
        return evolve(self, name=name, follows=tuple(follows))


def derived_key(code: str, study_id: UUID, role: Role) -> bytes:
    """A signing key from a code given on the command line (slow to guess offline)."""
    return hashlib.scrypt(
        normalise_code(code).encode(),
        salt=b"lessonstudy serve " + role.value.encode() + study_id.bytes,
        n=2**14,
        r=8,
        p=1,
        dklen=32,
    )


class Passes:
    """Issues and reads signed passes. Nothing is kept on the server."""

    def __init__(
        self,
        keys: dict[Role, bytes],
        *,
        max_age: float = PASS_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self._max_age = max_age
        self._clock = clock

    @property
    def max_age(self) -> float:
        return self._max_age

    def new(self, role: Role) -> Pass:
        return Pass(role=role, device=secrets.token_urlsafe(12), issued=self._clock())

    def issue(self, pass_: Pass) -> str:
        body = {
            "role": pass_.role.value,
            "device": pass_.device,
            "issued": pass_.issued,
            "name": pass_.name,
            "follows": list(pass_.follows),
        }
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{_b64(self._sign(pass_.role, payload))}"

    def read(self, cookie: str | None) -> Pass | None:
        """The pass a cookie holds, or None if it is missing, forged, or too old."""
        if not cookie or cookie.count(".") != 1 or len(cookie) > 4096:
            return None
        payload, signature = cookie.split(".")
        try:
            body = json.loads(_unb64(payload))
            role = Role(body["role"])
            given = _unb64(signature)
        except (ValueError, KeyError, TypeError):
            return None
        if role not in self._keys or not hmac.compare_digest(given, self._sign(role, payload)):
            return None
        try:
            pass_ = Pass(
                role=role,
                device=str(body["device"]),
                issued=float(body["issued"]),
                name=None if body["name"] is None else str(body["name"]),
                follows=tuple(str(label) for label in body["follows"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        age = self._clock() - pass_.issued
        return pass_ if 0 <= age <= self._max_age else None

    def _sign(self, role: Role, payload: str) -> bytes:
        return hmac.new(self._keys[role], payload.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --------------------------------------------------------------------------- wrong codes


class CodeAttempts:
    """The limit on wrong codes.

    Each address has a few tries; then it waits, twice as long after each
    further lock-out. Across all addresses, a burst of wrong codes (someone
    guessing from many addresses) pauses every new attempt for a while.
    Devices that already entered the code are never affected.
    """

    def __init__(
        self,
        *,
        tries: int = 5,
        lockout: float = 60.0,
        max_lockout: float = 60.0 * 60,
        burst: int = 30,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tries = tries
        self._lockout = lockout
        self._max_lockout = max_lockout
        self._burst = burst
        self._window = window
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._locks: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._recent: collections.deque[float] = collections.deque()

    def wait(self, client: str) -> float:
        """Seconds before `client` may try a code (0: now)."""
        now = self._clock()
        while self._recent and self._recent[0] <= now - self._window:
            self._recent.popleft()
        waits = [self._locked_until.get(client, 0.0) - now]
        if len(self._recent) >= self._burst:
            waits.append(self._recent[0] + self._window - now)
        return max(0.0, *waits)

    def failed(self, client: str) -> int:
        """Count a wrong code; the tries `client` has left before it must wait."""
        now = self._clock()
        self._recent.append(now)
        if len(self._failures) > 10_000:  # a flood of addresses: forget the oldest
            self._failures.pop(next(iter(self._failures)))
        failures = self._failures.get(client, 0) + 1
        if failures < self.tries:
            self._failures[client] = failures
            return self.tries - failures
        self._failures.pop(client, None)
        locks = self._locks.get(client, 0)
        self._locks[client] = locks + 1
        self._locked_until[client] = now + min(self._lockout * 2**locks, self._max_lockout)
        return 0

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)


# --------------------------------------------------------------------------- host and origin


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def host_name(host_header: str | None) -> str | None:
    """The name in a Host header ("[::1]:8765" -> "::1"), or None if it is malformed."""
    if not host_header or len(host_header) > 255:
        return None
    host = host_header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1 :]
        if end < 0 or (rest and not _is_port(rest)):
            return None
        name = host[1:end]
        try:
            ipaddress.IPv6Address(name)
        except ValueError:
            return None
        return name
    name, _, port = host.partition(":")
    if port and not port.isdigit():
        return None
    if not name or any(not (ch.isalnum() or ch in "-.") for ch in name):
        return None
    return name.rstrip(".")


def _is_port(text: str) -> bool:
    return text.startswith(":") and text[1:].isdigit()


def origin_matches(origin: str | None, scheme: str, host_header: str) -> bool:
    """A browser's Origin is this very server as the page reached it (same scheme,
    host and port). No Origin at all is refused: every browser sends one on a
    POST and on a WebSocket, and a page elsewhere cannot fake it."""
    if not origin:
        return False
    return origin.strip().lower() == f"{scheme}://{host_header.strip().lower()}"
