"""The server over real HTTP and WebSocket: safe by default, and notes stored once.

Each test runs the server `lessonstudy serve` builds, on a real socket (see
serve_helpers.RunningServer), and talks to it as a page would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid

import aiohttp
import pytest

from lessonstudy.model import CLASS, Observation, StageMark, now
from lessonstudy.store import StudyFile
from serve_helpers import (
    CODE,
    MEMBERS,
    SECRETS,
    RunningServer,
    open_live,
    receive_until,
    served_study,
    sign_in,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def study(tmp_path):
    return served_study(tmp_path / "s.lessonstudy")


def note_message(text: str, about: str = "A", **extra: object) -> dict[str, object]:
    return {"t": "note", "id": str(uuid.uuid4()), "about": about, "text": text, **extra}


def stored_texts(path) -> list[str]:
    with StudyFile.open(path, read_only=True) as study_file:
        return [note.text for note in study_file.notes(1)]


# --------------------------------------------------------------------------- before the code

PATHS = ["/", "/page.js", "/page.css", "/live", "/study", "/export", "/favicon.ico", "/%2e%2e/"]


async def test_nothing_of_the_study_is_served_before_the_code(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            for path in PATHS:
                for method in ("GET", "POST"):
                    async with session.request(
                        method, server.url + path, headers={"Origin": server.url}
                    ) as response:
                        body = await response.text()
                    # The page that asks for the code, or a refusal: nothing else.
                    assert response.status in (200, 401, 403, 404, 405), (method, path)
                    if response.status == 200:
                        assert 'action="/code"' in body  # the page asking for the code
                    for private in ["Fractions", "Amy", "Ruth", "counts on", *SECRETS]:
                        assert private not in body, (method, path, private)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"{server.url}/live", headers={"Origin": server.url})
            assert refused.value.status == 401


async def test_the_code_gives_a_pass_cookie_only_this_site_and_no_script_can_read(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{server.url}/code",
                data={"code": CODE},
                headers={"Origin": server.url},
                allow_redirects=False,
            ) as response:
                assert response.status == 303
                cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie
            assert "SameSite=Strict" in cookie
            assert "Path=/" in cookie
            async with session.get(f"{server.url}/") as response:
                page = await response.text()
                policy = response.headers["Content-Security-Policy"]
                assert policy.startswith("default-src 'none'; script-src 'self';")
                assert f"connect-src 'self' ws://localhost:{server.port};" in policy
                assert response.headers["X-Frame-Options"] == "DENY"
            assert '<script src="/page.js"' in page


async def test_a_wrong_origin_is_refused(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            for origin in (
                "http://evil.example",
                "null",
                None,
                server.url.replace("http", "https"),
            ):
                headers = {"Origin": origin} if origin else {}
                async with session.post(
                    f"{server.url}/code", data={"code": CODE}, headers=headers
                ) as response:
                    assert response.status == 403, origin
                    assert "Set-Cookie" not in response.headers
            await sign_in(session, server.url)
            # Even with a good pass: a page elsewhere cannot open the live connection
            # (cross-site WebSocket hijacking) nor change who you are.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(
                    f"{server.url}/live", headers={"Origin": "http://evil.example"}
                )
            assert refused.value.status == 403
            async with session.post(
                f"{server.url}/join",
                json={"name": MEMBERS[1]},
                headers={"Origin": "http://evil.example"},
            ) as response:
                assert response.status == 403
            async with session.post(
                f"{server.url}/leave",
                headers={"Origin": server.url, "Sec-Fetch-Site": "cross-site"},
            ) as response:
                assert response.status == 403


async def test_another_host_name_is_refused(study):
    """DNS rebinding: a site that points its own name at this address gets nothing."""
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            async with session.get(
                f"{server.url}/page.js", headers={"Host": f"evil.example:{server.port}"}
            ) as response:
                assert response.status == 421
            async with session.get(f"{server.url}/page.js") as response:
                assert response.status == 200


async def test_guessing_the_code_is_stopped(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            statuses = []
            for guess in range(6):
                async with session.post(
                    f"{server.url}/code",
                    data={"code": f"0000000{guess}"},
                    headers={"Origin": server.url},
                ) as response:
                    statuses.append(response.status)
            assert statuses == [403] * 5 + [429]
            # Locked out: even the right code waits now.
            async with session.post(
                f"{server.url}/code",
                data={"code": CODE},
                headers={"Origin": server.url},
                allow_redirects=False,
            ) as response:
                assert response.status == 429
                assert "Wait 1 minute" in await response.text()
                assert "Set-Cookie" not in response.headers
    assert "too many wrong codes from 127.0.0.1" in server.out.getvalue()


async def test_a_member_chooses_a_name_from_the_group_only(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url, name=None)
            ws = await open_live(session, server.url)
            welcome = await receive_until(ws, "welcome")
            assert welcome["choices"] == MEMBERS
            assert welcome["name"] is None
            await ws.send_json(note_message("before saying who I am"))
            assert (await receive_until(ws, "error"))["message"] == "choose who you are first"
            await ws.close()
            async with session.post(
                f"{server.url}/join", json={"name": "Mallory"}, headers={"Origin": server.url}
            ) as response:
                assert response.status == 400
    assert stored_texts(study) == []


# --------------------------------------------------------------------------- notes


async def test_a_note_sent_twice_is_stored_once(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            ws = await open_live(session, server.url)
            await receive_until(ws, "notes", reset=True)
            message = note_message("counts on past one whole", judgement="+", age_ms=1500)
            for _ in range(3):  # the acknowledgement was lost twice: the page sends again
                await ws.send_json(message)
                assert (await receive_until(ws, "saved"))["id"] == message["id"]
            await ws.close()
    with StudyFile.open(study, read_only=True) as study_file:
        notes = study_file.notes(1)
    assert [(n.text, n.observer, str(n.id)) for n in notes] == [
        ("counts on past one whole", MEMBERS[0], message["id"])
    ]
    assert notes[0].judgement is not None and notes[0].judgement.symbol == "+"


async def test_a_note_breaking_the_rules_is_refused_with_the_reason(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            ws = await open_live(session, server.url)
            await receive_until(ws, "notes", reset=True)
            for bad, why in [
                (note_message("about nobody", about="Z"), "pick who the note is about"),
                (note_message("   "), "the note has no text"),
                (note_message("odd mark", judgement="*"), "unknown judgement mark"),
                ({**note_message("no id"), "id": "1"}, "not a UUID"),
                (note_message("x" * 4001), "longer than 4000"),
            ]:
                await ws.send_json(bad)
                reply = await receive_until(ws, "not_saved")
                assert why in reply["why"]
                assert reply["retry"] is False
            await ws.close()
    assert stored_texts(study) == []


async def test_a_note_takes_the_stage_running_when_it_was_begun(study):
    with RunningServer(study) as server:
        plan = server.prepared.hub.plan
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            ws = await open_live(session, server.url)
            clock = await receive_until(ws, "clock")
            assert clock["started"] is False
            await ws.send_json(
                {"t": "stage", "id": str(uuid.uuid4()), "to": str(plan.stages[0].id), "after": None}
            )
            clock = await receive_until(ws, "clock", number=1)
            await ws.send_json(
                {
                    "t": "stage",
                    "id": str(uuid.uuid4()),
                    "to": str(plan.stages[1].id),
                    "after": clock["mark"],
                }
            )
            await receive_until(ws, "clock", number=2)
            now_note = note_message("in stage 2")
            await ws.send_json(now_note)
            await receive_until(ws, "saved")
            # Begun an hour ago (kept on the device while offline): before any stage.
            await ws.send_json(note_message("typed before the lesson", age_ms=3_600_000))
            await receive_until(ws, "saved")
            await ws.close()
    with StudyFile.open(study, read_only=True) as study_file:
        stages = {n.text: plan.stage_number(n.stage_id) for n in study_file.notes(1)}
    assert stages == {"in stage 2": 2, "typed before the lesson": None}


async def test_a_stage_moved_in_a_terminal_just_before_a_note_places_it_there(study):
    """The lesson has one timeline: a mark a terminal observer commits a moment
    after a page's note, but timed before it, moves the note into its stage."""
    with RunningServer(study) as server:
        plan = server.prepared.hub.plan
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            ws = await open_live(session, server.url)
            await receive_until(ws, "notes", reset=True)
            message = note_message("typed as the teacher moved on")
            await ws.send_json(message)
            seen: list[dict[str, object]] = []
            await receive_until(ws, "saved", seen=seen)
            (first,) = [n for m in seen if m["t"] == "notes" for n in m["notes"]]
            assert first["stage"] is None  # the lesson had not started, as far as anyone knew
            with StudyFile.open(study) as terminal:
                terminal.add_mark(
                    StageMark(
                        lesson=1,
                        observer=MEMBERS[2],
                        at=dt.datetime.fromisoformat(first["at"]) - dt.timedelta(seconds=2),
                        stage_id=plan.stages[0].id,
                    )
                )
            moved = await receive_until(ws, "notes")
            assert [(n["id"], n["stage"]) for n in moved["notes"]] == [(message["id"], 1)]
            await ws.close()


async def test_two_members_moving_the_stage_at_once_move_it_once(study):
    with RunningServer(study) as server:
        plan = server.prepared.hub.plan
        async with aiohttp.ClientSession() as ruth, aiohttp.ClientSession() as sam:
            await sign_in(ruth, server.url, name=MEMBERS[0])
            await sign_in(sam, server.url, name=MEMBERS[1])
            pages = [await open_live(s, server.url) for s in (ruth, sam)]
            for ws in pages:
                await receive_until(ws, "clock")
            for ws in pages:  # both tap "Start stage 1", knowing of no mark yet
                await ws.send_json(
                    {
                        "t": "stage",
                        "id": str(uuid.uuid4()),
                        "to": str(plan.stages[0].id),
                        "after": None,
                    }
                )
            refused = await receive_until(pages[1], "error")
            assert "moved the stage a moment ago" in refused["message"]
            for ws in pages:
                await ws.close()
    with StudyFile.open(study, read_only=True) as study_file:
        assert len(study_file.marks(1)) == 1


async def test_only_your_own_notes_can_be_corrected(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as ruth, aiohttp.ClientSession() as sam:
            await sign_in(ruth, server.url, name=MEMBERS[0])
            await sign_in(sam, server.url, name=MEMBERS[1])
            ruth_ws, sam_ws = await open_live(ruth, server.url), await open_live(sam, server.url)
            mine = note_message("Ruth's own note")
            await ruth_ws.send_json(mine)
            await receive_until(ruth_ws, "saved")
            edit = {"t": "edit", "id": mine["id"], "revision": 1, "about": "A"}
            await sam_ws.send_json({**edit, "text": "Sam rewrites it", "deleted": False})
            assert "only your own notes" in (await receive_until(sam_ws, "not_saved"))["why"]
            await ruth_ws.send_json({**edit, "text": "Ruth's own note, corrected"})
            assert (await receive_until(ruth_ws, "saved"))["revision"] == 2
            await ruth_ws.send_json({"t": "edit", "id": mine["id"], "revision": 2, "deleted": True})
            assert (await receive_until(ruth_ws, "saved"))["revision"] == 3
            for ws in (ruth_ws, sam_ws):
                await ws.close()
    with StudyFile.open(study, read_only=True) as study_file:
        (note,) = study_file.notes(1)
    assert (note.text, note.deleted, note.revision) == ("Ruth's own note, corrected", True, 3)


async def test_a_correction_can_put_a_note_in_another_stage_and_back_on_the_timeline(study):
    """On a phone, a note taken while the group had not yet moved the lesson's clock
    on sat in the stage before, and the page could not say where it belonged."""
    with RunningServer(study) as server:
        plan = server.prepared.hub.plan
        first, second = (str(stage.id) for stage in plan.stages[:2])
        shown: list[dict[str, object]] = []

        async def shown_and_saved(ws: aiohttp.ClientWebSocketResponse) -> dict[str, object]:
            """The correction's answer; `shown`: the note as the pages are sent it."""
            seen: list[dict[str, object]] = []
            saved = await receive_until(ws, "saved", seen=seen)
            updates = [m for m in seen if m["t"] == "notes"] or [await receive_until(ws, "notes")]
            shown[:] = updates[-1]["notes"]
            return saved

        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url, name=MEMBERS[0])
            ws = await open_live(session, server.url)
            await receive_until(ws, "clock")
            await ws.send_json({"t": "stage", "id": str(uuid.uuid4()), "to": first, "after": None})
            await receive_until(ws, "clock")
            mine = note_message("Counts on in eighths")
            await ws.send_json(mine)
            await receive_until(ws, "saved")
            edit = {"t": "edit", "id": mine["id"], "about": "A", "text": mine["text"]}
            await ws.send_json({**edit, "revision": 1, "stage": "not-a-stage"})
            assert "not in the lesson's plan" in (await receive_until(ws, "not_saved"))["why"]
            await ws.send_json({**edit, "revision": 1, "stage": second})
            assert (await shown_and_saved(ws))["revision"] == 2
            assert [(n["stage"], n["stage_chosen"]) for n in shown] == [(2, True)]
            with StudyFile.open(study, read_only=True) as study_file:
                (note,) = study_file.notes(1)
            assert (str(note.stage_id), note.stage_chosen) == (second, True)
            await ws.send_json({**edit, "revision": 2, "stage": None})  # the stage running then
            assert (await shown_and_saved(ws))["revision"] == 3
            assert [(n["stage"], n["stage_chosen"]) for n in shown] == [(1, False)]
            await ws.close()
    with StudyFile.open(study, read_only=True) as study_file:
        (note,) = study_file.notes(1)
    assert (str(note.stage_id), note.stage_chosen, note.text) == (first, False, mine["text"])


async def test_a_note_another_process_commits_reaches_the_page(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            ws = await open_live(session, server.url)
            await receive_until(ws, "notes", reset=True)
            # A terminal observer writing through the store, as the app does.
            with StudyFile.open(study) as terminal:
                terminal.add_note(
                    Observation(
                        lesson=1, observer=MEMBERS[2], at=now(), about=CLASS, text="from a terminal"
                    )
                )
            arrived = await receive_until(ws, "notes")
            assert [n["text"] for n in arrived["notes"]] == ["from a terminal"]
            await ws.close()
    assert "Tom Ward on class: from a terminal" in server.out.getvalue()


async def test_private_things_never_reach_a_page(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as session:
            await sign_in(session, server.url)
            ws = await open_live(session, server.url)
            received: list[object] = []
            await receive_until(ws, "notes", reset=True, seen=received)
            await ws.send_json(note_message("a note of mine"))
            await receive_until(ws, "saved", seen=received)
            await ws.close()
            async with session.get(f"{server.url}/page.js") as response:
                received.append(await response.text())
    everything = json.dumps(received)
    assert "a note of mine" in everything
    for secret in SECRETS:
        assert secret not in everything
    assert "Amy" in everything  # the pseudonym is what observers use


async def test_a_page_that_stops_answering_does_not_hold_up_the_others(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as quiet, aiohttp.ClientSession() as busy:
            await sign_in(quiet, server.url, name=MEMBERS[1])
            await sign_in(busy, server.url, name=MEMBERS[0])
            stalled = await open_live(quiet, server.url)  # opened, then never read
            ws = await open_live(busy, server.url)
            await receive_until(ws, "notes", reset=True)
            for n in range(40):
                await ws.send_json(note_message(f"note {n}"))
                await asyncio.wait_for(receive_until(ws, "saved"), 5)
            await ws.close()
            await stalled.close()
    assert len(stored_texts(study)) == 40


async def test_a_page_flooding_the_server_is_closed_and_the_others_carry_on(study):
    with RunningServer(study) as server:
        async with aiohttp.ClientSession() as flood, aiohttp.ClientSession() as calm:
            await sign_in(flood, server.url, name=MEMBERS[1])
            await sign_in(calm, server.url, name=MEMBERS[0])
            noisy, ws = await open_live(flood, server.url), await open_live(calm, server.url)
            await receive_until(ws, "notes", reset=True)
            for _ in range(700):
                await noisy.send_str('{"t": "ping"}')
            closed = await asyncio.wait_for(_closed(noisy), 10)
            assert closed == 1008
            await ws.send_json(note_message("still heard"))
            await receive_until(ws, "saved")
            await ws.close()
    assert stored_texts(study) == ["still heard"]


async def _closed(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    async for _message in ws:
        pass
    return ws.close_code
