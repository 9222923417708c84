"""argparse's help, told the terminal's width (the command line's parsers use it).

Apart from cli.py so that argparse is imported only where a parser is built: the
usual start, `lessonstudy STUDY`, builds none.
"""

from __future__ import annotations

import argparse
import os


class SizedHelpFormatter(argparse.HelpFormatter):
    """argparse's help, told the terminal's width: its own way to learn it imports
    shutil (with zlib, bz2, lzma), a tenth of what `search` takes on a small folder.
    argparse makes a formatter for every argument added, so every parser uses this."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, width=max(columns - 2, 20))


class SizedRawDescriptionHelpFormatter(SizedHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """The same, keeping the description's and epilog's own line breaks."""
