"""lessonstudy: a terminal app that guides teachers through Lesson Study."""

__version__ = "0.1.0"
