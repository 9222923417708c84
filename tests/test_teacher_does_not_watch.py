"""Whoever teaches a research lesson cannot watch a case pupil in it
(ResearchLesson.watching). Seen in a trial: RL2's plan, copied from RL1's, kept its
new teacher as the observer of A and B; the app said every case pupil had an
observer, the teacher's observe screen called A and B "yours", and the report said
the lesson was "taught by Dafydd ap Rhys. Observed by Dafydd ap Rhys (A, B)"."""

from __future__ import annotations

from lessonstudy import report
from lessonstudy.process import cycle_facts
from lessonstudy.process.plans import unobserved_pupils
from store_helpers import planned_study


def test_the_teachers_assignment_does_not_count_while_they_teach():
    study = planned_study()
    rl1 = study.lesson(1)
    assert rl1 is not None
    assert rl1.assignments == {"Ruth": ["A", "B"], "Sam": ["C"]}
    labels = ["A", "B", "C"]
    assert unobserved_pupils(rl1, labels) == []

    rl1.teacher = "Ruth"
    assert rl1.watching == {"Sam": ["C"]}
    assert rl1.observers == ["Sam"]
    assert unobserved_pupils(rl1, labels) == ["A", "B"]
    facts = cycle_facts(study, rl1)
    assert facts.observers["A"] == () and facts.observers["C"] == ("Sam",)
    markdown = report.render_markdown(study, kind="report")
    assert "Taught by Ruth. Observed by Sam (C)." in markdown

    rl1.teacher = "Sam"  # another teaches: Ruth's assignment counts again, kept as it was
    assert rl1.watching == {"Ruth": ["A", "B"]}
    assert rl1.assignments == {"Ruth": ["A", "B"], "Sam": ["C"]}
