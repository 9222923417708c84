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
            part_text = "".join(part)
            if not part_text.strip():
                continue
            if number == 0:
                sections.append(Section(title, part_text))
            else:
                sections.append(Section(_title(part), part_text, level=3))
    return sections


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
