"""Python's cyclic garbage collector, held off until the app's first frame is out.

Before its first frame the app imports Textual and its own modules and builds its
first screen: tens of thousands of objects, nearly all of them kept, which the
collector walked again and again meanwhile (headless, to the map's first frame:
about 90 young and 9 older collections, 15-18 ms; a one-Label Textual app: 81 and
8). The command line holds the collector off before it imports the app (`hold`);
the app lets it go once its first frame is drawn (`release`, LessonStudyApp.on_ready),
first moving everything alive by then out of its way (`gc.freeze`), so that the
collections that follow, while people type, do not walk it again either.

Standard library only: the command line calls it before importing Textual.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Switch the collector off (if it is on) until `release`."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Switch the collector on again, if `hold` switched it off (else nothing)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
