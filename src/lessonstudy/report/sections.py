"""A write-up's Markdown cut into its `## ` sections, for a preview shown one at a time.

A full report is too big to show at once in a terminal Markdown widget, so
the app's write-up step lists the sections and shows the one picked. Typed
text cannot start a line with `#` (it is escaped), so every `## ` at the
start of a line is one of the template's own headings.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class Section:
    title: str  # plain text, for a list of sections
    markdown: str  # the section, its heading included
    level: int = 2  # 3: a part of a long section (listed under it)


# A terminal Markdown widget takes seconds for a few tens of kilobytes: a
# section longer than this is shown a `### ` part at a time.
MAX_SECTION_CHARS = 6000
# A part still longer than this (a lesson's thousands of notes in the appendix:
# 350 kB at 3,000 notes) would hold the app for minutes (a table of 24 kB: 2.3 s,
# of 6 kB: 0.35 s): the preview shows its first MAX_SECTION_CHARS and says how
# many rows of its table the written write-up has besides.
MAX_PART_CHARS = 4 * MAX_SECTION_CHARS


def split_sections(markdown: str, max_chars: int = MAX_SECTION_CHARS) -> list[Section]:
    """The part before the first `## ` (titled by the `# ` heading), then each `## `
    section; a section longer than `max_chars` is cut further at its `### ` headings."""
    sections = []
    for lines in _cut(markdown.splitlines(keepends=True), "## "):
        text = "".join(lines)
        if not text.strip():
            continue
        title = _title(lines) or "Introduction"
        if len(text) <= max_chars:
            sections.append(Section(title, text))
            continue
        for number, part in enumerate(_cut(lines, "### ")):
            part_text = _shown(part, max_chars)
            if not part_text.strip():
                continue
            if number == 0:
                sections.append(Section(title, part_text))
            else:
                sections.append(Section(_title(part), part_text, level=3))
    return sections


def _shown(lines: list[str], max_chars: int) -> str:
    """The lines; or, longer than MAX_PART_CHARS, those that fit in `max_chars` and a
    line saying how many rows of the table they end in are left out (cut between
    rows: the table stays whole)."""
    text = "".join(lines)
    if len(text) <= max(max_chars, MAX_PART_CHARS):
        return text
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) > max_chars:
            break
        kept.append(line)
        size += len(line)
    left_out = lines[len(kept) :]
    rows = sum(1 for line in left_out if line.startswith("|"))
    what = f"{rows:,} more row{'' if rows == 1 else 's'} of this table" if rows else "The rest"
    ending = "" if not kept or kept[-1].endswith("\n") else "\n"
    return f"{''.join(kept)}{ending}\n*{what}: in the written write-up, not in this preview.*\n"


def _cut(lines: list[str], prefix: str) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for line in lines:
        if line.startswith(prefix):
            chunks.append([])
        chunks[-1].append(line)
    return chunks


def _title(lines: list[str]) -> str:
    heading = next((line for line in lines if line.startswith("#")), "")
    return plain_text(heading.lstrip("#").strip())


def plain_text(markdown_line: str) -> str:
    """One line of Markdown as the text a reader sees (escapes and emphasis removed)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("js-default").parseInline(markdown_line)
    parts = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "text_special", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts)
