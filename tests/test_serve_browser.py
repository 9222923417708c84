"""The observer's page in real headless Chromium, against the real server.

Debian's Chromium is driven through Playwright (never `playwright install`).
Skipped when Chromium is missing, unless CI is set (then it fails).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from lessonstudy.model import OPEN_HOUSE_LESSON
from lessonstudy.store import StudyFile
from serve_helpers import (
    CODE,
    MEMBERS,
    VISITOR_CODE,
    FlakyNetwork,
    RunningServer,
    served_study,
)

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
NOTE_WRITER = Path(__file__).with_name("note_writer.py")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI must install Debian's chromium package)")
        pytest.skip("chromium is not installed")
    return found


@asynccontextmanager
async def browser() -> AsyncIterator[object]:
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def open_page(launched, url: str, size: dict[str, object]):
    context = await launched.new_context(**size)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    await page.goto(url + "/")
    return page


async def join_as_member(page, name: str) -> None:
    await page.fill("#code", CODE)
    await page.click("button[type=submit]")
    await page.get_by_role("button", name=name).click()
    await expect(page.locator("#observe")).to_be_visible()
    await expect(page.locator("#connection")).to_have_text("Live")


async def write_note(page, about: str, text: str, judgement: str | None = None) -> None:
    await page.locator(f"#about button[data-label='{about}']").click()
    if judgement:
        await page.locator(f"#judgement button[data-judgement='{judgement}']").click()
    await page.fill("#note-text", text)
    await page.press("#note-text", "Enter")


def stored(path: Path) -> Counter[str]:
    with StudyFile.open(path, read_only=True) as study_file:
        return Counter(note.text for note in study_file.notes(1) if not note.deleted)


async def shown(page) -> Counter[str]:
    return Counter(await page.locator("#notes .note .text").all_text_contents())


@pytest.mark.long
async def test_three_pages_and_a_terminal_observer_write_at_once(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    per_page, from_terminal = 8, 20
    with RunningServer(study) as server:
        async with browser() as launched:
            sizes = [PHONE, LAPTOP, LAPTOP]
            pages = [await open_page(launched, server.url, size) for size in sizes]
            for page, name in zip(pages, MEMBERS, strict=True):
                await join_as_member(page, name)
                await page.click("#tab-everyone")

            async def observe(page, name: str) -> None:
                for n in range(per_page):
                    await write_note(page, "ABC"[n % 3], f"{name} saw {n}", "=+-?"[n % 4])

            # A terminal observer writes through the store in its own process, meanwhile.
            terminal = await asyncio.create_subprocess_exec(
                sys.executable,
                str(NOTE_WRITER),
                str(study),
                str(from_terminal),
                "Helen at a terminal",
                stdout=asyncio.subprocess.DEVNULL,
            )
            await asyncio.gather(
                *(observe(page, name) for page, name in zip(pages, MEMBERS, strict=True))
            )
            assert await terminal.wait() == 0

            total = len(MEMBERS) * per_page + from_terminal
            for page in pages:
                await expect(page.locator("#notes .note")).to_have_count(total, timeout=15_000)
                await expect(page.locator("#notes .note.waiting")).to_have_count(0)
            in_file = stored(study)
            assert sum(in_file.values()) == total
            assert set(in_file.values()) == {1}, "a note was stored twice"
            for page in pages:
                assert await shown(page) == in_file
                assert page.errors == []


@pytest.mark.long
async def test_a_dropped_connection_loses_nothing_and_duplicates_nothing(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    # The server speaks every 2 s: the page notices silence after 5 s, long after the
    # note below has gone out even on a busy machine.
    with RunningServer(study, tick_interval=2.0) as server:
        async with FlakyNetwork(server.port) as wifi, browser() as launched:
            page = await open_page(launched, wifi.url, PHONE)
            await join_as_member(page, MEMBERS[0])
            await write_note(page, "A", "before the drop")
            await expect(page.locator("#last-sent")).to_contain_text("Saved")

            # The note reaches the server, but its acknowledgement is lost.
            wifi.go("deaf")
            await write_note(page, "B", "sent as the Wi-Fi went")
            await expect(page.locator("#offline")).to_be_visible(timeout=15_000)
            assert "sent as the Wi-Fi went" in stored(study)  # stored; the page cannot know
            wifi.go("down")
            await write_note(page, "C", "written while offline", "+")
            await write_note(page, "class", "also offline")
            await expect(page.locator("#offline")).to_contain_text(
                "3 notes are kept on this device"
            )
            await expect(page.locator("#notes .note.waiting")).to_have_count(3)
            # The phone's browser tries to reload the page while the network is gone.
            with pytest.raises(playwright_api.Error):
                await page.reload(timeout=3000)

            # Back: a fresh page, whose only memory of the waiting notes is this device's.
            wifi.go("up")
            try:
                await page.goto(wifi.url + "/")
            except playwright_api.Error as error:
                # The browser's own reload, still retrying, may land first: the same
                # fresh page at the same address (seen on a loaded 2-core machine).
                if "interrupted by another navigation" not in str(error):
                    raise
                await page.wait_for_load_state()
            assert page.url.rstrip("/") == wifi.url.rstrip("/")
            await expect(page.locator("#connection")).to_have_text("Live", timeout=15_000)
            await expect(page.locator("#notes .note.waiting")).to_have_count(0, timeout=10_000)
            await expect(page.locator("#offline")).to_be_hidden()
            expected = Counter(
                [
                    "before the drop",
                    "sent as the Wi-Fi went",
                    "written while offline",
                    "also offline",
                ]
            )
            assert stored(study) == expected
            await expect(page.locator("#notes .note")).to_have_count(4)
            assert await shown(page) == expected


async def test_typed_text_is_shown_as_text_never_as_markup(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    markup = "<img src=x onerror=\"document.title='owned'\"><b>bold?</b> & </li>"
    with RunningServer(study) as server:
        async with browser() as launched:
            writer = await open_page(launched, server.url, LAPTOP)
            reader = await open_page(launched, server.url, PHONE)
            await join_as_member(writer, MEMBERS[0])
            await join_as_member(reader, MEMBERS[1])
            await reader.click("#tab-everyone")
            await write_note(writer, "A", markup)
            note = reader.locator("#notes .note .text")
            await expect(note).to_have_text(markup)
            assert await reader.locator("#notes img, #notes b").count() == 0
            assert await reader.title() != "owned"


async def test_the_phone_page_fits_the_screen_and_follows_the_lesson_clock(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    with RunningServer(study) as server:
        async with browser() as launched:
            phone = await open_page(launched, server.url, PHONE)
            laptop = await open_page(launched, server.url, LAPTOP)
            await join_as_member(phone, MEMBERS[1])
            await join_as_member(laptop, MEMBERS[0])
            await expect(phone.locator("#stage-title")).to_have_text("Not started yet")
            await laptop.click("#stage-next")
            await expect(phone.locator("#stage-title")).to_have_text("Stage 1 of 3: Stage 1 of RL1")
            await expect(phone.locator("#stage-news")).to_have_text("Ruth Hill started stage 1.")
            # Sam follows C: C's prediction is first; none was written for C.
            first = phone.locator("#predictions li").first
            await expect(first).to_contain_text("C Cara (yours)")
            await expect(first).to_contain_text("no prediction")
            width = await phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390
            box = await phone.locator("#send").bounding_box()
            assert box is not None and box["height"] >= 44  # a thumb-sized button
            # One grammar for every note, as in the app: the class's may be judged too.
            await write_note(phone, "class", "most tables fold in eighths", "?")
            await expect(phone.locator("#last-sent")).to_contain_text("Saved")
    with StudyFile.open(study, read_only=True) as study_file:
        (note,) = study_file.notes(1)
    assert (note.about, note.judgement and note.judgement.symbol) == ("class", "?")


async def test_a_phone_correction_puts_a_note_in_the_stage_it_belongs_to(tmp_path):
    """The clock was still on stage 1 when the note was taken in stage 2: the observer
    says so in the correction, and can give it back to the clock."""
    study = served_study(tmp_path / "s.lessonstudy")
    with RunningServer(study) as server:
        async with browser() as launched:
            phone = await open_page(launched, server.url, PHONE)
            await join_as_member(phone, MEMBERS[1])
            await phone.click("#stage-next")
            await expect(phone.locator("#stage-title")).to_contain_text("Stage 1 of 3")
            await write_note(phone, "B", "folds the strip into eighths")
            await expect(phone.locator("#last-sent")).to_contain_text("Saved")
            note = phone.locator("#notes .note").first
            await expect(note.locator(".meta")).to_contain_text("stage 1")
            await note.get_by_role("button", name="Correct").click()
            chooser = phone.locator("#edit-stage")
            await expect(chooser).to_be_visible()
            await expect(chooser.locator("option:checked")).to_have_text(
                "By the lesson's clock: stage 1"
            )
            await chooser.select_option(label="Stage 2: Stage 2 of RL1")
            await phone.click("#send")
            await expect(phone.locator("#last-sent")).to_contain_text("Correction saved")
            await expect(note.locator(".meta")).to_contain_text("stage 2")
            assert not await phone.locator("#edit-stage-row").is_visible()  # a new note: no stage
            with StudyFile.open(study, read_only=True) as study_file:
                (stored_note,) = study_file.notes(1)
                second = study_file.load().lessons[0].stages[1].id
            assert (stored_note.stage_id, stored_note.stage_chosen) == (second, True)
            # Back to the clock's stage.
            await note.get_by_role("button", name="Correct").click()
            await expect(chooser.locator("option:checked")).to_have_text("Stage 2: Stage 2 of RL1")
            await chooser.select_option(value="")
            await phone.click("#send")
            await expect(note.locator(".meta")).to_contain_text("stage 1")
            assert phone.errors == []
    with StudyFile.open(study, read_only=True) as study_file:
        (stored_note,) = study_file.notes(1)
    assert (stored_note.stage_chosen, stored_note.text) == (False, "folds the strip into eighths")


async def test_a_visitor_at_the_open_house_on_a_phone(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    with RunningServer(study, lesson=None, open_house=True, visitor_code=VISITOR_CODE) as server:
        async with browser() as launched:
            visitor = await open_page(launched, server.url, PHONE)
            other = await open_page(launched, server.url, PHONE)
            member = await open_page(launched, server.url, LAPTOP)
            await join_as_member(member, MEMBERS[0])
            await member.click("#tab-everyone")
            for page, name in ((visitor, "Jo from St Anne's"), (other, "Kim")):
                await page.fill("#code", VISITOR_CODE)
                await page.click("button[type=submit]")
                await page.fill("#visitor-name", name)
                await page.locator("#follow-pupils button[data-label='B']").click()
                await page.click("#choose-visitor button[type=submit]")
                await expect(page.locator("#observe")).to_be_visible()
            await expect(visitor.locator("#who")).to_have_text("Jo from St Anne's (visitor)")
            # The pupil followed comes first; no clock buttons, no one else's notes.
            await expect(visitor.locator("#predictions li").first).to_contain_text("B Ben (yours)")
            await expect(visitor.locator("#stage-buttons")).to_be_hidden()
            await expect(visitor.locator("#tab-everyone")).to_be_hidden()
            await member.click("#stage-next")
            await expect(visitor.locator("#stage-title")).to_contain_text("Stage 1 of 3")
            await write_note(visitor, "B", "Ben explains where 3/4 goes", "+")
            await write_note(other, "A", "Kim's own note")
            await expect(member.locator("#notes .note")).to_have_count(2)
            await expect(member.locator("#notes")).to_contain_text("Jo from St Anne's")
            await expect(visitor.locator("#notes .note")).to_have_count(1)
            await expect(visitor.locator("#notes .note .text")).to_have_text(
                "Ben explains where 3/4 goes"
            )
            await expect(other.locator("#notes .note .text")).to_have_text("Kim's own note")
    with StudyFile.open(study, read_only=True) as study_file:
        assert {n.observer for n in study_file.notes(OPEN_HOUSE_LESSON)} == {
            "Jo from St Anne's",
            "Kim",
        }
