"""`lessonstudy serve` under an open house's load. Run: python benchmarks/bench_serve.py [--quick]

Thirty simulated visitors each send a note every 5 s for 2 minutes, alongside
three observers of the group (who send notes too, and see everyone's) and one
terminal observer writing through the store in its own process, against the
real server (`lessonstudy serve --open-house`, its own process). Every tenth
visitor note is sent twice, as a page does when its acknowledgement was lost.

Prints, with targets and verdicts (exit code 1 on a miss):
  notes lost (sent, never stored)                 target 0
  duplicates (a note stored twice)                target 0
  notes not shown on a screen that should show it target 0
  send -> committed (the "saved" reply) p50/p99
  send -> on every screen that shows it p50/p99   target p99 <= 300 ms
  terminal commit -> on every group screen p99     target p99 <= 150 ms (design.md)
  server memory: peak resident set                 target < 150 MB

All clients run in this process on one event loop, so their clocks agree;
the terminal observer's commits are timed with the system-wide monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import aiohttp

from lessonstudy.model import OPEN_HOUSE_LESSON
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile
from lessonstudy.store.export import read_json

CODE, VISITOR_CODE = "48210937", "55312208"
VISITORS, OBSERVERS = 30, 3
INTERVAL = 5.0  # seconds between one person's notes
SEND_TWICE_EVERY = 10  # every tenth visitor note is sent again
TERMINAL_WRITER = """
import sys, time, uuid
from lessonstudy.model import CLASS, OPEN_HOUSE_LESSON, Observation, now
from lessonstudy.store import StudyFile
path, seconds, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with StudyFile.open(path) as study_file:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        note = Observation(lesson=OPEN_HOUSE_LESSON, observer="Terminal observer", at=now(),
                           about=CLASS, text=f"terminal {uuid.uuid4()}")
        study_file.add_note(note)
        print(note.id, time.monotonic(), flush=True)
        time.sleep(interval)
"""


class Clients:
    """What every simulated page sent and received, with times."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}  # note id -> first send
        self.sender: dict[str, str] = {}  # note id -> who sent it
        self.saved: dict[str, float] = {}  # note id -> first "saved" reply
        self.seen: dict[str, dict[str, float]] = defaultdict(dict)  # id -> client -> time
        self.texts: dict[str, str] = {}
        self.errors: list[str] = []


async def page(
    clients: Clients,
    url: str,
    name: str,
    *,
    visitor: bool,
    duration: float,
    ready: asyncio.Barrier,
) -> None:
    headers = {"Origin": url}
    async with aiohttp.ClientSession() as session:
        code = VISITOR_CODE if visitor else CODE
        async with session.post(f"{url}/code", data={"code": code}, headers=headers) as r:
            assert r.status == 200, await r.text()  # redirected to the page
        body = {"name": name, "follows": ["B"]} if visitor else {"name": name}
        async with session.post(f"{url}/join", json=body, headers=headers) as r:
            assert r.status == 200, await r.text()
        ws = await session.ws_connect(f"{url}/live", headers=headers, max_msg_size=0)

        async def listen() -> None:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                arrived = time.monotonic()
                if data["t"] == "notes":
                    for note in data["notes"]:
                        clients.seen[note["id"]].setdefault(name, arrived)
                elif data["t"] == "saved":
                    clients.saved.setdefault(data["id"], arrived)
                elif data["t"] in ("not_saved", "error"):
                    clients.errors.append(f"{name}: {data}")

        listener = asyncio.create_task(listen())
        await ready.wait()
        await asyncio.sleep(random.uniform(0, INTERVAL))  # people do not write in step
        end = time.monotonic() + duration
        count = 0
        while time.monotonic() < end:
            note_id = str(uuid.uuid4())
            text = f"{name} note {count}: counts on along the line in quarters"
            message = {"t": "note", "id": note_id, "about": "B", "text": text, "judgement": "+"}
            clients.texts[note_id] = text
            clients.sender[note_id] = name
            clients.sent[note_id] = time.monotonic()
            await ws.send_json(message)
            count += 1
            if visitor and count % SEND_TWICE_EVERY == 2:
                await asyncio.sleep(0.05)
                await ws.send_json(message)  # its acknowledgement "was lost"
            await asyncio.sleep(INTERVAL)
        await asyncio.sleep(2.0)  # the last replies
        await ws.close()
        listener.cancel()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def memory_kb(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    found = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M))
    return int(found["VmHWM"]), int(found["VmRSS"])


def start_server(study: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "lessonstudy", "serve", str(study), "--open-house"]
    command += ["--port", "0", "--code", CODE, "--visitor-code", VISITOR_CODE]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = None
    for line in server.stdout:
        found = re.search(r"On this computer: +(http://localhost:\d+)/", line)
        if found:
            url = found[1]
        if "ctrl+c stops the server" in line:
            break
    assert url is not None, "the server did not start"
    # Keep reading its terminal output, as a terminal would, so it never blocks.
    asyncio.get_running_loop().run_in_executor(None, server.stdout.read)
    return server, url


async def run(study: Path, duration: float) -> tuple[list[tuple[str, str, str, str]], bool]:
    server, url = start_server(study)
    clients = Clients()
    members = ["Priya Shah", "Tom Hughes", "Grace Okafor"]
    ready = asyncio.Barrier(VISITORS + OBSERVERS)
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        TERMINAL_WRITER,
        str(study),
        str(duration),
        str(INTERVAL),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        tasks = [
            page(clients, url, f"Visitor {n:02d}", visitor=True, duration=duration, ready=ready)
            for n in range(VISITORS)
        ] + [
            page(clients, url, name, visitor=False, duration=duration, ready=ready)
            for name in members
        ]
        terminal_out, _ = await asyncio.gather(writer.communicate(), asyncio.gather(*tasks))
        peak_kb, now_kb = memory_kb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    committed_by_terminal = {
        line.split()[0]: float(line.split()[1]) for line in terminal_out[0].decode().splitlines()
    }

    with StudyFile.open(study, read_only=True) as study_file:
        stored = [n for n in study_file.notes(OPEN_HOUSE_LESSON)]
    stored_ids = Counter(str(n.id) for n in stored)
    stored_texts = Counter(n.text for n in stored)
    lost = sum(1 for note_id in clients.sent if note_id not in stored_ids)
    lost += sum(1 for note_id in committed_by_terminal if note_id not in stored_ids)
    duplicates = sum(count - 1 for count in stored_texts.values() if count > 1)

    commit_ms, screens_ms, unseen = [], [], 0
    for note_id, sent in clients.sent.items():
        if note_id in clients.saved:
            commit_ms.append((clients.saved[note_id] - sent) * 1000)
        sender = clients.sender[note_id]
        should_see = {sender, *members}
        seen = clients.seen.get(note_id, {})
        if not should_see <= set(seen):
            unseen += 1
            continue
        screens_ms.append((max(seen[who] for who in should_see) - sent) * 1000)
    terminal_ms = []
    for note_id, committed in committed_by_terminal.items():
        seen = clients.seen.get(note_id, {})
        if set(members) <= set(seen):
            terminal_ms.append((max(seen[m] for m in members) - committed) * 1000)
        else:
            unseen += 1

    def p(values: list[float]) -> str:
        return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f} ms"

    screens_p99 = percentile(screens_ms, 99)
    terminal_p99 = percentile(terminal_ms, 99)
    peak_mb = peak_kb / 1024
    rows = [
        ("notes sent (visitors + observers)", str(len(clients.sent)), "", ""),
        ("notes from the terminal observer", str(len(committed_by_terminal)), "", ""),
        ("notes lost", str(lost), "0", verdict(lost == 0)),
        ("duplicates stored", str(duplicates), "0", verdict(duplicates == 0)),
        ("notes missing from a screen", str(unseen), "0", verdict(unseen == 0)),
        ("errors said to a page", str(len(clients.errors)), "0", verdict(not clients.errors)),
        ("send -> committed, p50 / p99", p(commit_ms), "", ""),
        (
            "send -> every screen, p50 / p99",
            p(screens_ms),
            "p99 <= 300 ms",
            verdict(screens_p99 <= 300),
        ),
        (
            "terminal commit -> group screens",
            p(terminal_ms),
            "p99 <= 150 ms",
            verdict(terminal_p99 <= 150),
        ),
        (
            "server memory, peak / at the end",
            f"{peak_mb:.0f} / {now_kb / 1024:.0f} MB",
            "< 150 MB",
            verdict(peak_mb < 150),
        ),
    ]
    ok = all(row[3] != "MISSED" for row in rows)
    for error in clients.errors[:5]:
        print("  error:", error[:200])
    return rows, ok


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    headers = ("measure", "result", "target", "")
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(4)]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 seconds, for a smoke test")
    parser.add_argument("--seconds", type=float, help="how long everyone writes (default 120)")
    args = parser.parse_args()
    duration = args.seconds or (20.0 if args.quick else 120.0)
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        study = Path(tmp) / "open-house.lessonstudy"
        StudyFile.create(study, read_json(example_study_path())).close()
        rows, ok = asyncio.run(run(study, duration))
    print(
        f"lessonstudy serve: {VISITORS} visitors + {OBSERVERS} observers + 1 terminal observer, "
        f"a note each every {INTERVAL:.0f} s for {duration:.0f} s "
        f"({os.cpu_count()} cores, Python {sys.version.split()[0]})"
    )
    print_table(rows)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
