"""The HTML write-ups in a real headless Chromium: a screenshot and a print to PDF.

Skipped when Chromium is not installed, unless CI is set (then it fails):
CI installs Debian's `chromium` package and must run this.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lessonstudy import report
from lessonstudy.resources import example_study_path
from report_fixtures import make_study

pytestmark = pytest.mark.slow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A4 and A3 in PostScript points (1/72 inch).
A4_PORTRAIT = (595, 842)
A3_LANDSCAPE = (1191, 842)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI must install Debian's chromium package)")
        pytest.skip("chromium is not installed")
    return found


def run_chromium(tmp_path: Path, page: Path, *args: str) -> None:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def study_for_print():
    path = example_study_path()
    if path.exists():
        from lessonstudy.store.export import read_json

        return read_json(path)
    return make_study()


def pdf_pages(pdf: bytes) -> list[tuple[int, int]]:
    """The size of every page of a PDF, from its /MediaBox entries (Chromium writes them plain)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


@pytest.mark.parametrize(
    ("kind", "size"), [("report", A4_PORTRAIT), ("handout", A4_PORTRAIT), ("poster", A3_LANDSCAPE)]
)
def test_chromium_prints_each_kind_on_its_paper(tmp_path, kind, size):
    page = tmp_path / f"{kind}.html"
    report.write_report(study_for_print(), page, kind=kind, fmt="html")
    pdf = tmp_path / f"{kind}.pdf"
    run_chromium(tmp_path, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = pdf_pages(data)
    assert pages and all(p == size for p in pages), pages
    if kind == "poster":
        assert len(pages) == 1
    if kind == "handout":
        assert len(pages) <= 2  # a one-or-two-page briefing


def test_chromium_screenshots_the_first_page(tmp_path):
    page = tmp_path / "report.html"
    report.write_report(study_for_print(), page, kind="report", fmt="html")
    shot = tmp_path / "report.png"
    run_chromium(tmp_path, page, "--window-size=1024,1400", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1024, 1400)
    assert len(data) > 20_000  # a page of text and tables, not a blank screen
