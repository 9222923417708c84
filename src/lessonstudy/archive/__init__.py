"""The archive: a school's lesson studies, found and learned from.

    folder of *.lessonstudy files --scan--> index (SQLite FTS5, a cache)
        -> the library (every study, one line each), search, filters
        -> the impact summary (faithfulness, changes carried, practice developed,
           case pupils' progress by learner group; by subject and year group)

The index lives in the user's data folder (or wherever `--index` says), never
in a study: studies are only ever opened read-only, and one that cannot be
read is reported and skipped. What goes into the index is what a colleague in
the school may read: pseudonyms, private notes and the group's private words
are masked before anything is indexed, and case pupils appear only as their
learner groups (see `extract`).

Importing this package is light: `lessonstudy search` on an index that is up
to date needs only the standard library. The model and the process are
imported only when a study has to be (re)read.
"""

from __future__ import annotations
