"""The write-up step's preview is cut into sections a terminal can show (report.sections)."""

from __future__ import annotations

from lessonstudy.report.sections import MAX_PART_CHARS, MAX_SECTION_CHARS, split_sections


def appendix(rows: int) -> str:
    table = "| time | about | note |\n| --- | --- | --- |\n" + "".join(
        f"| 10:{n % 60:02d} | A | counts on in ones, note {n} |\n" for n in range(rows)
    )
    return (
        "# Report\n\n## Findings\n\nThey compared.\n\n"
        "## Appendix C: Every observation note\n\n"
        f"### RL1 ({rows:,} notes)\n\n{table}\n"
        "### RL2 (1 note)\n\n| time | about | note |\n| --- | --- | --- |\n| 10:00 | B | one |\n"
    )


def test_a_lessons_thousands_of_notes_show_their_beginning_and_say_how_many_are_left():
    sections = split_sections(appendix(3000))
    rl1 = next(s for s in sections if s.title.startswith("RL1"))
    assert len(rl1.markdown) <= MAX_SECTION_CHARS + 200
    shown_rows = rl1.markdown.count("| counts on in ones")
    assert shown_rows > 20
    assert rl1.markdown.rstrip().endswith(
        f"*{3000 - shown_rows:,} more rows of this table: in the written write-up, "
        "not in this preview.*"
    )
    assert "note 0 |" in rl1.markdown and "note 2999 |" not in rl1.markdown
    # The other parts are whole, and every part is still listed.
    assert [s.title for s in sections] == [
        "Report",
        "Findings",
        "Appendix C: Every observation note",
        "RL1 (3,000 notes)",
        "RL2 (1 note)",
    ]
    assert sections[-1].markdown.endswith("| 10:00 | B | one |\n")


def test_a_long_part_under_the_limit_is_shown_whole():
    rows = 200  # about 9 kB: longer than a section, shorter than MAX_PART_CHARS
    sections = split_sections(appendix(rows))
    rl1 = next(s for s in sections if s.title.startswith("RL1"))
    assert MAX_SECTION_CHARS < len(rl1.markdown) <= MAX_PART_CHARS
    assert rl1.markdown.count("| counts on in ones") == rows
    assert "preview" not in rl1.markdown
