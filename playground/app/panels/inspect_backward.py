"""The Inspect panel's Backward mode: one training step on the inspected example, stepped through like the forward pass.

``BackwardMode`` is mixed into ``InspectPanel``: a Forward / Backward switch beside the
stepper, a backward trace in a worker (``core.backward.backward_trace`` on a copy of
``inspected_model()``, with the trainer's optimizer state and settings), and "Apply this
step", the only thing here that changes the user's model.
"""

import functools
import logging

from PySide6.QtWidgets import QButtonGroup, QPushButton, QStackedWidget

from ...core.backward import checked_targets, pair_example, targets_for
from ...core.errors import ConfigError, PlaygroundError
from ...core.tasks import PairTask
from ..numbers import format_count
from ..widgets import backward_views
from ..widgets.backward_detail import BackwardDetail, backward_in_worker
from ..worker import Job

log = logging.getLogger(__name__)


class BackwardMode:
    """Mixin for InspectPanel: ``mode`` is "forward" or "backward"; ``backward`` the last BackwardInspection."""

    def _build_backward(self) -> QStackedWidget:
        """The mode buttons (``forward_button``, ``backward_button``) and the stack of the two details."""
        self.mode = "forward"
        self.backward = None
        self._backward_from = None  # (model, trained steps) the step was recorded from
        self._indices = {}  # mode -> the stage it showed last
        self.forward_button = QPushButton(self.tr("Forward"))
        self.forward_button.setToolTip(self.tr("Step through the forward pass: from tokens to the next-token "
                                               "probabilities"))
        self.backward_button = QPushButton(self.tr("Backward"))
        self.backward_button.setToolTip(self.tr("Step through one training step on this input: the loss, the "
                                                "gradients flowing back and the optimizer's update"))
        self.mode_buttons = QButtonGroup(self)
        for button, mode in ((self.forward_button, "forward"), (self.backward_button, "backward")):
            button.setCheckable(True)
            button.clicked.connect(functools.partial(self.set_mode, mode))
            self.mode_buttons.addButton(button)
        self.forward_button.setChecked(True)
        self.backward_detail = BackwardDetail()
        self.backward_detail.apply_requested.connect(self.apply_backward_step)
        self.backward_detail.parameter_requested.connect(self.go_to_parameter)
        self.details = QStackedWidget()
        self.details.addWidget(self.detail)
        self.details.addWidget(self.backward_detail)
        return self.details

    def active_detail(self):
        return self.backward_detail if self.mode == "backward" else self.detail

    def shown(self):
        """What the stepper walks: the forward Inspection, or the BackwardInspection in the Backward mode."""
        return self.backward if self.mode == "backward" else self.inspection

    def set_mode(self, mode: str) -> None:
        """Switch between the forward and the backward pass; trace the input when that pass is not recorded yet."""
        self._indices[self.mode] = self.index
        self.mode = mode
        (self.backward_button if mode == "backward" else self.forward_button).setChecked(True)
        self.details.setCurrentWidget(self.active_detail())
        shown = self.shown()
        # recorded from the weights the model had then, and trained on since: traced again, as the other pass was
        if shown is not None and self._same_input(shown) and self._outdated() is None:
            self._set_stages(self._shown_groups())
            self.index = min(self._indices.get(mode, 0), len(self.records()) - 1)
            self.show_current()
            self._show_status()  # its own step, not the other pass's
        else:
            self.records_list.clear()
            self._set_stages([])
            self.show_nothing_new()
            if self.task() is not None:
                self.trace_input()
        self._update_enabled()

    def _same_input(self, shown) -> bool:
        try:
            return self.model_inputs() == (shown.ids, shown.src_ids)
        except PlaygroundError:
            return False

    def _shown_groups(self) -> list[str]:
        shown = self.shown()
        return shown.backward.groups() if self.mode == "backward" else shown.trace.groups()

    # --- tracing ---------------------------------------------------------------------------------
    def trace_backward(self, at_step: int | None, ids: list[int], src_ids: list[int] | None) -> None:
        """Record one training step on this input in a worker, from the trainer's optimizer state if it has one;
        on the model at the slider's snapshot ``at_step`` (None: the model now), copied in the worker."""
        core = self.workspace.core
        trainer = core.trainer
        state = {k: v.clone() for k, v in trainer.optimizer.state_dict().items()} if trainer is not None else None
        cfg = trainer.cfg if trainer is not None else core.recipe.train
        task, step = core.recipe.task, core.trained_steps
        try:  # refused here, as a warning: a worker would fail with "Running one training step…" left on screen
            ids, src_ids, targets = self._example(task, ids, src_ids)
            targets = checked_targets(targets if targets is not None else targets_for(task, ids, src_ids), ids)
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning")
            self.show_nothing_new()
            return
        self._generation += 1
        self._steps_at = step if at_step is None else at_step  # the weights the step starts from
        # a snapshot's step is not applied; taken on when the step is in (a pass still shown is of the weights before)
        self._backward_tracing_from = (core.model if at_step is None else None, step)
        self._tracing_from = (core.model, step) if at_step is None else None
        job = Job(lambda: backward_in_worker(self.inspected_model(at_step), task, ids, src_ids, state, cfg, step,
                                                targets))
        job.result.connect(functools.partial(self._on_backward_result, self._generation))
        job.error.connect(functools.partial(self._on_error, self._generation))
        job.finished.connect(functools.partial(self._on_finished, self._generation))
        self._tracing = True
        self.run_job(job)
        self._update_enabled()
        self.status_label.setText(self.tr("Running one training step on a copy of the model…"))

    def show_nothing_new(self) -> None:
        """After a refusal or a failed trace: no "Running…" left on the status line, and no "stage 1 of 64"
        over a pass that shows no stage."""
        if self.stage_buttons.buttons():  # a pass is on screen
            self.status_label.setText(self.tr("Nothing new was recorded: the stages shown are from the last trace."))
        else:
            self.position_label.setText("")
            self.status_label.setText("")

    def _example(self, task, ids, src_ids):
        """(ids, src_ids, targets): a pair task's source with no answer typed trains on the task's own answer
        when the source is one of its examples (else on the typed answer, empty: ``<eos>`` at once)."""
        if isinstance(task, PairTask) and not (self.prefix.isVisibleTo(self) and self.prefix.text()):
            try:
                return pair_example(task, self.text.text())
            except ConfigError:
                pass
        return ids, src_ids, None

    def _on_backward_result(self, generation: int, inspection) -> None:
        if generation != self._generation:
            return
        name = self.current_record().name if self.backward is not None and self.mode == "backward" else None
        self.backward = inspection
        self._recorded["backward"], self._recorded_step["backward"] = self._tracing_from, self._steps_at
        self._backward_from = self._backward_tracing_from
        self.backward_detail.set_backward(inspection, self.task().tokenizer)
        if self.mode != "backward":
            return
        self._set_stages(inspection.backward.groups())
        names = inspection.backward.names()
        self.index = names.index(name) if name in names else 0
        self.show_current()
        self._show_status()

    def _backward_status(self) -> str:
        n = len(self.backward.backward.records)
        if self.workspace.core.pretrained:
            return self.tr("{n} backward stages from the pretrained weights.").format(n=n)
        return self.tr("{n} backward stages from the weights at step {step}.").format(
            n=n, step=format_count(self._recorded_step["backward"]))

    def go_to_parameter(self, name: str) -> None:
        """The stage of one weight's gradient (a row of the gradient norms)."""
        names = [r.name for r in self.records()]
        if f"param.{name}" in names:
            self.go_to(names.index(f"param.{name}"))
            self.backward_detail.tabs.setCurrentIndex(0)  # its gradient's heatmap
            optimizer = self.backward_detail.optimizer
            if optimizer.element()[0] != name:
                optimizer.choose(name, (0, 0))

    # --- applying ----------------------------------------------------------------------------------
    def apply_backward_step(self) -> None:
        """After asking: copy the recorded step into the user's model (and the trainer's moments); retrace."""
        core, inspection = self.workspace.core, self.backward
        if inspection is None:
            return
        if self.workspace.training_active:
            self.banner.show_message(self.tr("Pause or stop training first: the trainer is changing these "
                                             "weights."), "warning")
            return
        if self._backward_from[0] is None:
            self.banner.show_message(self.tr("This step was taken on the model of an earlier training step: move "
                                             "the training-step slider to the right end (now), then apply."),
                                     "warning")
            return
        if self._backward_from != (core.model, core.trained_steps):
            self.banner.show_message(self.tr("The model has changed since this step was recorded: press Trace, "
                                             "then apply."), "warning")
            return
        bt = inspection.backward
        if not backward_views.confirm_apply_step(self, bt.loss_before, bt.loss_after):
            return
        try:
            row = core.apply_backward_step(bt)  # the model's next training step, counted and in the history
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning")
            return
        self.workspace.training_record.emit(row)  # the status bar's step count
        self.workspace.model_changed.emit()  # every view of the model (and this panel) starts again; Train redraws
        self.trace_input()
        self.banner.show_message(self.tr("Applied one step: the loss on this example went from {before} to "
                                         "{after}. The model is not saved.").format(
            before=f"{bt.loss_before:.4f}", after=f"{bt.loss_after:.4f}"), "info")
