"""The access rules on their own: codes, passes, the wrong-code limit, Host and Origin."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

import pytest

from lessonstudy.serve.access import (
    AccessCodes,
    CodeAttempts,
    Passes,
    Role,
    code_problem,
    derived_key,
    host_name,
    new_code,
    origin_matches,
    shown_code,
)
from lessonstudy.serve.access import _b64 as b64


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_new_code_is_eight_random_digits_shown_in_groups():
    codes = {new_code() for _ in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert len(code) == 8 and code.isdigit()
    assert shown_code(code) == f"{code[:4]} {code[4:]}"


def test_a_code_is_typed_with_any_spacing_and_case():
    codes = AccessCodes(member="4821 0937", visitor="Open-House-7")
    assert codes.role_for("48210937") is Role.MEMBER
    assert codes.role_for(" 4821-0937 ") is Role.MEMBER
    assert codes.role_for("openhouse7") is Role.VISITOR
    assert codes.role_for("4821 0938") is None
    assert codes.role_for("") is None


def test_a_research_lesson_has_no_visitors_code():
    assert AccessCodes(member="48210937").role_for("") is None


def test_a_short_code_given_on_the_command_line_is_refused():
    assert code_problem("1234") is not None
    assert code_problem("12 34 5") is not None  # five characters once spaces are gone
    assert code_problem("123456") is None


def test_a_pass_reads_back_and_a_changed_one_does_not():
    clock = FakeClock()
    passes = Passes({Role.MEMBER: b"m" * 32, Role.VISITOR: b"v" * 32}, clock=clock)
    visitor = passes.new(Role.VISITOR).named("Jo from St Anne's", ["A"])
    cookie = passes.issue(visitor)
    assert passes.read(cookie) == visitor

    payload, signature = cookie.split(".")
    body = json.loads(_unb64(payload))
    body["role"] = "member"  # a visitor trying to become a member
    forged = b64(json.dumps(body, separators=(",", ":")).encode()) + "." + signature
    assert passes.read(forged) is None
    assert passes.read(cookie[:-2] + "AA") is None
    assert passes.read("not a pass") is None
    assert passes.read(None) is None


def test_a_pass_signed_with_the_visitors_key_is_never_a_members():
    keys = {Role.MEMBER: b"m" * 32, Role.VISITOR: b"v" * 32}
    passes = Passes(keys)
    visitor_cookie = passes.issue(passes.new(Role.VISITOR))
    payload, _signature = visitor_cookie.split(".")
    body = json.loads(_unb64(payload))
    body["role"] = "member"
    relabelled = b64(json.dumps(body, separators=(",", ":")).encode())
    # Re-signed with the only key a visitor could ever learn of: still refused.
    signature = b64(hmac.new(keys[Role.VISITOR], relabelled.encode(), hashlib.sha256).digest())
    assert passes.read(f"{relabelled}.{signature}") is None


def test_a_pass_ends_after_a_school_day():
    clock = FakeClock()
    passes = Passes({Role.MEMBER: b"k" * 32}, max_age=100, clock=clock)
    cookie = passes.issue(passes.new(Role.MEMBER))
    clock.now += 99
    assert passes.read(cookie) is not None
    clock.now += 2
    assert passes.read(cookie) is None


def test_keys_from_a_given_code_survive_a_restart_but_differ_by_study_and_role():
    study = uuid.uuid4()
    assert derived_key("48210937", study, Role.MEMBER) == derived_key(
        "4821 0937", study, Role.MEMBER
    )
    assert derived_key("48210937", study, Role.MEMBER) != derived_key(
        "48210937", uuid.uuid4(), Role.MEMBER
    )
    assert derived_key("48210937", study, Role.MEMBER) != derived_key(
        "48210937", study, Role.VISITOR
    )


def test_wrong_codes_lock_an_address_out_longer_each_time():
    clock = FakeClock()
    attempts = CodeAttempts(tries=3, lockout=60, clock=clock)
    assert [attempts.failed("10.0.0.5") for _ in range(3)] == [2, 1, 0]
    assert attempts.wait("10.0.0.5") == pytest.approx(60)
    assert attempts.wait("10.0.0.6") == 0  # another device is not held up
    clock.now += 61
    assert attempts.wait("10.0.0.5") == 0
    for _ in range(3):
        attempts.failed("10.0.0.5")
    assert attempts.wait("10.0.0.5") == pytest.approx(120)  # twice as long the second time


def test_a_right_code_forgives_the_earlier_wrong_ones():
    clock = FakeClock()
    attempts = CodeAttempts(tries=3, clock=clock)
    attempts.failed("10.0.0.5")
    attempts.failed("10.0.0.5")
    attempts.succeeded("10.0.0.5")
    assert attempts.failed("10.0.0.5") == 2


def test_a_burst_of_wrong_codes_from_many_addresses_pauses_every_attempt():
    clock = FakeClock()
    attempts = CodeAttempts(tries=5, burst=10, window=60, clock=clock)
    for n in range(10):
        attempts.failed(f"10.0.1.{n}")  # one try each: no address is locked by itself
    assert attempts.wait("10.0.2.1") == pytest.approx(60)
    clock.now += 60
    assert attempts.wait("10.0.2.1") == 0


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8765", "localhost"),
        ("LOCALHOST", "localhost"),
        ("127.0.0.1:8765", "127.0.0.1"),
        ("[::1]:8765", "::1"),
        ("192.168.1.20:8765", "192.168.1.20"),
        ("classroom-pc.local.:80", "classroom-pc.local"),
        ("evil.example:8765", "evil.example"),
        ("", None),
        ("[::1", None),
        ("[nonsense]:80", None),
        ("a b:80", None),
        ("localhost:80x", None),
    ],
)
def test_host_name(header, name):
    assert host_name(header) == name


def test_origin_must_be_this_very_server():
    assert origin_matches("http://localhost:8765", "http", "localhost:8765")
    assert not origin_matches("http://evil.example", "http", "localhost:8765")
    assert not origin_matches("http://localhost:9999", "http", "localhost:8765")
    assert not origin_matches("https://localhost:8765", "http", "localhost:8765")
    assert not origin_matches("null", "http", "localhost:8765")
    assert not origin_matches(None, "http", "localhost:8765")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
