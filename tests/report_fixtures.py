"""A small, realistic study for the write-up tests, built with the model classes.

`make_study(typed=...)` puts the given text into every field a teacher types,
so the unsafe-text tests can check it comes out exactly as typed everywhere.
"""

from __future__ import annotations

import datetime as dt

from lessonstudy.model import (
    CLASS,
    Answer,
    CasePupil,
    ChangeItem,
    ClassDetails,
    Discussion,
    Findings,
    GroupJudgement,
    Interview,
    IntervieweeKind,
    Judgement,
    Member,
    Observation,
    OpenHouse,
    Overview,
    ResearchLesson,
    Role,
    Stage,
    Study,
)

PRIVATE = "PRIVATE-NOTE-lives-on-Elm-Street"
PSEUDONYMS = {"A": "Maya", "B": "Theo", "C": "Jas"}
STAGE_TITLES = ("Warm-up: folding strips", "Fraction wall", "Comparing on the number line")
QUOTES = (
    "I can see a half is bigger than a third because the pieces are bigger.",
    "The wall helped because you can put them next to each other.",
)
ZONE = dt.timezone(dt.timedelta(hours=1))


def make_study(typed: str | None = None) -> Study:
    """Three case pupils, two research lessons with notes, interviews and discussions."""

    def t(text: str) -> str:
        return text if typed is None else f"{text} {typed}"

    overview = Overview(
        title=t("Fractions in Year 4"),
        focus=t("how to compare fractions with different denominators"),
        research_question=t("Does folding paper strips help pupils compare unit fractions?"),
        technique=t("Concrete folding strips before the fraction wall"),
        evidence=t("EEF guidance on fractions; NCETM materials"),
        aim=t("Pupils explain which of two unit fractions is larger, and why"),
        class_details=ClassDetails("Year 4", 28, "mixed attainment", "Ms Okafor", "Mathematics"),
        protocol_agreed=True,
        protocol_text=t("We study the learning, not the teacher"),
        useful_for=t("Year 3 and 4 teachers"),
        context=t("A two-form primary school"),
        group_experience=t("Our second lesson study"),
        decided_against=t("We decided against pizza diagrams"),
        references=[t("EEF (2017) Improving Mathematics in Key Stages 2 and 3")],
    )
    members = [
        Member(t("Ms Okafor"), [Role.TEACHER, Role.CHAIR]),
        Member("Mr Patel", [Role.OBSERVER, Role.RECORDER]),
        Member("Mrs Lin", [Role.OBSERVER, Role.FINAL_COMMENTATOR]),
    ]
    pupils = [
        CasePupil(
            label,
            PSEUDONYMS[label] if typed is None else f"{PSEUDONYMS[label]} {typed}",
            t(group),
            t(f"Typical of {group} pupils"),
            t(f"Starting point of {label}"),
            private_note=PRIVATE,
        )
        for label, group in (("A", "high attaining"), ("B", "middle"), ("C", "lower attaining"))
    ]
    lessons = []
    notes = []
    interviews = []
    discussions = []
    for number in (1, 2):
        stages = [
            Stage(
                title=t(title),
                minutes=10 + 5 * index,
                teacher_activity=t(f"Teacher models step {index + 1}"),
                pupil_activity=t(f"Pupils work on step {index + 1}"),
                assessment=t("Listen for the words 'bigger pieces'"),
                predictions={
                    label: t(f"RL{number} {label} will manage {title.lower()}") for label in "ABC"
                },
                observed={
                    label: t(f"RL{number} {label} observed at {title.lower()}") for label in "AB"
                },
                patterns=t("Most pupils folded accurately"),
            )
            for index, title in enumerate(STAGE_TITLES)
        ]
        lessons.append(
            ResearchLesson(
                number=number,
                date=dt.date(2025, 1, 14 + 7 * (number - 1)),
                time="09:15",
                aspect=t("Comparing unit fractions"),
                objective=t("Compare two unit fractions"),
                teacher="Ms Okafor",
                assignments={"Mr Patel": ["A", "B"], "Mrs Lin": ["C"]},
                learning_intentions=t("To compare unit fractions"),
                success_criteria=t("I can say which is bigger and why"),
                pupil_success_criteria={
                    label: t(f"{label} explains with a strip") for label in "ABC"
                },
                stages=stages,
                resources=t("Paper strips, fraction wall"),
                initial_thoughts=t("Pupils were keen"),
                carried_changes=[ChangeItem(t("Start with halves"), done=True)]
                if number == 2
                else [],
            )
        )
        start = dt.datetime(2025, 1, 14 + 7 * (number - 1), 9, 15, tzinfo=ZONE)
        judgements = [
            Judgement.AS_PREDICTED,
            Judgement.BETTER,
            Judgement.LESS,
            Judgement.UNEXPECTED,
        ]
        for s_index, stage in enumerate(stages):
            for p_index, label in enumerate("ABC"):
                notes.append(
                    Observation(
                        lesson=number,
                        observer="Mrs Lin" if label == "C" else "Mr Patel",
                        at=start + dt.timedelta(minutes=10 * s_index + p_index),
                        about=label,
                        text=t(f"RL{number} note on {label} at stage {s_index + 1}"),
                        stage_id=stage.id,
                        judgement=judgements[(s_index + p_index + number) % 4],
                        critical=(s_index == 1 and label == "C"),
                    )
                )
            notes.append(
                Observation(
                    lesson=number,
                    observer="Mr Patel",
                    at=start + dt.timedelta(minutes=10 * s_index + 5),
                    about=CLASS,
                    text=t(f"RL{number} class note at stage {s_index + 1}"),
                    stage_id=stage.id,
                )
            )
        interviews.append(
            Interview(
                lesson=number,
                interviewee="A",
                interviewer="Mrs Lin",
                answers=[
                    Answer("What did you learn?", t(QUOTES[number - 1]), quote=True),
                    Answer(
                        "Which part of the teaching helped you most?", t("The strips"), quote=False
                    ),
                ],
            )
        )
        interviews.append(
            Interview(
                lesson=number,
                interviewee=t("Two pupils from table 3"),
                kind=IntervieweeKind.GROUP,
                answers=[Answer("What would you change?", t("More time folding"))],
            )
        )
        discussions.append(
            Discussion(
                lesson=number,
                date=dt.date(2025, 1, 15 + 7 * (number - 1)),
                chair="Ms Okafor",
                recorder="Mr Patel",
                attendees=["Ms Okafor", "Mr Patel", "Mrs Lin"],
                records={
                    "evidence": [t(f"RL{number}: B did better than predicted at the wall")],
                    "progress": [t("C needed more time with the strips")],
                    "differences": [t("The wall came too soon for C")],
                },
                agreed_changes=[t(f"After RL{number}: start with halves and quarters")],
                commentator_remarks=t("Keep the strips on the tables"),
                # The group judged every cell of RL1 as its one note did; RL2's
                # last stage it left unjudged (the write-up counts the notes there).
                judgements=[
                    GroupJudgement(stage.id, label, judgements[(s_index + p_index + number) % 4])
                    for s_index, stage in enumerate(stages)
                    for p_index, label in enumerate("ABC")
                    if number == 1 or s_index < len(stages) - 1
                ],
            )
        )
    return Study(
        overview=overview,
        members=members,
        pupils=pupils,
        lessons=lessons,
        notes=notes,
        interviews=interviews,
        discussions=discussions,
        findings=Findings(
            t("Pupils compared fractions better after folding"),
            t("Fold first, then the wall, then the number line"),
            t("Share at the spring staff meeting"),
            key_points=[t("Folding came before the wall"), t("Talk of bigger pieces helped")],
            how_shared=t("Shared at the spring staff meeting and an open house"),
            next_steps=t("Try the strips in Year 3"),
            end_points={label: t(f"End point of {label}") for label in "ABC"},
        ),
        open_house=OpenHouse(
            date=dt.date(2025, 3, 4),
            time="13:40",
            teacher="Mrs Lin",
            place=t("Room 12"),
            lesson=2,
            invitees=["Year 3 team", "Head teacher"],
            briefing=t("Please watch the case pupils during the folding"),
            visitor_notes=t("Visitors noticed the pupils' talk"),
        ),
    )


# --------------------------------------------------------------------------- reading outputs back


def markdown_text(markdown: str) -> str:
    """What a reader sees of some Markdown: the text of every block, one block a line."""
    from markdown_it import MarkdownIt

    blocks = []
    for token in MarkdownIt("js-default").parse(markdown):
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or ():
            if child.type in ("text", "text_special", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
        blocks.append("".join(parts))
    return "\n".join(blocks)


def html_elements(html_text: str) -> tuple[list[str], str]:
    """The start tags a browser's parser finds, and the visible text (entities decoded)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tags: list[str] = []
            self.text: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            if tag in ("style", "title", "script"):
                self.hidden += 1

        def handle_endtag(self, tag):
            if tag in ("style", "title", "script"):
                self.hidden -= 1

        def handle_data(self, data):
            if not self.hidden:
                self.text.append(data)

    reader = Reader()
    reader.feed(html_text)
    reader.close()
    return reader.tags, "".join(reader.text)


def docx_text(data: bytes) -> tuple[list[tuple[str, str]], list[list[list[str]]]]:
    """(style name, text) of every paragraph, and every table's cell texts."""
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return paragraphs, tables


def docx_all_text(data: bytes) -> str:
    paragraphs, tables = docx_text(data)
    cells = [cell for table in tables for row in table for cell in row]
    return "\n".join([text for _style, text in paragraphs] + cells)


def pptx_text(data: bytes) -> list[str]:
    """The text of each slide (line breaks within a paragraph as line breaks)."""
    import io

    import pptx

    slides = []
    for slide in pptx.Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    parts.append(paragraph.text.replace("\v", "\n"))
        slides.append("\n".join(parts))
    return slides


def csv_rows(data: bytes) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def visible_text(data: bytes, fmt: str) -> str:
    if fmt == "md":
        return markdown_text(data.decode("utf-8"))
    if fmt == "html":
        return html_elements(data.decode("utf-8"))[1]
    if fmt == "pptx":
        return "\n".join(pptx_text(data))
    if fmt == "csv":
        return data.decode("utf-8-sig")
    return docx_all_text(data)


def zipped_text(data: bytes) -> bytes:
    """Every part of a Word or PowerPoint file, for looking for what must not be there."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())
