"""The Word and PowerPoint write-ups as LibreOffice lays them out: converted to PDF.

Skipped when LibreOffice is not installed, unless CI is set (then it fails):
CI installs Debian's libreoffice-writer-nogui and libreoffice-impress-nogui.
Each run has its own LibreOffice profile, so parallel runs never share one.
"""

from __future__ import annotations

import subprocess

import pytest

from lessonstudy import report
from lessonstudy.resources import example_study_path
from lessonstudy.store.export import read_json
from pdf_pages import A3_LANDSCAPE, A4_PORTRAIT, SLIDE_16_9, need, read_pdf, same_size

# The module's fixture prints every kind in one go, once for each worker that
# runs some of its tests.
pytestmark = pytest.mark.slow

OFFICE = [("report", "docx"), ("handout", "docx"), ("poster", "docx"), ("slides", "pptx")]
PAPER = {
    "report": A4_PORTRAIT,
    "handout": A4_PORTRAIT,
    "poster": A3_LANDSCAPE,
    "slides": SLIDE_16_9,
}
# The example's report was 26 pages in Word before this issue.
EXAMPLE_WORD_PAGES_BEFORE = 26


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Each Word and PowerPoint write-up of the example, converted to PDF in one run."""
    soffice = need("soffice", "libreoffice-writer-nogui and libreoffice-impress-nogui")
    folder = tmp_path_factory.mktemp("office")
    study = read_json(example_study_path())
    files = []
    for kind, fmt in OFFICE:
        files.append(report.write_report(study, folder / f"{kind}.{fmt}", kind=kind, fmt=fmt))
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {kind: read_pdf(folder / f"{kind}.pdf") for kind, _fmt in OFFICE}


@pytest.mark.parametrize("kind", [kind for kind, _fmt in OFFICE])
def test_libreoffice_lays_each_kind_on_its_paper_and_nothing_past_its_edge(converted, kind):
    pdf = converted[kind]
    assert pdf.pages and all(same_size(size, PAPER[kind]) for size in pdf.sizes), pdf.sizes
    assert pdf.outside() == [], pdf.outside()[:5]
    for pseudonym in ("Maya", "Leo", "Sami"):
        assert pseudonym in pdf.text()


def test_the_word_report_reaches_its_appendices_in_half_the_pages(converted):
    pdf = converted["report"]
    appendix = pdf.first_page_with("Appendix A: How this study was done")
    assert appendix is not None
    assert appendix - 1 <= EXAMPLE_WORD_PAGES_BEFORE // 2, appendix
    assert "page 1 of" in pdf.text(1) and f"page {pdf.pages} of {pdf.pages}" in pdf.text()


def test_the_word_poster_is_one_a3_page_whose_text_stays_in_its_columns(converted):
    pdf = converted["poster"]
    assert pdf.pages == 1
    text = pdf.text()
    for phrase in ("Our question", "The pupils' journeys", "What we found", "In the pupils' words"):
        assert phrase in text
    # Three columns (11 mm margins, 9 mm apart): every word below the title lies
    # inside one of them, none runs across into the next.
    margin, gap = 11 * 72 / 25.4, 9 * 72 / 25.4
    column = (pdf.sizes[0][0] - 2 * margin - 2 * gap) / 3
    boxes = [(margin + i * (column + gap), margin + i * (column + gap) + column) for i in range(3)]
    title_band = max(w.y1 for w in pdf.words if w.text == "Our")  # the first column heading
    body = [w for w in pdf.words if w.y0 >= title_band]
    stray = [w for w in body if not any(x0 - 2 <= w.x0 and w.x1 <= x1 + 2 for x0, x1 in boxes)]
    assert body and stray == [], stray[:5]


def test_the_word_handout_has_a_sheet_per_pupil_on_its_own_page(converted):
    pdf = converted["handout"]
    pages = [pdf.first_page_with(f"sheet: {p}") for p in ("A (Maya)", "B (Leo)", "C (Sami)")]
    assert None not in pages and pages == sorted(set(pages))
    assert "Taught by: Priya Shah" in pdf.text(1)


def test_the_powerpoint_slides_fit_their_slides(converted):
    pdf = converted["slides"]
    assert 8 <= pdf.pages <= 12
    assert "What to try" in pdf.text(pdf.pages)
