"""The command line.

Only the commands that open the app import Textual; everything else stays
fast (the project modules are imported inside each command, not at the top).
A bad file or bad input prints one line saying what is wrong and where, and
exits with code 2.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from lessonstudy import __version__
from lessonstudy.errors import LessonStudyError

if TYPE_CHECKING:
    # argparse is imported where a parser is built: `lessonstudy STUDY`, the usual
    # start, builds none, and its first screen does not wait for it (2 ms with gettext).
    import argparse

    from lessonstudy.model import PrivateWords, Study

BAD_INPUT = 2
# Every command's name, as build_parser() adds them (a test holds the two together):
# anything else first on the command line is a study to open.
COMMANDS = frozenset(
    (
        "open",
        "new",
        "info",
        "export",
        "import",
        "check",
        "merge",
        "notes",
        "demo",
        "observe",
        "serve",
        "report",
        "library",
        "search",
        "impact",
        "backup",
    )
)

# The commands that do their work and end (not the app, not the server): see _one_shot.
ONE_SHOT = frozenset(
    ("info", "export", "import", "check", "merge", "notes", "report", "search", "impact", "backup")
)

# ---------------------------------------------------------------------- commands


def cmd_open(args: argparse.Namespace) -> int:
    from lessonstudy.store.connection import check_readable

    path = Path(args.path) if args.path else None
    if path is not None and (path.exists() or path.is_symlink()):
        check_readable(path)  # a clear line here beats an error inside the app
    elif path is not None and not path.parent.is_dir():
        raise LessonStudyError(f"{path.parent}: no such folder")
    # A path that does not exist yet: the app offers to create a study there.
    return _run_app(path)


def cmd_new(args: argparse.Namespace) -> int:
    from lessonstudy.usecases.new_study import create_study

    labels: list[str] = args.pupils
    path = Path(args.path)
    if path.suffix != ".lessonstudy":  # the app, the library and search look for this ending
        path = path.with_name(path.name + ".lessonstudy")
    create_study(path, args.title, args.lessons, labels)
    _warn_location(path)
    lessons = "1 research lesson" if args.lessons == 1 else f"{args.lessons} research lessons"
    print(
        f"Created {path}: {args.title!r}, {lessons}, "
        f"{len(labels)} case pupils ({', '.join(labels)})."
    )
    if args.open:
        return _run_app(path)
    print(f"Open it with: {how_to_run()} {_quoted(str(path))}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from lessonstudy.store import summary

    # Fast path: the summary cached in the file, read without loading the model.
    glance = summary.read_cached_at(Path(args.path))
    if glance is None:
        study, conflicts = _load(args.path)
        glance = summary.build(study, conflicts)
    _print_summary(args.path, glance)
    return 0


def _print_summary(path: str, glance: dict[str, Any]) -> None:
    from lessonstudy.cycle import STATE_SYMBOLS

    print(glance["title"] or "(untitled study)")
    print(f"  file:     {path}")
    print(f"  focus:    {glance['focus'] or '-'}")
    print(f"  question: {glance['research_question'] or '-'}")
    print(f"  members:  {', '.join(glance['members']) or '-'}")
    print("  case pupils:")
    for label, pseudonym, group in glance["pupils"]:
        typical = f" - typical of {group}" if group else ""
        print(f"    {label}  {pseudonym or '(no pseudonym yet)'}{typical}")
    print("  steps:")
    for _step_id, title, state, detail, is_next in glance["steps"]:
        marker = "→" if is_next else " "
        extra = f" - {detail}" if detail else ""
        print(f"   {marker}{STATE_SYMBOLS[state]} {title:<32} {state}{extra}")
    print(f"  next:     {glance['next'] or 'nothing: the study is complete'}")
    if glance["conflicts"]:
        print(f"  conflicts: {glance['conflicts']} kept versions to look at (open the study map)")


def cmd_export(args: argparse.Namespace) -> int:
    from lessonstudy.store import StudyFile, documents, export

    to_file = args.output not in (None, "-")
    path = Path(args.path)
    # Into a file, the study file's checks run while the export is made, which
    # replaces the file only once they found it sound; to stdout nothing may go
    # out before them.
    opened = StudyFile.open_to_make(path) if to_file else StudyFile.open(path, read_only=True)
    guarded = None
    with opened as study_file:
        conflicts = len(study_file.conflicts())
        private = study_file.read(documents.PRIVATE_WORDS).value
        if not private.words:
            # Nothing to check or mask: streamed from the rows, the study never
            # held in memory as model objects (a tenth of the time at 90k notes).
            if to_file:
                export.stream_to_file(study_file, Path(args.output))
            else:
                export.stream(study_file, sys.stdout)
        else:
            guarded = _guard_export(study_file.load(), private, mask=args.mask)
    if guarded is not None:  # the study found sound
        if to_file:
            export.write_json(guarded, Path(args.output))
        else:
            sys.stdout.write(export.dumps(guarded))
    if conflicts:
        print(
            f"lessonstudy: warning: {args.path}: {conflicts} conflicting versions wait to be "
            "reviewed in the study map; the export holds only the current ones",
            file=sys.stderr,
        )
    if to_file:
        print(f"Exported {args.path} to {args.output} (private notes left out).", file=sys.stderr)
    return 0


def _guard_export(study: Study, private: PrivateWords, *, mask: bool) -> Study:
    """The group's private words never leave in an export: refuse (exit 2, saying
    where), or with --mask put the pseudonym in their place."""
    from lessonstudy.report import guard
    from lessonstudy.store import export

    private = guard.checked(private, study.pupils)
    if mask:
        return guard.masked(study, private)
    hits = guard.find_in_data(private, export.to_envelope(study))
    if hits:
        raise guard.PrivateWordsFound("export", hits)
    return study


def cmd_import(args: argparse.Namespace) -> int:
    import attrs

    from lessonstudy.model import new_id
    from lessonstudy.store.export import read_json
    from lessonstudy.store.study_file import create_file

    # A study of its own: two files imported from one export are two studies, and
    # must never merge into each other (copies for observers come from backup).
    study = attrs.evolve(read_json(Path(args.file)), id=new_id())
    made_from = f"imported from {Path(args.file).name}"
    create_file(Path(args.output), study, made_from=made_from)
    _warn_location(Path(args.output))
    print(f"Imported {args.file} into {args.output}.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from lessonstudy.store.check import check_study

    report = check_study(Path(args.path))
    for problem in report.problems:
        print(f"{args.path}: {problem}", file=sys.stderr)
    for note in report.notes:
        print(f"{args.path}: note: {note}")
    if report.problems:
        return BAD_INPUT
    print(f"{args.path}: sound")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from lessonstudy.store import StudyFile
    from lessonstudy.store.merge import merge_all

    path = Path(args.path)
    _warn_location(path)
    for other in args.others:
        if Path(other).suffix.lower() == ".json":
            raise LessonStudyError(
                f"{other}: a JSON export, not a study file; a study imported from it is a "
                "study of its own and cannot be merged. Observers' copies are made with "
                "'lessonstudy backup'"
            )
    with StudyFile.open(path) as target:
        # Every copy is opened and read before anything is written: all of them
        # come in, in one transaction, or none does.
        reports = merge_all(target, [Path(other) for other in args.others])
    for other, report in zip(args.others, reports, strict=True):
        print(f"Merged {other}: {report.summary()}")
        for conflict in report.conflicts:
            print(f"  kept both: {conflict}")
    return 0


def cmd_notes_import(args: argparse.Namespace) -> int:
    from lessonstudy.store import StudyFile
    from lessonstudy.store.notes_text import import_notes

    _warn_location(Path(args.path))
    with StudyFile.open(Path(args.path)) as study_file:
        result = import_notes(
            study_file, Path(args.file), observer=args.observer, lesson=args.lesson, day=args.date
        )
    print(
        f"Imported {result.added} notes from {args.file} into RL{args.lesson} "
        f"(observer {args.observer}); {result.skipped} were there already."
    )
    return 0


def cmd_notes_list(args: argparse.Namespace) -> int:
    from lessonstudy.store import StudyFile

    with StudyFile.open(Path(args.path), read_only=True) as study_file:
        notes = study_file.notes(args.lesson)
        erased = study_file.erased_notes()
    wanted = args.containing.casefold() if args.containing else None
    shown = 0
    for note in notes:
        if note.id in erased or (wanted is not None and wanted not in note.text.casefold()):
            continue
        if note.deleted and not (args.deleted or wanted):
            continue
        state = " (deleted)" if note.deleted else ""
        text = " ".join(note.text.split())
        print(
            f"{str(note.id)[:8]}  RL{note.lesson} {note.at.astimezone():%H:%M} "
            f"{note.observer} on {note.about}{state}: {text}"
        )
        shown += 1
    if not shown:
        print("No notes found.", file=sys.stderr)
    return 0


def cmd_notes_erase(args: argparse.Namespace) -> int:
    from lessonstudy.store import StudyFile

    with StudyFile.open(Path(args.path)) as study_file:
        notes = study_file.notes()
        chosen = []
        for given in args.ids:
            key = given.strip().lower()
            matches = [n for n in notes if str(n.id).startswith(key)] if len(key) >= 8 else []
            if len(matches) != 1:
                why = "no note" if not matches else f"{len(matches)} notes"
                raise LessonStudyError(
                    f"{args.path}: {why} with an id starting {given!r} (give at least the first "
                    "8 characters, as 'lessonstudy notes list' shows them); nothing erased"
                )
            chosen.append(matches[0].id)
        complete = study_file.erase_notes(chosen)
    print(f"Erased {len(chosen)} note{'s' if len(chosen) != 1 else ''} from {args.path} for good.")
    if not complete:
        print(
            "lessonstudy: warning: another program has the study open; the old text leaves "
            "the file's journal (-wal) when it closes",
            file=sys.stderr,
        )
    print(
        "Copies made before (backups, exports, observers' copies) still hold it: erase it "
        "there too, or merge them: a merge brings the erasure, never the text."
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from lessonstudy.usecases.example import create_example, make_example_copy

    path = create_example(Path(args.path)) if args.path else make_example_copy()
    # Said before the app takes the screen: it is still there when the app closes.
    print(f"Created the example study at {path}")
    print(f"Open it again later with: {how_to_run()} {_quoted(str(path))}")
    if args.no_open:
        return 0
    return _run_app(path)


def cmd_observe(args: argparse.Namespace) -> int:
    from lessonstudy.store.connection import check_readable

    path = Path(args.path)
    check_readable(path)
    from lessonstudy.store import StudyFile

    # Opened here first: a damaged file or a missing lesson is one line on the
    # terminal, before the app takes the screen.
    with StudyFile.open(path, read_only=True) as study_file:
        numbers = study_file.lesson_numbers()
    if args.lesson is not None and args.lesson not in numbers:
        have = ", ".join(f"RL{n}" for n in numbers)
        raise LessonStudyError(f"{path}: there is no RL{args.lesson} (the study has {have})")
    return _run_app(path, observe_as=args.observer, lesson=args.lesson)


def cmd_serve(args: argparse.Namespace) -> int:
    from lessonstudy.serve.command import ServeOptions, run

    path = Path(args.path)
    _warn_location(path)
    options = ServeOptions(
        path=path,
        lesson=args.lesson,
        open_house=args.open_house,
        lan=args.lan,
        port=args.port,
        code=args.code,
        visitor_code=args.visitor_code,
        cert=Path(args.cert) if args.cert else None,
        key=Path(args.key) if args.key else None,
    )
    return run(options)


def cmd_report(args: argparse.Namespace) -> int:
    from lessonstudy import report
    from lessonstudy.store import StudyFile, documents

    fmt = args.format or report.KIND_FORMATS[args.kind][0]
    report.check_kind(args.kind, fmt)
    out = Path(args.output) if args.output else report.default_name(Path(args.path), args.kind, fmt)
    templates = Path(args.templates) if args.templates else None
    keywords = [k for k in (args.keywords or "").split(",") if k.strip()]
    if keywords and args.kind != "case-report":
        raise LessonStudyError("--keywords is for the case report (--kind case-report)")
    # The file's checks run while the write-up is made; it is written only once they
    # have found the study sound (at the end of the block).
    with StudyFile.open_to_make(Path(args.path)) as study_file:
        study = study_file.load(notes=args.kind not in report.WITHOUT_NOTES)
        private = study_file.read(documents.PRIVATE_WORDS).value
        made = report.make_report(
            study,
            out,
            kind=args.kind,
            fmt=fmt,
            templates=templates,
            private=private,
            mask=args.mask,
            keywords=keywords,
        )
    written = report.write_made(made)
    print(f"Wrote the {args.kind} ({fmt}) to {written}")
    for missing in report.missing_from(study, args.kind):
        print(f"Note: it has {missing}.", file=sys.stderr)
    if args.kind == "case-report":
        from lessonstudy.report.case_report import sidecar_path

        print(f"Wrote its metadata (title, authors, abstract, keywords) to {sidecar_path(written)}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from lessonstudy.store.copies import backup

    try:
        # The file's checks run while the copy is made, which is moved into place
        # only once they have found the study sound (a file found sound before and
        # not changed since is copied without them, and without the model).
        backup(Path(args.path), Path(args.dest))
    except LessonStudyError as error:
        if "damaged study file" not in str(error):
            raise
        # A copy made through SQLite would leave out what it cannot read and then
        # look sound: say so rather than report "Copied".
        raise LessonStudyError(
            f"{error}; no backup made: a copy would not hold all of it. Keep the file "
            "(and its -wal file) as it is, and copy both with your file manager"
        ) from None
    print(f"Copied {args.path} to {args.dest} (checked sound first)")
    return 0


def cmd_library(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise LessonStudyError(
            f"{folder}: no such folder"
            if not folder.exists()
            else f"{folder}: not a folder (give the folder the studies are in)"
        )
    return _run_app(None, library=folder, library_index=_index_option(args))


def _index_option(args: argparse.Namespace) -> Path | None:
    return Path(args.index) if getattr(args, "index", None) else None


def _library_filters(args: argparse.Namespace) -> Any:
    from lessonstudy import terms
    from lessonstudy.archive.index import Filters

    return Filters(
        subject=args.subject or "",
        year_group=args.year_group or "",
        school_year=terms.parse_school_year(args.year) if args.year else None,
        status=terms.parse_status(args.status) if args.status else "",
    )


def _synced_library(folder: Path, index: Path | None) -> Any:
    """The library of `folder`, brought up to date; the files it skipped said on stderr."""
    from lessonstudy.archive.index import Library

    library = Library.open(folder, index)
    try:
        report = library.sync()
    except BaseException:
        library.close()
        raise
    for problem in report.problems:
        print(f"lessonstudy: skipped {problem.path}: {problem.message}", file=sys.stderr)
    return library


def cmd_search(args: argparse.Namespace) -> int:
    from lessonstudy import terms
    from lessonstudy.archive.index import HIGHLIGHT_END, HIGHLIGHT_START

    filters = _library_filters(args)
    query = " ".join(args.query)
    folder = Path(args.folder)
    with _synced_library(folder, _index_option(args)) as library:
        if query.strip():
            found = library.search(query, filters, limit=args.limit)
            results = [(f.study, f.matches, f.places) for f in found]
        else:
            results = [(card, (), 0) for card in library.studies(filters)[: args.limit]]
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    start, end = ("\x1b[1m", "\x1b[22m") if bold else ("", "")
    for card, matches, places in results:
        c = card.card
        filed = ", ".join(
            x
            for x in (c["subject"], c["year_group"], terms.school_year_label(c["school_year"]))
            if x
        )
        print(f"{_one_line(card.title)}  ({_one_line(filed) or 'not filed'}; {c['status']})")
        print(f"  {folder / card.path}")
        for copy in card.copies:
            same = "same content" if copy.same else "differs: merge it"
            print(f"  copy: {folder / copy.path} ({same})")
        for match in matches:
            text = _one_line(match.snippet).replace(HIGHLIGHT_START, start)
            print(f"  {match.place}: {text.replace(HIGHLIGHT_END, end)}")
        if places > len(matches):
            print(f"  and {places - len(matches)} more places")
    if not results:
        said = ["No studies found"]
        said += [f"for {query!r}"] if query.strip() else []
        said += [f"({filters.words()})"] if filters else []
        print(" ".join(said) + ".", file=sys.stderr)
        return 1
    return 0


def _one_line(text: str) -> str:
    """Typed text on one line of a terminal: no control characters (an escape sequence
    in a note must not reach the terminal), line breaks as spaces."""
    import re

    return re.sub(r"[\x00-\x01\x04-\x1f\x7f-\x9f]", " ", text)


def cmd_impact(args: argparse.Namespace) -> int:
    from lessonstudy.archive.impact import build_impact
    from lessonstudy.files import write_atomically
    from lessonstudy.report.impact import format_of, render_impact

    out = Path(args.output)
    fmt = format_of(out, args.format)
    filters = _library_filters(args)
    folder = Path(args.folder)
    with _synced_library(folder, _index_option(args)) as library:
        data = build_impact(library.facts(filters), folder=str(library.folder), filters=filters)
    templates = Path(args.templates) if args.templates else None
    write_atomically(out, render_impact(data, fmt=fmt, templates=templates), what="impact summary")
    count = data["totals"]["studies"]
    print(f"Wrote the impact summary of {count} {'study' if count == 1 else 'studies'} to {out}")
    return 0


# ---------------------------------------------------------------------- helpers


def _load(path: str) -> tuple[Study, int]:
    from lessonstudy.store import StudyFile

    with StudyFile.open(Path(path), read_only=True) as study_file:
        return study_file.load(), len(study_file.conflicts())


def how_to_run() -> str:
    """The command that runs lessonstudy again as it was run now: `lessonstudy` when
    that is on the PATH, else the full path of the venv's script (or python -m)."""
    import shutil

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.name == "__main__.py" or script.suffix == ".py":
        return f"{_quoted(sys.executable)} -m lessonstudy"
    found = shutil.which("lessonstudy")
    if found is not None and Path(found).resolve() == script.resolve():
        return "lessonstudy"
    return _quoted(str(script.resolve()))


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _warn_location(path: Path) -> None:
    from lessonstudy.store.location import location_warning

    try:
        warning = location_warning(path)
    except (OSError, RuntimeError):  # a symlink loop: the open that follows says so
        return
    if warning:
        print(f"lessonstudy: warning: {warning}", file=sys.stderr)


def _run_app(path: Path | None, **options: object) -> int:
    if not sys.stdout.isatty():
        raise LessonStudyError("the app needs a terminal (stdout is not a terminal)")
    if path is not None:
        _warn_location(path)
    from lessonstudy.tui import collector

    collector.hold()  # until the first frame is out (tui/collector.py)
    try:
        from lessonstudy.tui.app import LessonStudyApp

        app = LessonStudyApp(path, **options)  # type: ignore[arg-type]
        app.run()
    finally:
        collector.release()  # if the app never drew a frame
    return app.return_code or 0


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def number(text: str) -> int:
    import argparse  # only ever called by a parser

    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def port_number(text: str) -> int:
    import argparse  # only ever called by a parser

    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be 0 to 65535")
    return value


def lesson_count(text: str) -> int:
    import argparse

    from lessonstudy.model import lesson_count_problem

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    problem = lesson_count_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def day(text: str) -> dt.date:
    """A date as a teacher in England writes it (usecases.dates: the app reads the same)."""
    import argparse

    from lessonstudy.usecases.dates import parse_date

    try:
        parsed = parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if parsed is None:
        raise argparse.ArgumentTypeError("give a date, e.g. 3/2/2026")
    return parsed


def pupil_labels(text: str) -> list[str]:
    """--pupils M,S (labels) or --pupils 4 (that many, labelled A, B, C, D)."""
    import argparse

    from lessonstudy.model import parse_pupil_labels

    try:
        return parse_pupil_labels(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# ---------------------------------------------------------------------- parser

NOTES_FORMAT = """\
one note per line:  HH:MM WHO STAGE [MARK] TEXT
  WHO    a case pupil's label (A, B, C ...) or "class"
  STAGE  the stage number in the lesson plan (1, 2, ...)
  MARK   = as predicted, + better than predicted, - less than predicted, ? unexpected
  a "!" before the text flags a critical incident
  blank lines and lines starting with # are skipped
example:  10:42 B 3 + ! "It's like a ruler but for parts" - placed 3/4 unaided
"""


class _Unused:
    """Stands in for the parser of a command this run does not use: every call on it
    does nothing. Building all of them is about 10 ms of CPU at every start."""

    def __getattr__(self, name: str) -> Callable[..., _Unused]:
        return lambda *args, **kw: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; `only`: with the parser of that command alone (the
    others are left out, so `lessonstudy -h` needs the whole one)."""
    import argparse

    from lessonstudy.help_format import SizedHelpFormatter, SizedRawDescriptionHelpFormatter

    parser = argparse.ArgumentParser(
        prog="lessonstudy",
        description="Guides a lesson study group through planning, observing, "
        "discussing and sharing its research lessons. Run with no command to open "
        "the app's start screen, or with a study file to open it.",
        epilog="Try it: lessonstudy demo",
        formatter_class=SizedHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"lessonstudy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str, **kw: object
    ) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return cast(argparse.ArgumentParser, _Unused())
        kw.setdefault("formatter_class", SizedHelpFormatter)
        p = sub.add_parser(name, help=help_, description=help_, **kw)  # type: ignore[arg-type]
        p.set_defaults(handler=handler)
        return p

    p = command("open", cmd_open, "open a study in the app (the same as: lessonstudy PATH)")
    p.add_argument("path", nargs="?", help="the study file (*.lessonstudy)")

    p = command("new", cmd_new, "create a new, empty study file")
    p.add_argument(
        "path", help="where to create it, e.g. fractions.lessonstudy (the ending added if missing)"
    )
    p.add_argument("--title", required=True, help="the study's title")
    p.add_argument(
        "--lessons", type=lesson_count, default=3, help="research lessons, 1 to 6 (default 3)"
    )
    p.add_argument(
        "--pupils",
        type=pupil_labels,
        default=["A", "B", "C"],
        metavar="LABELS",
        help="the case pupils' labels, 2 to 6 of 1-3 letters or digits, e.g. M,S or A,K,J; "
        "or how many, labelled from A (default A,B,C)",
    )
    p.add_argument("--open", action="store_true", help="open it in the app afterwards")

    p = command("info", cmd_info, "the study at a glance: focus, case pupils, every step")
    p.add_argument("path")

    p = command("export", cmd_export, "export a study as JSON (private notes are left out)")
    p.add_argument("path")
    p.add_argument("-o", "--output", help="the JSON file to write (default: standard output)")
    p.add_argument(
        "--mask",
        action="store_true",
        help="replace the group's private words (pupils' real names) with the pseudonym"
        " instead of refusing to export",
    )

    p = command("import", cmd_import, "create a study file from a JSON export")
    p.add_argument("file", help="the JSON export")
    p.add_argument("-o", "--output", required=True, help="the study file to create")

    p = command("check", cmd_check, "check a study file's integrity; exit 0 only if sound")
    p.add_argument("path")

    p = command("merge", cmd_merge, "bring in what observers captured in their own copies")
    p.add_argument("path", help="the study to merge into")
    p.add_argument("others", nargs="+", metavar="OTHER", help="copies to merge from")

    p_notes = command(
        "notes",
        lambda _args: _print_help(p_notes),
        "notes typed elsewhere (see: lessonstudy notes import --help)",
    )
    notes_sub = p_notes.add_subparsers(dest="notes_command", metavar="COMMAND")
    p = notes_sub.add_parser(
        "import",
        help="import an observer's notes from a text file",
        description="Import an observer's notes, typed elsewhere, into a research lesson. "
        "A bad line is reported with its line number and nothing is imported.",
        epilog=NOTES_FORMAT,
        formatter_class=SizedRawDescriptionHelpFormatter,
    )
    p.set_defaults(handler=cmd_notes_import)
    p.add_argument("path", help="the study file")
    p.add_argument("file", help="the text file of notes")
    p.add_argument("--observer", required=True, help="who took the notes")
    p.add_argument("--lesson", required=True, type=number, help="research lesson number")
    p.add_argument(
        "--date",
        type=day,
        help="the day the notes were taken, day first (3/2/2026, 3 Feb 2026) or ISO "
        "(default: the lesson's date, else today)",
    )

    p = notes_sub.add_parser(
        "list",
        formatter_class=SizedHelpFormatter,
        help="list notes with their ids (to find one to erase)",
        description="List a study's notes, each with the start of its id.",
    )
    p.set_defaults(handler=cmd_notes_list)
    p.add_argument("path", help="the study file")
    p.add_argument("--lesson", type=number, help="only this research lesson")
    p.add_argument("--containing", metavar="TEXT", help="only notes whose text holds TEXT")
    p.add_argument("--deleted", action="store_true", help="deleted notes too")

    p = notes_sub.add_parser(
        "erase",
        formatter_class=SizedHelpFormatter,
        help="erase notes for good (a child's real name typed by mistake)",
        description="Erase notes for good: their text is removed from the study file, not "
        "only hidden as a deleted note is, and a merge never brings it back. Find the ids "
        "with 'lessonstudy notes list'.",
    )
    p.set_defaults(handler=cmd_notes_erase)
    p.add_argument("path", help="the study file")
    p.add_argument("ids", nargs="+", metavar="ID", help="a note's id (its first 8 characters)")

    p = command("demo", cmd_demo, "open a fresh copy of the bundled example study")
    p.add_argument("path", nargs="?", help="where to create the copy (default: your data folder)")
    p.add_argument("--no-open", action="store_true", help="only create the study file")

    p = command("observe", cmd_observe, "observe a research lesson live")
    p.add_argument("path")
    p.add_argument("--as", dest="observer", required=True, metavar="NAME", help="your name")
    p.add_argument("--lesson", type=number, help="research lesson (default: the next one)")

    p = command(
        "serve",
        cmd_serve,
        "let observers (and open-house visitors) write notes from their own phones and laptops",
        epilog="Without --lan only this computer can open the page. Everyone needs the code "
        "once per device. See the README: 'Observing from phones and laptops'.",
    )
    p.add_argument("path", help="the study file")
    p.add_argument("--lesson", type=number, help="research lesson (default: the next one)")
    p.add_argument(
        "--open-house",
        action="store_true",
        help="serve the open house: visitors join with their own code, as guests",
    )
    p.add_argument(
        "--lan",
        action="store_true",
        help="listen on the school network (prints the address and a QR code for it)",
    )
    p.add_argument(
        "--port", type=port_number, default=8765, help="the port to listen on (default 8765)"
    )
    p.add_argument("--code", help="the group's access code (default: a new random one each time)")
    p.add_argument(
        "--visitor-code", help="the visitors' access code at the open house (default: random)"
    )
    p.add_argument("--cert", metavar="FILE", help="a TLS certificate (PEM), for https")
    p.add_argument("--key", metavar="FILE", help="the TLS certificate's private key (PEM)")

    # The report's names are the report package's: imported only for its parser.
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    if only in (None, "report"):
        from lessonstudy.report import FORMATS, KINDS

        kinds, formats = tuple(KINDS), FORMATS
    p = command(
        "report",
        cmd_report,
        "write the report, case report (for a library), open-house handout, poster or slides",
    )
    p.add_argument("path")
    p.add_argument("--kind", choices=kinds, default="report")
    p.add_argument(
        "--format",
        choices=formats,
        help="html (the default, every kind), md, docx (report, case-report, handout, poster),"
        " pptx (slides), csv (the report's notes, one row a note)",
    )
    p.add_argument("-o", "--output", help="the file to write (default: next to the study)")
    p.add_argument("--templates", metavar="DIR", help="a folder of your own report templates")
    p.add_argument(
        "--keywords",
        metavar="WORDS",
        help="the case report's keywords, comma-separated (subject, year group and phase"
        " are always in)",
    )
    p.add_argument(
        "--mask",
        action="store_true",
        help="replace the group's private words (pupils' real names) with the pseudonym"
        " instead of refusing to write",
    )

    p = command(
        "library",
        cmd_library,
        "the library: every study under a folder, to search and learn from (opens the app)",
    )
    p.add_argument("folder", nargs="?", default=".", help="the folder of studies (default: here)")
    p.add_argument("--index", metavar="FILE", help="keep the library's index here")

    _search_arguments(command("search", cmd_search, SEARCH_HELP, epilog=SEARCH_EPILOG))

    p = command(
        "impact",
        cmd_impact,
        "what a school's studies achieved, for leaders and governors (HTML or Word)",
    )
    p.add_argument("folder", help="the folder of studies")
    p.add_argument("-o", "--output", required=True, help="the file to write (.html or .docx)")
    p.add_argument("--format", choices=("html", "docx", "md"), help="(default: from -o's name)")
    p.add_argument("--templates", metavar="DIR", help="a folder of your own report templates")
    _library_options(p)

    p = command("backup", cmd_backup, "make a complete, consistent copy of a study file")
    p.add_argument("path")
    p.add_argument("dest")
    return parser


class _Printable:
    """A text stream that drops terminal control characters from what is written:
    a title imported with an escape sequence in it must not recolour, move or
    retitle the user's terminal (`info`, error lines, reports' messages...)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from lessonstudy.printable import printable

        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


SEARCH_HELP = "find studies under a folder by what they hold; prints the matches (exit 1: none)"
SEARCH_EPILOG = (
    'Every word must be found ("quoted words" as a phrase). With no words, lists the '
    "studies that pass the filters. Pupils' pseudonyms and private words are never "
    "indexed or shown."
)


def _search_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("query", nargs="*", help="words to find")
    p.add_argument("--in", dest="folder", default=".", metavar="DIR", help="the folder of studies")
    _library_options(p)
    p.add_argument("--limit", type=number, default=20, help="at most this many studies (20)")
    return p


def _search_parser() -> argparse.ArgumentParser:
    """`lessonstudy search` alone: scripts call it often, so it does not wait for the
    whole command line's parser to be built (the same arguments, the same help)."""
    import argparse

    from lessonstudy.help_format import SizedHelpFormatter

    p = argparse.ArgumentParser(
        prog="lessonstudy search",
        description=SEARCH_HELP,
        epilog=SEARCH_EPILOG,
        formatter_class=SizedHelpFormatter,
    )
    p.set_defaults(handler=cmd_search, command="search")
    return _search_arguments(p)


def _library_options(p: argparse.ArgumentParser) -> None:
    if isinstance(p, _Unused):
        return  # another command's run: its help's statuses are not worth importing terms
    from lessonstudy.terms import STATUSES

    p.add_argument("--subject", help="only studies of this subject (maths finds Mathematics)")
    p.add_argument("--year-group", help="only this year group (Year 4, Y4 or 4)")
    p.add_argument("--year", metavar="2025/26", help="only studies of this school year")
    p.add_argument("--status", help=f"only studies that are: {', '.join(STATUSES)}")
    p.add_argument("--index", metavar="FILE", help="keep the library's index here")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; without `argv`, run as the program (on sys.argv, the process
    ending with it: the `lessonstudy` script and `python -m lessonstudy`)."""
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(stdout), _Printable(stderr)
    try:
        return _main(argv, as_program=as_program)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _one_shot(args: argparse.Namespace, *, as_program: bool) -> int:
    """A command that does its work and ends, with Python's cycle collector paused: its
    passes over what the imports and a study's rows put on the heap (nothing of which
    outlives the command) cost a few per cent of it. Run as the program, what is left
    is frozen at the end (gc.freeze), so the collections Python's shutdown runs pass it
    by: a twentieth of `check`'s instructions. (Called in-process, as by the tests,
    the collector is only paused.)"""
    import gc

    from lessonstudy.bulk import collection_paused

    try:
        with collection_paused():
            result: int = args.handler(args)
            return result
    finally:
        if as_program:
            gc.freeze()


def _main(argv: list[str], *, as_program: bool = False) -> int:
    if argv[:1] == ["search"]:
        args = _search_parser().parse_args(argv[1:])
    elif len(argv) == 1 and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        # `lessonstudy PATH`, the usual start: the first screen does not wait for a
        # parser to be built (the same as `lessonstudy open PATH`).
        args = cast(
            "argparse.Namespace", SimpleNamespace(command="open", path=argv[0], handler=cmd_open)
        )
    else:
        # The parser of the command named first, not of all of them (a start-up cost).
        first = argv[0] if argv and not argv[0].startswith("-") else None
        if first is not None and first not in COMMANDS:
            argv.insert(0, "open")  # lessonstudy PATH --option: the open parser says what
            first = "open"
        parser = build_parser(only=first)
        if not argv:
            argv = ["open"]
        args = parser.parse_args(argv)
    try:
        if getattr(args, "command", None) in ONE_SHOT:
            return _one_shot(args, as_program=as_program)
        return args.handler(args)
    except LessonStudyError as error:
        print(f"lessonstudy: {error}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `lessonstudy export S | head`: the reader left; that is not an error. Point
        # stdout at nothing so Python's own flush at exit does not complain either.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
