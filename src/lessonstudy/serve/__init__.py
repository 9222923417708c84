"""`lessonstudy serve`: observers and open-house visitors write into one study
from their own phones and laptops, on the school network, without accounts.

Layers: this package uses the store, the model, the process and the use cases,
never the TUI (and nothing imports it but `cli serve`, so the other commands
never load aiohttp). See server.py for the routes and the guard, access.py for
codes and passes, live.py for the study and the live updates, lesson.py for
what a page may see and send, and page/ for the page itself.
"""
