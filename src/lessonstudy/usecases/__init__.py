"""Use cases: what a person does with a study, as Textual-free operations.

Each module holds one concept (carrying agreed changes forward, starting a
plan, a new interview, reading dates ...) that the screens, the command line
and the web page for observers share. A use case takes a `StudyFile` (or plain
values), applies the rules of the practice (from `process`) and writes through
the store; it never imports Textual. Screens gather input, call a use case and
show the result.
"""
