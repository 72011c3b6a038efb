"""LessonRunner: plays a lesson's actions on the real window, one after another, waiting for each.

Each action calls a panel's public method or the QWorkspace, then waits (polling every 50 ms)
until the panel is idle again: a dataset built, a run finished, a trace or a generation done.
After a step's actions the runner keeps a snapshot of the workspace (data, model weights,
history); Back and Next restore a visited step's snapshot and replay only its views (panel,
trace, stage, head, generation), so a step shows the same state however it is reached, without
training again. A failing action stops the step and says why; it never raises into Qt.
"""

import copy
import os
from pathlib import Path
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from ..core.errors import PlaygroundError
from ..core.evaluate import label_report
from ..core.lessons import Action, Lesson
from ..core.tasks import PairTask
from ..core.workspace import Workspace
from .worker import Job

POLL_MS = 50
WAIT_LIMIT_S = 300  # a dataset, tokenizer, trace or generation that takes longer has gone wrong (training: no limit)
STEPS_ENV = "PLAYGROUND_LESSON_MAX_STEPS"  # tests only: train at most this many steps per `> train`
VIEW_TABS = {"numbers": 0, "heads": 1, "next": 2, "embeddings": 3}  # the inspector's stage detail
SAMPLING = ("temperature", "top-k", "top-p", "greedy", "max-tokens", "seed", "generate")
SAMPLING_DEFAULTS = {"temperature": 1.0, "top_k": 0, "top_p": 1.0, "max_tokens": 200, "seed": 0, "greedy": False}
TOKENIZE_TABS = {"tokens": 0, "vocabulary": 1, "merges": 2}  # the Tokenize panel's right column


def same_file(a: str | None, b: str) -> bool:
    return bool(a) and Path(a).resolve() == Path(b).resolve()


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


@dataclass
class Snapshot:
    """The workspace as a step left it: data and settings, weights and curves."""

    recipe: object
    model: object
    history: list
    trained_steps: int

    @classmethod
    def of(cls, core: Workspace) -> "Snapshot":
        return cls(copy.copy(core.recipe), copy.deepcopy(core.model), list(core.history), core.trained_steps)

    def workspace(self) -> Workspace:
        """A fresh workspace in this state (the snapshot itself stays as it was)."""
        ws = Workspace()
        ws.recipe, ws.model = copy.copy(self.recipe), copy.deepcopy(self.model)
        ws.history, ws.trained_steps = list(self.history), self.trained_steps
        return ws


class ActionFailed(Exception):
    """An action could not do what the lesson asks; the message says why, for the lesson pane."""


class LessonRunner(QObject):
    """Runs the steps of one lesson on ``window`` (a MainWindow with its panels built)."""

    step_started = Signal(int)
    action_started = Signal(str)  # the action, as written in the lesson
    step_finished = Signal(int)
    step_failed = Signal(int, str)
    busy_changed = Signal(bool)
    report_ready = Signal(dict)  # `> evaluate`: accuracy, confusion matrix, per-class scores
    generated = Signal(dict)  # `> generate`: prompt, output and the sampling settings
    notice = Signal(str)  # something the class should know, e.g. that training diverged

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.lesson: Lesson | None = None
        self.index = -1
        steps = os.environ.get(STEPS_ENV, "")
        self.max_train_steps: int | None = int(steps) if steps.isdigit() else None
        self.snapshots: dict[int, Snapshot] = {}
        self.done_actions: list[Action] = []  # every action that succeeded, in order (tests read it)
        self._queue: list = []
        self._wait = None  # (until, then, deadline in polls or None)
        self._polls = 0
        self._job = None
        self._action: Action | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    # --- the lesson -------------------------------------------------------------------------------
    def open(self, lesson: Lesson) -> None:
        self.cancel()
        self.lesson, self.index, self.snapshots = lesson, -1, {}
        self.go_to(0)

    def is_busy(self) -> bool:
        return bool(self._queue) or self._wait is not None

    def go_to(self, index: int) -> bool:
        """Show step ``index``: restore its snapshot if it was visited, else run what leads to it."""
        if self.lesson is None or self.is_busy() or not 0 <= index < len(self.lesson.steps):
            return False
        self.index = index
        steps = self.lesson.steps
        queue: list = [self._stop_training]
        if index in self.snapshots:
            queue.append(lambda i=index: self._restore(i))
            queue += [a for a in steps[index].actions if not a.changes_state]
        else:
            first = next(i for i in range(index + 1) if i not in self.snapshots)
            if first > 0 and not self._still(first - 1):
                queue.append(lambda i=first - 1: self._restore(i))
            for i in range(first, index + 1):
                if i == 0:
                    queue.append(Action("dataset", (self.lesson.dataset,), line=0))
                step_actions = steps[i].actions
                queue += step_actions if i == index else [a for a in step_actions if a.changes_state]
                queue.append(lambda i=i: self._snapshot(i))
        if any(a.name in SAMPLING for a in steps[index].actions):
            queue.insert(1, self._reset_sampling)
        self._queue = queue
        self.step_started.emit(index)
        self.busy_changed.emit(True)
        QTimer.singleShot(0, self._next)
        return True

    def cancel(self) -> None:
        """Drop what is left of the step (a run in progress is asked to stop)."""
        was_busy = self.is_busy()
        self._queue, self._wait = [], None
        self._timer.stop()
        train = self.window.panel("train")
        if train is not None and train.run is not None:
            train.stop()
        if self._job is not None:
            self._job.wait(60_000)  # an evaluation's thread must not outlive the window
            self._job = None
        if was_busy:
            self.busy_changed.emit(False)

    # --- the queue --------------------------------------------------------------------------------
    def _next(self) -> None:
        while self._queue and self._wait is None:
            item = self._queue.pop(0)
            self._action = item if isinstance(item, Action) else None
            try:
                if isinstance(item, Action):
                    self.action_started.emit(str(item))
                    wait = getattr(self, "_do_" + item.name.replace("-", "_"))(item, *item.args)
                else:
                    wait = item()
                if wait is not None:
                    self._start_wait(*wait)
                elif self._action is not None:
                    self.done_actions.append(item)
            except (ActionFailed, PlaygroundError, ValueError, KeyError) as e:
                self._fail(str(e).strip("'\""))
                return
        if not self._queue and self._wait is None:
            self.busy_changed.emit(False)
            self.step_finished.emit(self.index)

    def _start_wait(self, until, then=None, limit_s: float | None = WAIT_LIMIT_S) -> None:
        self._wait = (until, then, None if limit_s is None else int(limit_s * 1000 / POLL_MS))
        self._polls = 0
        self._timer.start()

    def _poll(self) -> None:
        if self._wait is None:
            self._timer.stop()
            return
        until, then, limit = self._wait
        self._polls += 1
        try:
            if not until():
                if limit is not None and self._polls > limit:
                    raise ActionFailed(translate("LessonRunner", "This took too long; try the step again."))
                return
            self._timer.stop()
            self._wait = None
            if then is not None:
                then()
            if self._action is not None:
                self.done_actions.append(self._action)
        except (ActionFailed, PlaygroundError, ValueError, KeyError) as e:
            self._fail(str(e).strip("'\""))
            return
        self._next()

    def _fail(self, message: str) -> None:
        self._queue, self._wait = [], None
        self._timer.stop()
        action = self._action
        if action is not None and action.line:
            message = translate("LessonRunner", "Line {line} ({action}): {message}").format(
                line=action.line, action=action, message=message)
        self.busy_changed.emit(False)
        self.step_failed.emit(self.index, message)

    # --- state: snapshots and stopping ---------------------------------------------------------------
    @property
    def workspace(self):
        return self.window.workspace

    def _panel(self, name: str):
        panel = self.window.panel(name)
        if panel is None:
            raise ActionFailed(translate("LessonRunner", "The window has no {name} panel.").format(name=name))
        return panel

    def _idle(self) -> bool:
        """No panel job that a new state could confuse: data described, model sized, nothing traced."""
        data, inspect, generate = (self.window.panel(n) for n in ("data", "inspect", "generate"))
        return not (data.is_busy() or inspect.is_tracing() or generate.is_generating())

    def _stop_training(self):
        train = self._panel("train")
        if train.run is None:
            return self._idle, None
        train.stop()
        return (lambda: train.run is None and self._idle()), None

    def _snapshot(self, index: int) -> None:
        core = self.workspace.core
        self.snapshots[index] = Snapshot.of(core)
        self._left = (index, core, core.recipe, core.model, core.trained_steps)

    def _still(self, index: int) -> bool:
        """Whether the workspace is as step ``index`` left it (then its trace and views are still shown)."""
        core, left = self.workspace.core, getattr(self, "_left", None)
        return left is not None and left[0] == index and left[4] == core.trained_steps and all(
            a is b for a, b in zip(left[1:4], (core, core.recipe, core.model)))

    def _reset_sampling(self) -> None:
        """A step that generates starts from the default sampling settings, then sets its own."""
        self._panel("generate").sampling.restore(SAMPLING_DEFAULTS)

    def _restore(self, index: int):
        self.workspace.replace_core(self.snapshots[index].workspace())
        return self._idle, None

    def _forget_unsaved(self) -> None:
        """The lesson's own models are demonstrations: replacing them asks nothing (asked once, at opening)."""
        self.workspace.core.dirty = False

    def _recipe(self):
        recipe = self.workspace.core.recipe
        if recipe is None:
            raise ActionFailed(translate("LessonRunner", "No data is loaded: the lesson needs a > dataset line first."))
        return recipe

    # --- actions: data -------------------------------------------------------------------------------
    def _do_open(self, action, name):
        self._panel(name)
        self.window.show_panel(name)

    def _wait_for_data(self, before, matches):
        data = self._panel("data")

        def until():
            recipe = self.workspace.core.recipe
            return not data.is_busy() and (recipe is not before or data.banner.text())

        def then():
            recipe = self.workspace.core.recipe
            if recipe is before or not matches(recipe.spec):
                raise ActionFailed(data.banner.text() or translate("LessonRunner", "The data could not be loaded."))
        return until, then

    def _do_dataset(self, action, name):
        self._forget_unsaved()
        before = self.workspace.core.recipe
        self._panel("data").choose_dataset(name, ask=False)
        return self._wait_for_data(before, lambda spec: spec.get("dataset") == name)

    def _do_file(self, action, path):
        self._forget_unsaved()
        before = self.workspace.core.recipe
        self._panel("data").open_text_file(path, ask=False)
        return self._wait_for_data(before, lambda spec: same_file(spec.get("text_file"), path))

    def _do_cleaning(self, action, *options):
        data = self._panel("data")
        if not self._recipe().spec.get("text_file"):
            raise ActionFailed(translate("LessonRunner",
                                         "Cleaning applies to a text file: open one with > file first."))
        self._forget_unsaved()
        for key, check in data.cleaning_checks.items():
            check.setChecked(key in options)
        wanted = {key: key in options for key in data.cleaning_checks}
        if (self._recipe().spec.get("cleaning") or {k: False for k in wanted}) == wanted:
            return None  # already cleaned so
        before = self.workspace.core.recipe
        data.apply_cleaning()
        return self._wait_for_data(before, lambda spec: (spec.get("cleaning") or {}) == wanted or not any(options))

    def _do_text(self, action, text):
        tokenize = self._panel("tokenize")
        tokenize.input.setPlainText(text)
        tokenize.refresh()

    def _do_tokenizer(self, action, kind, vocab_size=None):
        column = self._panel("tokenize").right
        self._recipe()
        column.set_settings(kind, vocab_size)
        column.train()

        def then():
            if column.tokenizer is None or column.tokenizer.kind != kind:
                raise ActionFailed(column.state_label.text()
                                   or translate("LessonRunner", "The tokenizer could not be trained."))
        return (lambda: not column.is_training()), then

    # --- actions: model and training -------------------------------------------------------------------
    def _do_preset(self, action, name):
        self._recipe()
        self._forget_unsaved()
        model = self._panel("model")
        model.apply_preset(name)
        if model.banner.level == "error":
            raise ActionFailed(model.banner.text())

    def _do_model(self, action):
        self._recipe()
        self._forget_unsaved()
        self.workspace.set_model_config(**action.options)

    def _do_train(self, action, steps):
        self._recipe()
        train = self._panel("train")
        if self.max_train_steps:
            steps = min(steps, self.max_train_steps)
        self.workspace.set_train_config(max_steps=steps, **action.options)  # a short run: a short warm-up
        before = self.workspace.core.trained_steps
        train.start()
        if train.run is None:
            raise ActionFailed(train.banner.text() or translate("LessonRunner", "Training could not start."))

        def then():
            if train.state == "diverged":
                self.notice.emit(translate("LessonRunner", "Training diverged: the model went back to its last "
                                                           "good evaluation, at step {step}.").format(
                    step=self.workspace.core.trained_steps))
            elif self.workspace.core.trained_steps <= before:
                raise ActionFailed(train.banner.text()
                                   or translate("LessonRunner", "Training stopped before its first step."))
        return (lambda: train.run is None), then, None

    # --- actions: the inspector ------------------------------------------------------------------------
    def _do_trace(self, action, text, output_so_far=""):
        inspect = self._panel("inspect")
        recipe = self._recipe()
        if output_so_far and not isinstance(recipe.task, PairTask):
            raise ActionFailed(translate("LessonRunner", "Only a source → target task takes the output so far; "
                                                         "this data is one text."))
        inspect.text.setText(text)
        inspect.prefix.setText(output_so_far)
        inspect.trace_input()
        if not inspect.is_tracing():
            raise ActionFailed(inspect.banner.text() or translate("LessonRunner", "Nothing to trace."))

        def then():
            if inspect.inspection is None or inspect.banner.level == "error":
                raise ActionFailed(inspect.banner.text() or translate("LessonRunner", "Tracing failed."))
        return (lambda: not inspect.is_tracing()), then

    def _inspection(self):
        inspect = self._panel("inspect")
        if inspect.inspection is None:
            raise ActionFailed(translate("LessonRunner", "Nothing is traced yet: put a > trace line before this one."))
        return inspect

    def _do_stage(self, action, name):
        inspect = self._inspection()
        names = [r.name for r in inspect.records()]
        if name in names:
            inspect.go_to(names.index(name))
        elif name in inspect.inspection.trace.groups():
            inspect.jump_to_group(name)
        else:
            raise ActionFailed(translate("LessonRunner", "This model has no stage {name}; its stages are: "
                                                         "{names}").format(
                name=name, names=", ".join(names)))

    def _do_head(self, action, head):
        inspect = self._inspection()
        n_head = self._recipe().model.n_head
        if head > n_head:
            raise ActionFailed(translate("LessonRunner", "This model has {n} heads: there is no head {head}.").format(
                n=n_head, head=head))
        detail = inspect.detail
        if detail.head_box.isVisibleTo(detail):
            detail.head_box.setValue(head)
        else:
            detail.set_head(head - 1)

    def _do_cell(self, action, row, col):
        detail = self._inspection().detail
        rows, cols = detail.heatmap.values.shape
        if row >= rows or col >= cols:
            raise ActionFailed(translate("LessonRunner", "This stage is {rows} × {cols}: it has no cell "
                                                         "({row}, {col}).").format(
                rows=rows, cols=cols, row=row, col=col))
        detail.select_cell(row, col)

    def _do_view(self, action, name):
        if name in TOKENIZE_TABS:
            self._panel("tokenize").right.tabs.setCurrentIndex(TOKENIZE_TABS[name])
            return
        detail = self._inspection().detail
        index = VIEW_TABS[name]
        if not detail.tabs.isTabVisible(index):
            raise ActionFailed(translate("LessonRunner", "This stage has no “{view}” view: choose another stage "
                                                         "first.").format(
                view=detail.tabs.tabText(index)))
        detail.tabs.setCurrentIndex(index)

    # --- actions: generation ------------------------------------------------------------------------------
    def _do_temperature(self, action, value):
        self._panel("generate").temperature.setValue(value)

    def _do_top_k(self, action, value):
        self._panel("generate").top_k.setValue(value)

    def _do_top_p(self, action, value):
        self._panel("generate").top_p.setValue(value)

    def _do_greedy(self, action, on):
        self._panel("generate").greedy.setChecked(on)

    def _do_max_tokens(self, action, value):
        self._panel("generate").max_tokens.setValue(value)

    def _do_seed(self, action, value):
        self._panel("generate").seed.setValue(value)

    def _do_generate(self, action, text):
        generate = self._panel("generate")
        self._recipe()
        if generate.is_pair_task():
            generate.source.setText(text)
        else:
            generate.prompt.setPlainText(text)
        generate.generate()
        if not generate.is_generating():
            raise ActionFailed(generate.banner.text() or translate("LessonRunner", "Nothing was generated."))

        def then():
            if generate.banner.level == "error":
                raise ActionFailed(generate.banner.text())
            self.generated.emit({"prompt": text, "output": generate.output_text(),
                                 **generate.sampling.settings()})
        return (lambda: not generate.is_generating()), then

    # --- actions: evaluation --------------------------------------------------------------------------------
    def _do_evaluate(self, action, n_examples=200):
        recipe = self._recipe()
        task = recipe.task
        if not isinstance(task, PairTask) or not task.labels:
            raise ActionFailed(translate("LessonRunner", "> evaluate needs a dataset with labels, such as sentiment."))
        model = copy.deepcopy(self.workspace.core.ensure_model())
        job = Job(lambda: label_report(model, task, n_examples))
        result: dict = {}
        job.result.connect(result.update)
        job.error.connect(lambda message, _details: result.update(error=message))
        job.finished.connect(lambda: result.setdefault("finished", True))
        self._job = job
        job.start()

        def then():
            self._job = None
            if "error" in result:
                raise ActionFailed(result["error"])
            self.report_ready.emit(result)
        return (lambda: "finished" in result), then

