"""`lessonstudy serve` on the command line: where it listens, what it prints, bad
input, ctrl+c, TLS, and that the other commands never load the web server."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
import segno

from lessonstudy.cli import main
from lessonstudy.model import new_study
from lessonstudy.serve.command import ServeOptions, prepare
from lessonstudy.serve.console import printable, qr_lines
from lessonstudy.serve.network import lan_addresses
from lessonstudy.store import StudyFile
from serve_helpers import CODE, RunningServer, served_study, sign_in

pytestmark = pytest.mark.slow


def start(study: Path, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`lessonstudy serve` in its own process; returns it once it prints where it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lessonstudy", "serve", str(study), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if "ctrl+c stops the server" in line:
            return process, lines
    raise AssertionError("the server stopped before it was ready:\n" + "\n".join(lines))


def port_of(lines: list[str]) -> int:
    for line in lines:
        found = re.search(r"On this computer: +http://localhost:(\d+)/", line)
        if found:
            return int(found[1])
    raise AssertionError("\n".join(lines))


def can_connect(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def test_by_default_only_this_computer_can_reach_it_and_ctrl_c_stops_it_cleanly(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    process, lines = start(study, "--code", CODE)
    try:
        port = port_of(lines)
        assert can_connect("127.0.0.1", port)
        for address in lan_addresses():
            assert not can_connect(address, port), f"reachable on {address} without --lan"
        assert any("The group's code:       4821 0937" in line for line in lines)
        assert not any("school network" in line for line in lines)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Stopped. Every note that reached the server is saved in the study." in out
    assert "Traceback" not in out
    assert main(["check", str(study)]) == 0


def test_lan_prints_the_address_to_type_and_a_qr_code(tmp_path):
    if not lan_addresses():
        pytest.skip("this computer is on no local network")
    study = served_study(tmp_path / "s.lessonstudy")
    process, lines = start(study, "--lan")
    try:
        port = port_of(lines)
        address = lan_addresses()[0]
        assert f"  On the school network:  http://{address}:{port}/" in lines
        assert sum("\u2580" in line or "\u2588" in line for line in lines) >= 10  # the QR code
        code = next(line.split(":", 1)[1].strip() for line in lines if "group's code" in line)
        assert re.fullmatch(r"\d{4} \d{4}", code)  # made for this session
        assert can_connect(address, port)
        assert any("unencrypted" in line for line in lines)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


def test_the_default_bind_is_localhost(tmp_path):
    study = served_study(tmp_path / "s.lessonstudy")
    prepared = prepare(ServeOptions(path=study))
    assert prepared.binding.host == "127.0.0.1"
    assert prepared.settings.hostnames == {"localhost", "127.0.0.1", "::1"}
    assert prepared.settings.tls is False


def test_the_qr_code_printed_is_the_address_and_fits_an_80_by_24_terminal():
    url = "http://192.168.100.200:8765/"
    plain = qr_lines(url, ansi=False)
    assert len(plain) <= 16 and all(len(line) == len(plain[0]) <= 40 for line in plain)
    # Read the blocks back into modules (1: dark) and compare with the code segno made.
    halves = {"\u2588": (0, 0), "\u2580": (0, 1), "\u2584": (1, 0), " ": (1, 1)}
    rows: list[list[int]] = [[] for _ in range(2 * len(plain))]
    for n, line in enumerate(plain):
        for ch in line:
            top, bottom = halves[ch]
            rows[2 * n].append(top)
            rows[2 * n + 1].append(bottom)
    qr = segno.make(url.upper(), error="m")
    assert qr.mode == "alphanumeric"  # the compact way: HTTP://192.168.100.200:8765/
    expected = [list(row) for row in qr.matrix_iter(border=2)]
    assert rows[: len(expected)] == expected
    # In colour every cell sets both colours (upper half: foreground = the top module,
    # the rest: background = the bottom one), so light and dark terminals read the same.
    dark = {"30": 1, "97": 0, "40": 1, "107": 0}
    coloured = [re.findall(r"\x1b\[(\d+);(\d+)m\u2580", line) for line in qr_lines(url, ansi=True)]
    read_back = []
    for line in coloured:
        read_back += [[dark[fg] for fg, _bg in line], [dark[bg] for _fg, bg in line]]
    assert read_back[: len(expected)] == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lesson", "7"], "there is no RL7 (the study has RL1, RL2, RL3)"),
        (["--code", "1234"], "--code: the code must have at least 6 letters or digits"),
        (["--cert", "c.pem"], "--cert and --key go together"),
    ],
)
def test_bad_options_say_what_is_wrong_in_one_line(tmp_path, capsys, args, message):
    study = served_study(tmp_path / "s.lessonstudy")
    assert main(["serve", str(study), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_a_study_without_a_group_cannot_be_served(tmp_path, capsys):
    path = tmp_path / "empty.lessonstudy"
    StudyFile.create(path, new_study("No group yet")).close()
    assert main(["serve", str(path)]) == 2
    assert "the group has no members yet" in capsys.readouterr().err


def test_a_missing_file_is_one_clear_line(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "nothing.lessonstudy")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_terminal_text_cannot_carry_control_sequences():
    assert printable("ok\x1b[2J\x1b]0;title\x07 \u202egnp.exe\nnext") == (
        "ok\ufffd[2J\ufffd]0;title\ufffd \ufffdgnp.exe next"
    )
    assert printable("👩\u200d🏫 teacher") == "👩\u200d🏫 teacher"
    assert printable("x" * 100, 10) == "x" * 9 + "…"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
async def test_with_a_certificate_it_serves_https_and_the_pass_is_secure(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    study = served_study(tmp_path / "s.lessonstudy")
    trust = ssl.create_default_context(cafile=str(cert))
    with RunningServer(study, cert=cert, key=key) as server:
        assert server.url.startswith("https://")
        connector = aiohttp.TCPConnector(ssl=trust)
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.post(
                f"{server.url}/code",
                data={"code": CODE},
                headers={"Origin": server.url},
                allow_redirects=False,
            ) as response:
                cookie = response.headers["Set-Cookie"]
            assert cookie.startswith("__Host-lessonstudy-pass=")
            assert "Secure" in cookie
            await sign_in(session, server.url)
        # Plain http to the https port gets nothing.
        async with aiohttp.ClientSession() as plain:
            with pytest.raises(aiohttp.ClientError):
                async with plain.get(server.url.replace("https", "http") + "/"):
                    pass


def test_a_bad_certificate_is_one_clear_line(tmp_path, capsys):
    study = served_study(tmp_path / "s.lessonstudy")
    (tmp_path / "c.pem").write_text("not a certificate")
    (tmp_path / "k.pem").write_text("not a key")
    code = main(
        ["serve", str(study), "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem")]
    )
    assert code == 2
    assert "cannot be used for TLS" in capsys.readouterr().err


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("argv", [["--help"], ["info", "--help"], ["serve", "--help"]])
def test_commands_that_serve_nothing_do_not_load_the_web_server(argv):
    code = (
        "import contextlib, io\n"
        "from lessonstudy.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try: main({argv!r})\n"
        "    except SystemExit: pass"
    )
    assert {"aiohttp", "segno"}.isdisjoint(modules_after(code))


def test_the_server_never_loads_the_terminal_app():
    loaded = modules_after("import lessonstudy.serve.command, lessonstudy.serve.server")
    assert "aiohttp" in loaded
    assert {"textual", "rich"}.isdisjoint(loaded)
