"""Planning a research lesson: header, stages and the prediction grid, observers.

From RL2 on, a blank plan starts as a copy of the previous lesson's plan as
soon as it is opened (that is what the group does on paper: refine, not
retype), and the changes agreed in the last discussion become a checklist
(`usecases.carry_forward`: changes agreed later arrive by themselves). The
screen says so in one message, and ctrl+z takes the copy back. Copied
predictions are marked as carried over, and counted apart, until the group
edits or keeps (c) each one.

Once the lesson has begun (its first stage started), predictions are sealed:
changing one keeps the text it had then, and the discussion and write-up show
the change with its time. A stage the lesson was taught through is removed
only after saying where its notes go (`usecases.stages`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
)

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CasePupil, Member, ResearchLesson, Stage, now
from lessonstudy.process import (
    StepKind,
    confirm_prediction,
    prediction_counts,
    record_prediction,
    unobserved_pupils,
)
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.plain import assemble, plain, plain_text
from lessonstudy.tui.screens.editing import (
    FORM_HINT,
    EditingScreen,
    FieldInput,
    field_row,
    set_columns,
)
from lessonstudy.tui.screens.plan.dialogs import PredictionEditor, StageEditor, StageRemovalDialog
from lessonstudy.tui.screens.plan.widgets import ChangeCheckbox
from lessonstudy.tui.widgets.date_field import DateInput, TimeInput
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.long_field import LongField, SteadyTextArea
from lessonstudy.tui.widgets.prediction_grid import ASSESS_COLUMN, STAGE_COLUMN, PredictionGrid
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.tui.widgets.typing_in_place import update_in_place
from lessonstudy.usecases import dates
from lessonstudy.usecases import stages as stage_use
from lessonstudy.usecases.carry_forward import carry_into_next_plan, start_from_previous

HEADER_FIELDS = [
    ("date", "Date"),
    ("time", "Time"),
    ("teacher", "Who teaches"),
    ("aspect", "Aspect of learning"),
    ("objective", "Learning objective"),
]
HEADER_EXAMPLES = {
    "teacher": "a member's name (→ takes the suggestion)",
    "objective": "the accountable learning objective",
}
TEXT_FIELDS = [
    ("learning_intentions", "Class learning intentions"),
    ("success_criteria", "Class success criteria"),
]
LATER_TEXT_FIELDS = [
    ("resources", "Resources"),
    ("initial_thoughts", "Initial thoughts"),
]
WATCHING = "● watches"
NOT_WATCHING = "·"


def replace_plan(plan: ResearchLesson, new: ResearchLesson) -> None:
    """Make `plan` (the edited document) hold everything `new` holds."""
    for field in attrs.fields(ResearchLesson):
        setattr(plan, field.name, getattr(new, field.name))


class PlanScreen(EditingScreen):
    HELP_STEP = StepKind.PLAN
    BINDINGS = [
        # The tabs show their keys ("F3 Stages"): the footer keeps room for the rest at 80.
        Binding("f2", "tab('lesson')", "Lesson", id="plan.lesson", priority=True, show=False),
        Binding("f3", "tab('stages')", "Stages", id="plan.stages", priority=True, show=False),
        Binding(
            "f4", "tab('observers')", "Observers", id="plan.observers", priority=True, show=False
        ),
        Binding("f5", "tab('changes')", "Changes", id="plan.changes", priority=True, show=False),
        # Only while the observers table has the cursor (check_action).
        Binding("space", "toggle_observer", "Observes / not", id="plan.toggle_observer"),
    ]

    def __init__(self, study_file: StudyFile, lesson: int) -> None:
        super().__init__(study_file)
        self.number = lesson
        self.plan = self.document(documents.lesson(lesson))
        self.carried_from: int | None = None
        self._checklist_shown: list[str] = []
        self._load_people()
        self._start_from_previous()
        self._bind()

    # ------------------------------------------------------------------ data

    def _load_people(self) -> None:
        self.pupils: list[CasePupil] = self.study_file.read(documents.PUPILS).value
        self.members: list[Member] = self.study_file.read(documents.MEMBERS).value

    @property
    def labels(self) -> list[str]:
        return [pupil.label for pupil in self.pupils]

    def _start_from_previous(self) -> None:
        """RL2 on: a blank plan starts as the previous plan plus the agreed changes; a
        plan of its own gets any change agreed since it was last opened."""
        if self.number <= 1:
            return
        copy = start_from_previous(self.study_file, self.number)
        if copy is not None:
            self.change(self.plan, lambda plan: replace_plan(plan, copy))
            self.carried_from = self.number - 1
            return
        try:
            carried = carry_into_next_plan(self.study_file, self.number - 1)
        except LessonStudyError:
            return  # the file is busy: the discussion carries them as they are agreed
        if carried.added:
            self.plan.reload()

    def _lesson_started(self) -> bool:
        """The lesson's first stage has begun: its predictions are sealed."""
        return self.study_file.timeline(self.number).started is not None

    def _bind(self) -> None:
        for name, _label in HEADER_FIELDS + TEXT_FIELDS + LATER_TEXT_FIELDS:
            extra: dict[str, Any] = {}
            if name == "date":
                extra = {"parse": dates.parse_date, "show": dates.show_date}
            elif name == "time":
                extra = {"parse": dates.parse_time, "show": dates.show_time}
            self.bind_attribute(f"plan-{name}", self.plan, name, **extra)
        for label in self.labels:
            self.bind_field(
                f"criterion-{label}",
                self.plan,
                lambda p, lab=label: p.pupil_success_criteria.get(lab, ""),
                lambda p, v, lab=label: p.pupil_success_criteria.__setitem__(lab, v),
            )
        self._bind_changes()

    def _bind_changes(self) -> None:
        for index, _change in enumerate(self.plan.value.carried_changes):
            self.bind_field(
                f"change-{index}",
                self.plan,
                lambda p, i=index: (
                    p.carried_changes[i].done if i < len(p.carried_changes) else False
                ),
                lambda p, v, i=index: setattr(p.carried_changes[i], "done", v),
            )

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        plan: ResearchLesson = self.plan.value
        with Horizontal(id="top-bar"):
            yield Static(classes="screen-title", id="plan-title")
            yield SaveStatus()
        initial = "stages" if self.carried_from else "lesson"
        with TabbedContent(initial=initial):
            with TabPane("F2 Lesson", id="lesson"), VerticalScroll(classes="form"):
                yield Static(FORM_HINT, classes="hint")
                names = [m.name for m in self.members]
                for name, label in HEADER_FIELDS:
                    value = str(self.widget_value(f"plan-{name}") or "")
                    suggester = (
                        SuggestFromList(names, case_sensitive=False) if name == "teacher" else None
                    )
                    field: Input
                    if name == "date":  # one way to read and show dates (usecases.dates)
                        field = DateInput(value, id="plan-date")
                    elif name == "time":
                        field = TimeInput(value, id="plan-time")
                    else:
                        field = FieldInput(
                            value,
                            id=f"plan-{name}",
                            compact=True,
                            suggester=suggester,
                            placeholder=HEADER_EXAMPLES.get(name, ""),
                        )
                    yield field_row(label, field)
                for name, label in TEXT_FIELDS:  # long answers: they grow to show it all
                    yield Label(label)
                    yield LongField(getattr(plan, name), id=f"plan-{name}")
                yield Label(
                    "Each case pupil's success criterion for this lesson", classes="section-title"
                )
                for pupil in self.pupils:
                    yield field_row(
                        f"{pupil.label} {pupil.pseudonym}".strip(),
                        LongField(  # typing adds to it (the cursor starts at the end)
                            plan.pupil_success_criteria.get(pupil.label, ""),
                            id=f"criterion-{pupil.label}",
                        ),
                    )
                for name, label in LATER_TEXT_FIELDS:
                    yield Label(label)
                    yield SteadyTextArea(getattr(plan, name), id=f"plan-{name}", compact=True)
            with TabPane("F3 Stages & predictions", id="stages"), Vertical():
                yield Static(id="grid-status", classes="hint")
                yield PredictionGrid(id="grid")
            with TabPane("F4 Observers", id="observers"), Vertical(classes="form"):
                yield Static(id="observer-hint", classes="hint")
                yield Static(id="observer-warning")
                yield DataTable(id="assignments", cursor_type="cell", classes="table")
            with (
                TabPane("F5 Agreed changes", id="changes"),
                VerticalScroll(classes="form checklist", id="checklist"),
            ):
                yield from self._checklist_widgets()
        yield Footer()

    def _checklist_widgets(self) -> list[Widget]:
        plan: ResearchLesson = self.plan.value
        if not plan.carried_changes:
            return [
                Static(
                    "No agreed changes carried into this plan. From RL2 on, the changes "
                    "agreed in the previous discussion appear here as a checklist.",
                    classes="hint",
                )
            ]
        return [
            Static(
                f"Agreed in the RL{self.number - 1} discussion (changes agreed later arrive "
                "here by themselves). Tick each change once it is worked into this plan.",
                classes="hint",
            ),
            *(
                ChangeCheckbox(plain(change.text), change.done, id=f"change-{index}")
                for index, change in enumerate(plan.carried_changes)
            ),
        ]

    def _refresh_checklist(self) -> None:
        """The checklist changed in the file (a change agreed meanwhile): show it anew."""
        texts = [item.text for item in self.plan.value.carried_changes]
        if texts == self._checklist_shown:
            return
        self._checklist_shown = texts
        self._bind_changes()
        self.call_next(self._rebuild_checklist)

    async def _rebuild_checklist(self) -> None:
        box = self.query_one("#checklist", VerticalScroll)
        await box.remove_children()  # first: the new boxes reuse the old ids
        await box.mount_all(self._checklist_widgets())

    def on_mount(self) -> None:
        self._checklist_shown = [item.text for item in self.plan.value.carried_changes]
        self.refresh_views()
        message = self.carried_words()
        if message:
            if self.carried_from:
                message += " ctrl+z starts from a blank plan instead."
            self.notify(message, title="Carried forward", timeout=10)
        if self.carried_from:
            self.query_one(PredictionGrid).focus()
        else:
            self.query_one("#plan-date").focus()

    def carried_words(self) -> str:
        """One message, true as the plan is now: where it started from, the agreed
        changes still to work in, the predictions still to look at again."""
        plan: ResearchLesson = self.plan.value
        parts = []
        if plan.copied_from is not None:
            parts.append(f"This plan started from RL{plan.copied_from}'s plan.")
        to_do = [c for c in plan.carried_changes if not c.done]
        if plan.carried_changes:
            parts.append(
                f"{len(to_do)} of {len(plan.carried_changes)} agreed changes from the "
                f"RL{self.number - 1} discussion still to work in (F5)."
                if to_do
                else f"Every agreed change from the RL{self.number - 1} discussion is worked in."
            )
        carried = prediction_counts(plan, self.labels).carried
        if carried:
            parts.append(
                f"{carried} predictions carried over: look at each again (Enter edits, "
                "c keeps it as it is)."
            )
        return " ".join(parts)

    def on_resize(self) -> None:
        self.refresh_views()

    def on_study_changed(self, message: StudyChanged) -> None:
        """Another process changed the study. The plan itself is refreshed by
        EditingScreen; the case pupils and members are not documents of this
        screen, so a new pseudonym or observer is picked up here."""
        if message.change is not None and message.change.notes_only():
            return
        people = (self.pupils, self.members)
        self._load_people()
        if (self.pupils, self.members) != people:
            self.refresh_views()

    # ------------------------------------------------------------------ views

    def refresh_views(self) -> None:
        self._load_people()
        if self.is_mounted:
            self._refresh_checklist()
        plan: ResearchLesson = self.plan.value
        grid = self.query_one(PredictionGrid)
        grid.fit(self.app.size.width, len(self.pupils))
        grid.show(plan, self.pupils)
        self._show_grid_status()
        self._show_assignments()
        self._show_title()

    def _show_title(self) -> None:
        objective = self.plan.value.objective
        update_in_place(  # follows the objective as it is typed
            self.query_one("#plan-title", Static),
            assemble((f"RL{self.number}: plan", "bold"), f" — {objective}" if objective else ""),
        )

    def after_edit(self, widget_id: str) -> None:
        if widget_id == "plan-objective":
            self._show_title()
        elif widget_id == "plan-teacher":
            self._show_assignments()

    def _show_grid_status(self) -> None:
        plan: ResearchLesson = self.plan.value
        counts = prediction_counts(plan, self.labels)
        count = len(plan.stages)
        if not count:
            parts = ["No stages yet: a adds one, then Enter on a cell writes a prediction"]
        else:
            parts = [f"{count} stage{'s' if count != 1 else ''}"]
            minutes = sum(stage.minutes or 0 for stage in plan.stages)
            if minutes:
                parts[0] += f", {minutes} min"
        if counts.carried:
            parts.append(f"{counts.carried} carried over ↻ (c keeps one, Enter edits)")
        if counts.carried and counts.written:
            parts.append(f"{counts.written} written for RL{self.number}")
        if counts.missing:
            missing = f"{counts.missing} prediction{'s' if counts.missing != 1 else ''} missing"
            parts.append(f"{missing} (m: go to the next)")
        elif plan.stages and not counts.carried:
            parts.append("every prediction written ✓")
        if count and plan.copied_from is not None:
            parts.insert(0, f"Copied from RL{plan.copied_from}: refine it")
        gaps = counts.missing or counts.carried
        if count and self.app.size.width >= 100:
            parts.append("a adds a stage below this one, shift+↑↓ moves it, Delete removes it")
        status = self.query_one("#grid-status", Static)
        status.update(plain(" · ".join(parts)))
        status.set_class(bool(gaps), "warning")

    def _observer_names(self) -> list[str]:
        plan: ResearchLesson = self.plan.value
        names = [m.name for m in self.members if m.name != plan.teacher]
        names += [name for name in plan.watching if name not in names]
        return names

    def _show_assignments(self) -> None:
        plan: ResearchLesson = self.plan.value
        table = self.query_one("#assignments", DataTable)
        cursor = table.cursor_coordinate
        names = self._observer_names()
        rows = [
            [
                plain_text(name, style="bold"),
                *[
                    Text(WATCHING if p.label in plan.assignments.get(name, []) else NOT_WATCHING)
                    for p in self.pupils
                ],
            ]
            for name in names
        ]
        headings = ["Observer", *[f"{p.label} {p.pseudonym}".strip() for p in self.pupils]]
        set_columns(table, headings, rows)
        for name, row in zip(names, rows, strict=True):
            table.add_row(*row, key=name)
        if table.row_count:
            table.cursor_coordinate = Coordinate(
                min(cursor.row, table.row_count - 1), max(1, cursor.column)
            )
        hint = "Who watches which case pupil. Enter or space ticks a cell."
        if plan.teacher:
            hint += f" {plan.teacher} teaches this lesson, so is not listed."
        self.query_one("#observer-hint", Static).update(plain(hint))
        warning = self.query_one("#observer-warning", Static)
        unwatched = unobserved_pupils(plan, self.labels)
        if not self._observer_names():
            warning.update("! Add group members at the initial meeting to assign observers.")
        elif unwatched:
            warning.update(plain(f"! No observer yet for case pupil {', '.join(unwatched)}."))
        else:
            warning.update("✓ Every case pupil has an observer.")
        warning.set_class(bool(unwatched), "warning")
        # The tab says so too, so the gap shows from every tab of the plan.
        tab = self.query_one(TabbedContent).get_tab("observers")
        tab.label = "F4 Observers !" if unwatched else "F4 Observers"

    # ------------------------------------------------------------------ observers

    @on(DataTable.CellSelected, "#assignments")
    def _toggle_assignment(self, event: DataTable.CellSelected) -> None:
        self._toggle_at(event.coordinate)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_observer":
            return self.focused is self.query_one("#assignments", DataTable)
        return True

    def action_toggle_observer(self) -> None:
        self._toggle_at(self.query_one("#assignments", DataTable).cursor_coordinate)

    def _toggle_at(self, coordinate: Coordinate) -> None:
        names = self._observer_names()
        if not names or coordinate.column == 0 or coordinate.row >= len(names):
            return
        name = names[coordinate.row]
        label = self.pupils[coordinate.column - 1].label

        def toggle(plan: ResearchLesson) -> None:
            watched = plan.assignments.setdefault(name, [])
            if label in watched:
                watched.remove(label)
            else:
                watched.append(label)
                watched.sort(key=self.labels.index)
            if not watched:
                del plan.assignments[name]

        self.change(self.plan, toggle)
        self._show_assignments()

    # ------------------------------------------------------------------ stages

    @on(PredictionGrid.AddStage)
    def _add_stage(self, event: PredictionGrid.AddStage) -> None:
        at = len(self.plan.value.stages) if event.after is None else event.after + 1
        stage = Stage()
        self.change(self.plan, lambda plan: plan.stages.insert(at, stage))
        self.refresh_views()
        self.query_one(PredictionGrid).move_to(at, STAGE_COLUMN)
        self._edit_stage(at)

    @on(PredictionGrid.DeleteStage)
    def _delete_stage(self, event: PredictionGrid.DeleteStage) -> None:
        index = event.stage_index
        if not 0 <= index < len(self.plan.value.stages):
            return
        stage = self.plan.value.stages[index]
        evidence = stage_use.stage_evidence(self.study_file, self.number, stage.id)
        if evidence is None:
            self.refresh_views()  # taken out meanwhile in another window
            return
        if not evidence.needs_asking:
            self._delete_plain(index)
            return
        if evidence.taught and evidence.before is None and evidence.after is None:
            self.notify(
                f"Stage {evidence.number} is the plan's only stage and holds "
                f"{evidence.notes} notes from the lesson: they would have nowhere to go.",
                title="Not deleted",
                severity="warning",
                timeout=8,
            )
            return

        def answered(answer: str | None) -> None:
            if answer is None:
                return
            if answer == "delete" and not evidence.taught and not evidence.judgements:
                self._delete_plain(index)
                return
            target = {"before": evidence.before, "after": evidence.after}.get(answer)
            try:
                stage_use.remove_stage(
                    self.study_file, self.number, stage.id, target.id if target else None
                )
            except LessonStudyError as error:
                self.notify(f"Not deleted: {error}", severity="error")
                return
            self.plan.reload()
            self.refresh_views()
            where = ""
            if target is not None:
                # Numbered as the plan is now, the deleted stage gone.
                number = evidence.number - 1 if answer == "before" else evidence.number
                where = f" Its notes are in stage {number} now ({target.title or 'untitled'})."
            self.notify(f"Deleted {evidence.title}.{where}", timeout=6)

        self.app.push_screen(StageRemovalDialog(evidence), answered)

    def _delete_plain(self, index: int) -> None:
        title = self.plan.value.stages[index].title or f"stage {index + 1}"
        self.change(self.plan, lambda plan: plan.stages.pop(index))
        self.refresh_views()
        self.notify(f"Deleted {title}. ctrl+z puts it back.", timeout=4)

    @on(PredictionGrid.ConfirmPrediction)
    def _confirm_prediction(self, event: PredictionGrid.ConfirmPrediction) -> None:
        stages = self.plan.value.stages
        if not 0 <= event.stage_index < len(stages):
            return
        stage_id, label = stages[event.stage_index].id, event.column
        if stages[event.stage_index].record(label).carried_from is None:
            self.notify("That prediction is this lesson's already.", timeout=3)
            return

        def keep(plan: ResearchLesson) -> None:
            target = plan.stage_by_id(stage_id)
            if target is not None:
                confirm_prediction(target, label, at=now())

        self.change(self.plan, keep)
        self.refresh_views()

    @on(PredictionGrid.MoveStage)
    def _move_stage(self, event: PredictionGrid.MoveStage) -> None:
        index, target = event.stage_index, event.stage_index + event.delta
        if not 0 <= target < len(self.plan.value.stages):
            return

        def move(plan: ResearchLesson) -> None:
            plan.stages.insert(target, plan.stages.pop(index))

        self.change(self.plan, move)
        grid = self.query_one(PredictionGrid)
        column = grid.cursor_column_name()
        self.refresh_views()
        grid.move_to(target, column)

    @on(PredictionGrid.EditCell)
    def _edit_cell(self, event: PredictionGrid.EditCell) -> None:
        if event.column in (STAGE_COLUMN, ASSESS_COLUMN):
            self._edit_stage(event.stage_index, focus=event.column)
        else:
            self._edit_prediction(event.stage_index, event.column)

    def _stage_field_setter(self, stage_id: Any) -> Callable[[str, Any], None]:
        def set_field(name: str, value: Any) -> None:
            def mutate(plan: ResearchLesson) -> None:
                stage = plan.stage_by_id(stage_id)
                if stage is not None:
                    setattr(stage, name, value)

            self.change(self.plan, mutate, f"stage-{stage_id}-{name}")

        return set_field

    def _edit_stage(self, index: int, focus: str = STAGE_COLUMN) -> None:
        if not 0 <= index < len(self.plan.value.stages):
            self.refresh_views()  # the grid was a moment behind another window
            return
        stage = self.plan.value.stages[index]

        def closed(result: str | None) -> None:
            self.refresh_views()
            if result == "predict" and self.labels:
                self.query_one(PredictionGrid).move_to(index, self.labels[0])
                self._edit_prediction(index, self.labels[0])

        self.app.push_screen(
            StageEditor(index + 1, stage, self._stage_field_setter(stage.id), focus), closed
        )

    def _edit_prediction(self, index: int, label: str) -> None:
        # The grid may be a moment behind a change made in another window.
        stages = self.plan.value.stages
        pupil = next((p for p in self.pupils if p.label == label), None)
        if not 0 <= index < len(stages) or pupil is None:
            self.refresh_views()
            return
        stage = stages[index]
        criterion = self.plan.value.pupil_success_criteria.get(label, "")

        started = self._lesson_started()

        def write(text: str) -> None:
            def mutate(plan: ResearchLesson) -> None:
                target = plan.stage_by_id(stage.id)
                if target is not None:
                    record_prediction(target, label, text, at=now(), lesson_started=started)

            self.change(self.plan, mutate, f"prediction-{stage.id}-{label}")

        def closed(result: str | None) -> None:
            self.refresh_views()
            if result == "next":
                self._edit_next_after(index, label)

        last = index == len(self.plan.value.stages) - 1 and label == self.labels[-1]
        editor = PredictionEditor(
            index + 1, stage, pupil, criterion, write, last=last, sealed=started
        )
        self.app.push_screen(editor, closed)

    def _edit_next_after(self, index: int, label: str) -> None:
        """Open the next cell: the next pupil, then the next stage's first pupil."""
        labels = self.labels
        position = labels.index(label) + 1
        if position >= len(labels):
            index, position = index + 1, 0
        if index >= len(self.plan.value.stages):
            self.notify("That was the last stage's last prediction. a adds a stage.", timeout=4)
            return
        grid = self.query_one(PredictionGrid)
        grid.move_to(index, labels[position])
        self._edit_prediction(index, labels[position])
