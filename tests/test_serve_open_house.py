"""The open house: visitors' notes are guests' notes, on the open house's own
timeline, kept out of every research lesson; a visitor sees the predictions, the
stage and their own notes, and nothing else."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import aiohttp
import pytest

from lessonstudy import report
from lessonstudy.model import OPEN_HOUSE_LESSON, Observation, StageMark
from lessonstudy.process import evidence_grid
from lessonstudy.report.notes_csv import notes_csv
from lessonstudy.rules import study_problems
from lessonstudy.store import StudyFile
from lessonstudy.store.check import check_study
from lessonstudy.store.export import dumps, read_json
from serve_helpers import (
    CODE,
    MEMBERS,
    SECRETS,
    VISITOR_CODE,
    RunningServer,
    open_live,
    receive_until,
    served_study,
    sign_in,
)

AT = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


def with_open_house_notes(tmp_path):
    """The served study, with RL3 observed and the open house (teaching RL3) too."""
    path = served_study(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        plan = study_file.load().lesson(3)
        assert plan is not None
        stage = plan.stages[0].id
        study_file.add_note(
            Observation(
                lesson=3, observer=MEMBERS[0], at=AT, about="A", text="in RL3", stage_id=stage
            )
        )
        study_file.add_mark(
            StageMark(lesson=OPEN_HOUSE_LESSON, observer=MEMBERS[0], at=AT, stage_id=stage)
        )
        for observer, text in (
            ("Jo Visitor", "a guest's note"),
            (MEMBERS[1], "Sam at the house"),
        ):
            study_file.add_note(
                Observation(
                    lesson=OPEN_HOUSE_LESSON,
                    observer=observer,
                    at=AT + dt.timedelta(minutes=1),
                    about="B",
                    text=text,
                    stage_id=stage,
                )
            )
    return path


def test_guests_notes_stay_out_of_the_research_lesson_and_its_report(tmp_path):
    path = with_open_house_notes(tmp_path)
    with StudyFile.open(path, read_only=True) as study_file:
        study = study_file.load()
    grid = evidence_grid(study, 3)
    in_grid = [n.text for row in grid.rows for cell in row.cells.values() for n in cell.notes]
    assert in_grid == ["in RL3"]
    written = report.write_report(study, tmp_path / "r.md", kind="report", fmt="md")
    text = written.read_text()
    assert "in RL3" in text
    # The open house's notes are in the report only under the open house.
    _before, _, rest = text.partition("### RL3")
    in_rl3 = rest.split("\n### ", 1)[0]
    assert "a guest's note" not in in_rl3 and "Sam at the house" not in in_rl3
    assert [n.text for n in study.guest_notes()] == ["a guest's note"]


def test_the_open_house_has_its_own_grid_and_its_notes_reach_the_report(tmp_path):
    path = with_open_house_notes(tmp_path)
    with StudyFile.open(path, read_only=True) as study_file:
        study = study_file.load()
    grid = evidence_grid(study, OPEN_HOUSE_LESSON)
    first = grid.rows[0]
    assert first.stage.title == study.lesson(3).stages[0].title
    assert sorted(n.text for n in first.cells["B"].notes) == ["Sam at the house", "a guest's note"]
    assert grid.unplaced == ()
    text = report.write_report(study, tmp_path / "r.md", kind="report", fmt="md").read_text()
    assert "**Notes taken at the open house:** 2 (1 visitor and the group: 1)" in text
    house = text.split("### The open house (the RL3 plan)", 1)[1].split("\n## ", 1)[0]
    assert "a guest's note" in house and "Sam at the house" in house
    # A visitor gave a name to join, not to be published: numbered, never named.
    assert "Visitor 1" in house
    assert "Jo Visitor" not in text
    rows = notes_csv(study).decode("utf-8-sig").splitlines()
    at_house = [row for row in rows if row.startswith("open house,")]
    assert len(at_house) == 2 and any("Visitor 1" in row for row in at_house)
    assert not any("Jo Visitor" in row for row in rows)


def test_the_open_house_timeline_is_sound_and_survives_export_and_import(tmp_path):
    path = with_open_house_notes(tmp_path)
    assert check_study(path).problems == []
    with StudyFile.open(path, read_only=True) as study_file:
        study = study_file.load()
    assert study_problems(study) == []
    exported = tmp_path / "s.json"
    exported.write_text(dumps(study))
    back = read_json(exported)
    assert sorted(n.text for n in back.live_notes(OPEN_HOUSE_LESSON)) == [
        "Sam at the house",
        "a guest's note",
    ]
    assert [m.lesson for m in back.marks] == [OPEN_HOUSE_LESSON]


def test_the_store_places_open_house_notes_on_its_own_timeline(tmp_path):
    path = served_study(tmp_path / "s.lessonstudy")  # the open house teaches RL3
    with StudyFile.open(path) as study_file:
        plan = study_file.load().lesson(3)
        assert plan is not None
        second = plan.stages[1].id
        study_file.add_mark(
            StageMark(lesson=OPEN_HOUSE_LESSON, observer=MEMBERS[0], at=AT, stage_id=second)
        )
        # RL3's own clock says otherwise: the open house does not follow it.
        study_file.add_mark(StageMark(lesson=3, observer=MEMBERS[0], at=AT, stage_id=None))
        later = AT + dt.timedelta(minutes=1)
        study_file.add_note(
            Observation(lesson=OPEN_HOUSE_LESSON, observer="Jo", at=later, about="B", text="x")
        )
        (read,) = study_file.notes(OPEN_HOUSE_LESSON)
        (loaded,) = study_file.load().live_notes(OPEN_HOUSE_LESSON)
    assert plan.stage_number(read.stage_id) == plan.stage_number(loaded.stage_id) == 2
    assert not read.stage_chosen
    assert check_study(path).problems == []


# --------------------------------------------------------------------------- the server


def note_message(text: str, about: str = "B") -> dict[str, object]:
    return {"t": "note", "id": str(uuid.uuid4()), "about": about, "text": text}


async def join_visitor(session, url: str, name: str, follows=("B",)) -> None:
    await sign_in(session, url, code=VISITOR_CODE, name=name, follows=list(follows))


async def test_a_visitor_sees_the_predictions_the_stage_and_their_own_notes_only(tmp_path):
    path = served_study(tmp_path / "s.lessonstudy")
    with RunningServer(path, lesson=None, open_house=True, visitor_code=VISITOR_CODE) as server:
        plan = server.prepared.hub.plan
        async with (
            aiohttp.ClientSession() as jo_session,
            aiohttp.ClientSession() as kim_session,
            aiohttp.ClientSession() as ruth_session,
        ):
            await join_visitor(jo_session, server.url, "Jo from St Anne's")
            await join_visitor(kim_session, server.url, "Kim")
            await sign_in(ruth_session, server.url, code=CODE, name=MEMBERS[0])
            jo, kim, ruth = [
                await open_live(s, server.url) for s in (jo_session, kim_session, ruth_session)
            ]
            jo_seen: list[dict[str, object]] = []
            welcome = await receive_until(jo, "welcome", seen=jo_seen)
            assert welcome["role"] == "visitor" and welcome["title"] == "Open house (RL3)"
            assert "choices" not in welcome  # no member names for visitors
            jo_plan = await receive_until(jo, "plan", seen=jo_seen)
            assert jo_plan["yours"] == ["B"]
            assert jo_plan["stages"][0]["predictions"]["B"] == "B uses the line, stage 1"
            await receive_until(jo, "notes", reset=True, seen=jo_seen)
            await receive_until(kim, "notes", reset=True)
            await receive_until(ruth, "notes", reset=True)

            # Ruth starts stage 1 on the open house's own clock.
            await ruth.send_json(
                {"t": "stage", "id": str(uuid.uuid4()), "to": str(plan.stages[0].id), "after": None}
            )
            clock = await receive_until(jo, "clock", number=1, seen=jo_seen)
            assert "by" not in clock  # who moved it is the group's business

            await kim.send_json(note_message("Kim's note"))
            await receive_until(kim, "saved")
            ruth_seen: list[dict[str, object]] = []
            await ruth.send_json(note_message("Ruth's note", about="A"))
            await receive_until(ruth, "saved", seen=ruth_seen)
            await jo.send_json(note_message("Jo's note"))
            await receive_until(jo, "saved", seen=jo_seen)

            # Ruth, of the group, sees everyone's notes; Jo only Jo's.
            def texts(messages: list[dict[str, object]]) -> set[str]:
                return {n["text"] for m in messages if m["t"] == "notes" for n in m["notes"]}

            while len(texts(ruth_seen)) < 3:
                await receive_until(ruth, "notes", seen=ruth_seen)
            everyone = texts(ruth_seen)
            assert everyone == {"Kim's note", "Ruth's note", "Jo's note"}

            # A visitor may not move the clock, nor touch another's note.
            await jo.send_json(
                {"t": "stage", "id": str(uuid.uuid4()), "to": str(plan.stages[1].id), "after": None}
            )
            assert "only the group" in (await receive_until(jo, "error", seen=jo_seen))["message"]
            ruths_note = next(
                n for n in server.prepared.hub.notes.values() if n.observer == MEMBERS[0]
            )
            await jo.send_json(
                {
                    "t": "edit",
                    "id": str(ruths_note.id),
                    "revision": 1,
                    "deleted": True,
                }
            )
            assert "only your own" in (await receive_until(jo, "not_saved", seen=jo_seen))["why"]
            for ws in (jo, kim, ruth):
                await ws.close()

    everything_jo_saw = json.dumps(jo_seen)
    assert "Jo's note" in everything_jo_saw
    for other in ("Kim's note", "Ruth's note", *MEMBERS, *SECRETS):
        assert other not in everything_jo_saw
    with StudyFile.open(path, read_only=True) as study_file:
        notes = study_file.notes(OPEN_HOUSE_LESSON)
        assert study_file.notes(3) == []  # RL3, whose plan it borrowed, has none
        marks = study_file.marks()
    assert {n.text: plan.stage_number(n.stage_id) for n in notes} == {
        "Kim's note": 1,
        "Ruth's note": 1,
        "Jo's note": 1,
    }
    assert [m.lesson for m in marks] == [OPEN_HOUSE_LESSON]


async def test_a_visitor_cannot_take_a_members_name_or_anothers(tmp_path):
    path = served_study(tmp_path / "s.lessonstudy")
    with RunningServer(path, lesson=None, open_house=True, visitor_code=VISITOR_CODE) as server:
        async with aiohttp.ClientSession() as first, aiohttp.ClientSession() as second:
            await join_visitor(first, server.url, "Kim")
            live = await open_live(first, server.url)
            await receive_until(live, "welcome")
            await sign_in(second, server.url, code=VISITOR_CODE, name=None)
            for name, why in [
                ("ruth hill", "the name of one of the group"),
                ("KIM", "already joined with that name"),
                ("", "type your name"),
                ("K\x1b[2Jim", "on one line"),
            ]:
                async with second.post(
                    f"{server.url}/join", json={"name": name}, headers={"Origin": server.url}
                ) as response:
                    assert response.status == 400
                    assert why in (await response.json())["error"]
            await live.close()


async def test_the_visitors_code_opens_no_research_lesson(tmp_path):
    path = served_study(tmp_path / "s.lessonstudy")
    with RunningServer(path, lesson=1) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{server.url}/code", data={"code": VISITOR_CODE}, headers={"Origin": server.url}
            ) as response,
        ):
            assert response.status == 403


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"visitor_code": VISITOR_CODE}, "visitors come to the open house"),
        ({"open_house": True, "lesson": 2}, "serve one or the other"),
        ({"open_house": True, "visitor_code": CODE}, "must differ"),
    ],
)
def test_open_house_options_that_do_not_fit(tmp_path, options, message):
    from lessonstudy.errors import LessonStudyError
    from lessonstudy.serve.command import ServeOptions, prepare

    path = served_study(tmp_path / "s.lessonstudy")
    values = {"lesson": None, "code": CODE, **options}
    with pytest.raises(LessonStudyError, match=message):
        prepare(ServeOptions(path=path, **values))
