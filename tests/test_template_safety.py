"""A group's own templates are text, not programs: sandboxed, confined to their
folder, and the HTML they make loads nothing from outside (Content Security Policy)."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from lessonstudy import report
from lessonstudy.errors import LessonStudyError
from lessonstudy.report.templates import shipped_dir
from report_fixtures import make_study


@pytest.fixture
def study():
    return make_study()


@pytest.fixture
def folder(tmp_path) -> Path:
    ours = tmp_path / "ours"
    shutil.copytree(shipped_dir(), ours)
    return ours


def test_a_template_cannot_run_code(study, folder, tmp_path):
    """Without the sandbox this ran a shell command (seen: it wrote a file)."""
    proof = tmp_path / "pwned"
    escape = (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
        "{% if c.__name__ == 'Popen' %}{{ c(['touch', '" + str(proof) + "']) }}{% endif %}"
        "{% endfor %}"
    )
    (folder / "poster.md.j2").write_text(escape, encoding="utf-8")
    with pytest.raises(LessonStudyError) as caught:
        report.render(study, kind="poster", fmt="md", templates=folder)
    assert "not allowed in a template" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not proof.exists()


def test_a_link_out_of_the_templates_folder_is_refused(study, folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the head's password", encoding="utf-8")
    (folder / "poster.md.j2").unlink()
    os.symlink(secret, folder / "poster.md.j2")
    with pytest.raises(LessonStudyError, match="leads outside the templates folder"):
        report.render(study, kind="poster", fmt="md", templates=folder)
    (folder / "print.css").unlink()
    os.symlink(secret, folder / "print.css")
    with pytest.raises(LessonStudyError, match=r"print\.css: leads outside the templates folder"):
        report.render(study, kind="report", fmt="html", templates=folder)


def test_including_a_file_outside_the_folder_is_not_found(study, folder):
    (folder / "poster.md.j2").write_text('{% include "../../../etc/passwd" %}', encoding="utf-8")
    with pytest.raises(LessonStudyError, match="template not found"):
        report.render(study, kind="poster", fmt="md", templates=folder)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
def test_a_groups_stylesheet_loads_nothing_from_outside(study, folder, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        (folder / "print.css").write_text(
            f'@import url("{base}/imported.css");\n'
            f'body {{ background: url("{base}/tracker.png"); }}\n'
            f'@font-face {{ font-family: x; src: url("{base}/font.woff"); }}\n'
            "body { font-family: x; }\n",
            encoding="utf-8",
        )
        page = tmp_path / "report.html"
        page.write_bytes(report.render(study, kind="report", fmt="html", templates=folder))
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=3000",
                "--dump-dom",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        server.shutdown()
    assert _Recorder.requests == []
