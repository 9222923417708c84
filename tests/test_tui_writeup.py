"""The write-up step in the app: preview a section at a time, switch kind, export."""

from __future__ import annotations

import docx
import pytest
from textual.app import App
from textual.widgets import Markdown, OptionList, Select, TabbedContent, TextArea

from lessonstudy.store import StudyFile
from lessonstudy.tui.screens.writeup import WriteUpScreen
from report_fixtures import PRIVATE, make_study
from tui_helpers import rendered, type_text, until


class WriteUpApp(App[None]):
    def __init__(self, study_file: StudyFile) -> None:
        super().__init__()
        self.study_file = study_file

    def on_mount(self) -> None:
        self.push_screen(WriteUpScreen(self.study_file))


@pytest.fixture
def study_file(tmp_path):
    with StudyFile.create(tmp_path / "fractions.lessonstudy", make_study()) as created:
        yield created


async def preview_ready(pilot) -> None:
    """The preview is rendered by a worker (its own read of the file), one at a time:
    wait until none is under way (one asked meanwhile starts as the last ends)."""
    await pilot.pause()
    screen = pilot.app.screen
    await until(pilot, lambda: not screen._reader.reading, "the preview rendered")
    await pilot.pause()


def titles(screen: WriteUpScreen) -> list[str]:
    options = screen.query_one("#writeup-sections", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_preview_lists_sections_and_shows_one_at_a_time(study_file):
    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WriteUpScreen)
        names = titles(screen)
        assert names[0] == "Fractions in Year 4"
        assert "The research lessons" in names
        assert "Findings and the practice developed" in names
        assert "Appendix C: Every observation note" in names
        # Each preview is one section: never the whole report.
        assert max(len(s.markdown) for s in screen.sections) < 7000
        await pilot.press("down", "down")  # "What we set out to improve, and why"
        await pilot.pause()
        shown = screen.query_one(Markdown).source
        assert shown.startswith("## What we set out to improve, and why")
        assert "## The case pupils" not in shown
        assert PRIVATE not in "".join(s.markdown for s in screen.sections)


async def test_kind_key_switches_to_the_handout(study_file):
    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await preview_ready(pilot)
        screen = app.screen
        assert screen.query_one("#writeup-kind", Select).value == "handout"
        assert "How to observe" in titles(screen)
        assert "Observation sheet: C (Jas)" in titles(screen)
        assert "Findings and the practice developed" not in titles(screen)


async def test_export_writes_next_to_the_study_file(study_file):
    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f3", "f3")  # html -> md -> docx
        await pilot.pause()
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WriteUpScreen)
        expected = study_file.path.with_name("fractions-report.docx")
        assert screen.exported == expected
        document = docx.Document(str(expected))
        assert any(p.style.name == "Heading 1" for p in document.paragraphs)


async def test_footer_shows_the_bindings_with_ids(study_file):
    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ids = {b.id for b in WriteUpScreen.BINDINGS}
        assert {"writeup.export", "writeup.kind", "writeup.format", "writeup.back"} <= ids
        shown = {binding.action for _key, binding, *_rest in app.screen.active_bindings.values()}
        assert {"export", "next_kind", "next_format"} <= shown


async def test_at_80_columns_each_section_takes_one_line_and_the_preview_has_room(study_file):
    async with WriteUpApp(study_file).run_test(size=(80, 24)) as pilot:
        await preview_ready(pilot)
        screen = pilot.app.screen
        sections = screen.query_one("#writeup-sections", OptionList)
        # Cut short with an ellipsis, never wrapped: a long title does not push the
        # sections below it out of sight, and the list does not squeeze the preview.
        shown = [sections.render_line(y).text.strip() for y in range(sections.option_count)]
        for title, line in zip(titles(screen), shown, strict=True):
            title = title.strip()
            assert line == title or (line.endswith("…") and title.startswith(line[:-1]))
        assert any(line.endswith("…") for line in shown)
        preview = screen.query_one("#writeup-preview")
        assert preview.size.width >= 80 // 2


async def test_the_first_preview_is_more_than_the_title(study_file):
    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WriteUpScreen)
        for kind in ("report", "handout", "poster", "slides"):
            screen.query_one("#writeup-kind", Select).value = kind
            await preview_ready(pilot)
            shown = screen.query_one(Markdown).source
            # The title section alone is a heading and a line: it runs on into
            # the first real section rather than leaving the preview empty.
            assert shown.startswith("# ")
            assert f"## {screen.sections[1].title}" in shown, kind


async def test_private_words_are_listed_where_they_are_and_stop_the_export(study_file):
    import attrs

    from lessonstudy.store import documents

    # A real name slipped into a note and a discussion point.
    study = study_file.load()
    note = study.notes[0]
    study_file.update_note(attrs.evolve(note, text=note.text + " (Amira was next to her)"))
    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WriteUpScreen)
        await pilot.press("f8")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "private"
        assert app.focused is screen.query_one("#private-A", TextArea)
        await type_text(pilot, "Amira Khan\nAmira")
        saved, _ = study_file.read(documents.PRIVATE_WORDS)
        assert [(w.text, w.pupil) for w in saved.words] == [("Amira Khan", "A"), ("Amira", "A")]
        await pilot.press("f6")
        await preview_ready(pilot)
        hits = rendered(screen.query_one("#writeup-hits"))
        assert "1 private word in this write-up" in hits
        assert "“Amira” in Appendix C: Every observation note › RL1" in hits
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        target = study_file.path.with_name("fractions-report.html")
        assert not target.exists()
        assert "Not written: 1 private word" in rendered(screen.query_one("#writeup-status"))
        await pilot.press("ctrl+k")  # with the pseudonym instead
        await app.workers.wait_for_complete()
        await pilot.pause()
        page = target.read_text()
        assert "Amira" not in page and "(Maya was next to her)" in page


async def test_the_case_reports_own_fields_are_asked_for_and_saved(study_file):
    from lessonstudy.store import documents

    app = WriteUpApp(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        field = screen.query_one("#case-useful_for", TextArea)
        assert app.focused is field
        field.load_text("")
        await type_text(pilot, "Year 3 teachers")
        screen.query_one("#case-references", TextArea).load_text("")
        screen.query_one("#case-references", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "EEF (2017)\n\nDudley (2014)")
    overview, _ = study_file.read(documents.OVERVIEW)
    assert overview.useful_for == "Year 3 teachers"
    assert overview.references == ["EEF (2017)", "Dudley (2014)"]


async def test_others_changes_render_one_preview_at_a_time_and_only_in_front(
    study_file, monkeypatch
):
    """Each change from another process started a rendering of its own: 20 notes in
    a second at 90,000 notes ran seven at once and held the keys for 1.8 s. And
    under another screen (Textual's is_current is true there too) none starts."""
    import threading

    from textual.screen import Screen

    from lessonstudy import report
    from lessonstudy.tui.live import StudyChanged
    from lessonstudy.usecases.changes import Change

    app = WriteUpApp(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WriteUpScreen)
        render = report.render_markdown
        gate = threading.Event()
        running: list[int] = []
        most = [0]
        lock = threading.Lock()

        def held(*args, **kwargs):
            with lock:
                running.append(1)
                most[0] = max(most[0], len(running))
            gate.wait(10)
            try:
                return render(*args, **kwargs)
            finally:
                with lock:
                    running.pop()

        monkeypatch.setattr(report, "render_markdown", held)
        notes = Change(note_lessons=frozenset({1}))
        for _ in range(5):
            screen.post_message(StudyChanged(notes))
            await pilot.pause()
        await until(pilot, lambda: most[0] >= 1, "a rendering started")
        screen.post_message(StudyChanged(notes))
        await pilot.pause()
        assert most[0] == 1  # the others wait for it, and then for one more
        gate.set()
        await preview_ready(pilot)
        assert most[0] == 1

        await app.push_screen(Screen())
        reads = screen._reader.ask_count
        screen.post_message(StudyChanged(notes))
        await pilot.pause()
        assert screen._reader.ask_count == reads  # read when shown again
        app.pop_screen()
        await pilot.pause()
        assert screen._reader.ask_count == reads + 1
