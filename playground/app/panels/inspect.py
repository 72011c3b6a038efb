"""The Inspect panel: step through one forward pass of the user's model, stage by stage, like a debugger.

Tracing runs in a worker on a snapshot (a copy) of the model, as Generate samples: training
may go on, and switched-off heads never touch the model the trainer or Generate use. The
panel only shows what ``core.trace`` recorded (see ``core/inspect.py``). Its training-step
slider replays the same input with the weight snapshots kept during training
(``core/snapshots.py``); ``inspected_model()`` is the one place every view gets its model from.
"""

import functools
import logging

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPushButton, QScrollArea, QSpinBox, QSplitter, QStyle, QVBoxLayout, QWidget)

from ...core.errors import PlaygroundError
from ...core.inspect import inspect, inspect_inputs, next_text, token_counts
from ...core.lens import logit_lens
from ...core.prompts import SNIPPET_TOKENS, held_out_line, snippet
from ...core.snapshots import replay_inspection
from ...core.tasks import PairTask
from ...core.trace import check_inputs, group_title
from ..numbers import format_count, format_probability
from ..panel_turns import told_in_turns
from ..presentation import mark_advanced
from ..training import TRAINING_NICE, lower_thread_priority
from ..widgets.banner import Banner
from ..widgets.elided_label import ElidedLabel
from ..widgets.head_toggles import HeadToggles
from ..widgets.heldout_ablation import HeldoutAblation
from ..widgets.lens_views import LensTabs
from ..widgets.stage_detail import StageDetail, attention_prefix
from ..widgets.step_slider import TrainingStepSlider
from ..widgets.token_stream import quoted
from ..worker import Job
from .base import Panel
from .inspect_backward import BackwardMode

log = logging.getLogger(__name__)
RECORDS_WIDTH = 120  # the records list's least width, whatever the panel's
RECORDS_SHARE = 0.34  # the most of the panel's width it takes to show its longest name whole
INPUT_ROOM = 40  # widths of "0" the source and output-so-far boxes share at least beside the live refresh
TEXT_ROOM = 24  # the same for a text alone: its snippet, or a short sentence typed


def inspect_in_worker(make_model, tokenizer, ids, src_ids, ablated, task=None, snapshots=None):
    """The inspection, in a worker, of the model ``make_model()`` gives (copying a snapshot happens here too);
    with ``snapshots``, the embedding map keeps one frame across the training steps."""
    lower_thread_priority(TRAINING_NICE)
    model = make_model()
    inspection = replay_inspection(model, snapshots, tokenizer, ids, src_ids, ablated) if snapshots is not None \
        else inspect(model, tokenizer, ids, src_ids, ablated)
    if inspection.model.cfg.family != "lstm":  # an LSTM has no residual stream of layers to look through
        inspection.lens = logit_lens(inspection.model, inspection.trace)
    if task is not None:  # the embedding map labels the most frequent tokens
        inspection.token_counts = token_counts(task, model.tok_emb.weight.shape[0])
    return inspection


class InspectPanel(BackwardMode, Panel):
    """Input, the pipeline of stages, the records of the current stage and its detail."""

    name = "inspect"

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self.inspection = None
        self.index = 0  # the current record
        self._generation = 0
        self._tracing = False
        self._live_step = 0
        self._replay_pending = False  # the training step changed while a trace ran: trace again when it ends
        self._catch_up_pending = None  # (while_training,): catch up once the trace that runs is in
        self._tracing_from = None  # (model, trained steps) of the weights "now" the running trace copies, or None
        self._recorded = {}  # mode -> (model, trained steps) its pass was recorded from, when traced "now"
        self._recorded_step = {}  # mode -> the training step of the weights its pass was recorded from
        self._sample = ""  # the input put in the box, not typed: new data replaces it with an input of its own
        self._build()
        workspace.data_changed.connect(self._on_data_changed)
        workspace.model_changed.connect(self._on_workspace_changed)
        workspace.training_record.connect(self._on_training_record)
        workspace.training_state.connect(self._on_training_state)
        self._on_workspace_changed()

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("InspectPanel", "Inspect")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("InspectPanel", "Step through the model stage by stage")

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner()
        self.notice = QLabel()  # what the model has no stage for (an LSTM: attention), from the core
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.stage_row = QHBoxLayout()
        self.stage_row.setContentsMargins(4, 2, 4, 2)
        self.stage_buttons = QButtonGroup(self)
        self.stage_buttons.setExclusive(True)
        self.stage_scroll = self._build_strip()
        self.records_list = QListWidget()
        self.records_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.records_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.records_list.currentRowChanged.connect(self._on_record_row)
        self.detail = StageDetail()
        self.toggles = HeadToggles()
        self.toggles.changed.connect(self.trace_input)
        self.before_after = QLabel()
        self.before_after.setWordWrap(True)
        self.before_after.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        interventions = QWidget()
        column = QVBoxLayout(interventions)
        column.addWidget(self.toggles)
        column.addWidget(self.before_after)
        self.heldout = HeldoutAblation()
        column.addWidget(self.heldout, 1)
        scroll = QScrollArea()  # three attention modules of buttons are taller than the tab in large text
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(interventions)
        self.detail.tabs.addTab(scroll, self.tr("Switch heads off"))
        self.lens = LensTabs()
        self.detail.tabs.addTab(self.lens, self.tr("Lens"))
        split = QSplitter()
        split.addWidget(self.records_list)
        split.addWidget(self._build_backward())  # the forward detail and the Backward mode's
        split.setSizes([220, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addWidget(self._build_input())
        stepper = self._build_stepper()
        strip = QHBoxLayout()  # Forward | Backward  ◀ [Input → Embedding → …] ▶: the strip scrolls, so a narrow window fits
        strip.addWidget(self.forward_button)
        strip.addWidget(self.backward_button)
        strip.addSpacing(8)
        strip.addWidget(self.previous_button)
        strip.addWidget(self.stage_scroll, 1)
        strip.addWidget(self.next_button)
        layout.addLayout(stepper)
        layout.addLayout(strip)
        layout.addWidget(split, 1)
        for key, delta in (("Left", -1), ("Right", 1)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(functools.partial(self.step, delta))
            self.addAction(action)

    def _build_strip(self) -> QScrollArea:
        """The pipeline's stages in one row that scrolls sideways: a deep model never squeezes its buttons."""
        strip = QWidget()
        strip.setLayout(self.stage_row)
        scroll = QScrollArea()
        scroll.setWidget(strip)
        scroll.setWidgetResizable(True)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        margins = self.stage_row.contentsMargins()
        scroll.setFixedHeight(QPushButton("Ag").sizeHint().height() + margins.top() + margins.bottom()
                              + scroll.horizontalScrollBar().sizeHint().height() + 2 * scroll.frameWidth())
        scroll.viewport().installEventFilter(self)  # its width is known only once Qt has laid the panel out
        return scroll

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.stage_scroll.viewport():
            self._fit_strip()
        return super().eventFilter(watched, event)

    def _build_input(self) -> QGroupBox:
        self.input_box = QGroupBox(self.tr("Input"))
        self.input_row = QHBoxLayout(self.input_box)  # the live refresh goes to the stepper's row when narrow
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("A text to trace, like those the model was trained on"))
        self.text.returnPressed.connect(self.trace_input)
        self.prefix_caption = QLabel(self.tr("Output so far"))
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText(self.tr("optional: the start of the answer"))
        self.prefix.returnPressed.connect(self.trace_input)
        self.trace_button = QPushButton(self.tr("Trace"))
        self.trace_button.setToolTip(self.tr("Run one forward pass on a snapshot of the weights and record every stage"))
        self.trace_button.clicked.connect(self.trace_input)
        self.next_token_button = QPushButton(self.tr("Next token"))
        self.next_token_button.setToolTip(self.tr("Append the model's most likely next token and trace again"))
        self.next_token_button.clicked.connect(self.next_token)
        # beside Trace, and shorter in the stepper's row (the long one on hover)
        self._live_texts = (self.tr("Refresh while training, every"), self.tr("Refresh every"))
        self.live = QCheckBox(self._live_texts[0])
        self.live_steps = QSpinBox()
        self.live_steps.setRange(1, 100_000)
        self.live_steps.setValue(50)
        self.live_steps.setSuffix(self.tr(" steps"))
        for widget, stretch in ((self.text, 2), (self.prefix_caption, 0), (self.prefix, 1), (self.trace_button, 0),
                                (self.next_token_button, 0), (self.live, 0), (self.live_steps, 0)):
            self.input_row.addWidget(widget, stretch)
        mark_advanced(self.live, self.live_steps)  # presentation mode hides them
        return self.input_box

    def _fit_input(self) -> None:
        """The live refresh beside Trace when the row leaves the input boxes room enough, else at the end of the
        stepper's row with a shorter label (a row of its own would cost the heatmaps their height): squeezed beside
        Trace, the output so far of a lesson (三万零五百一十七) showed as its last three characters."""
        row = self.input_row
        moving = [w for w in (self.live, self.live_steps) if not w.isHidden()]
        fixed = [w for w in (self.prefix_caption, self.trace_button, self.next_token_button, *moving)
                 if not w.isHidden()]
        outer, inner = self.layout().contentsMargins(), self.input_box.layout().contentsMargins()
        frame = self.input_box.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        width = self.width() - outer.left() - outer.right() - inner.left() - inner.right() - 2 * frame
        used = sum(self._live_width() if w is self.live else w.sizeHint().width() for w in fixed) \
            + row.spacing() * (len(fixed) + 1)
        room = INPUT_ROOM if not self.prefix.isHidden() else TEXT_ROOM
        beside = width - used >= room * self.text.fontMetrics().horizontalAdvance("0")
        if beside == (row.indexOf(self.live) >= 0):
            return
        for widget in (self.live, self.live_steps):
            (self.stepper_row if beside else row).removeWidget(widget)
            (row if beside else self.stepper_row).addWidget(widget)
        self.live.setText(self._live_texts[0 if beside else 1])
        self.live.setToolTip("" if beside else self._live_texts[0])

    def _live_width(self) -> int:
        """The live refresh's width with its long label, wherever it is now (else the choice would swing)."""
        style = self.live.style()
        return (self.live.fontMetrics().horizontalAdvance(self._live_texts[0]) + 5
                + style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing))

    def _build_stepper(self) -> QHBoxLayout:
        row = self.stepper_row = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("◀ Previous"))
        self.previous_button.setToolTip(self.tr("The previous stage (Left arrow)"))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.setToolTip(self.tr("The next stage (Right arrow)"))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.position_label = QLabel()
        self.status_label = ElidedLabel()  # one line: two would cost the heatmaps their height
        status = QHBoxLayout()  # "stage 1 of 64 · " and the status read as one line: one space apart, not a gap
        status.setSpacing(0)
        status.addWidget(self.position_label)
        status.addWidget(self.status_label, 1)
        row.addLayout(status, 2)  # before the slider: a status that says the pass is older than the model
        self.step_slider = TrainingStepSlider()  # in this row: a row of its own costs the heatmaps their height
        self.step_slider.busy = self.is_tracing
        self.step_slider.step_chosen.connect(self._on_training_step)
        row.addWidget(self.step_slider, 1)
        # presentation mode: the stage's title says where we are, and the whole row's height goes to the heatmap
        mark_advanced(self.position_label, self.status_label, self.step_slider)
        return row

    # --- the task decides the inputs -------------------------------------------------------------
    def task(self):
        recipe = self.workspace.core.recipe
        return recipe.task if recipe is not None else None

    @told_in_turns
    def _on_workspace_changed(self) -> None:
        self.shutdown()
        task = self.task()
        pairs = isinstance(task, PairTask)
        self.input_box.setTitle(self.tr("Source") if pairs else self.tr("Text"))
        self.prefix_caption.setVisible(pairs)
        self.prefix.setVisible(pairs)
        self._fit_input()
        self._show_sample(task)
        self.inspection = self.backward = None
        self._recorded, self._recorded_step = {}, {}
        self.records_list.clear()
        self._set_stages([])
        self.position_label.setText("")
        self.status_label.setText(self.tr("Type an input and press Trace.") if task else
                                  self.tr("Choose a dataset in the Data panel first."))
        self.refresh_steps()
        self._update_enabled()

    def _show_sample(self, task) -> None:
        """An input to trace in place of the one put here before, unless the user typed their own: a pair task's
        first held-out source, or a short snippet of the user's text file (a passage a third of the way in, cut
        to a few words), or of a built-in text's held-out line."""
        if task is None or self.text.text() not in ("", self._sample):
            return
        if isinstance(task, PairTask):
            sample = task.val_pairs[0][0] if task.val_pairs else ""
        else:
            recipe = self.workspace.core.recipe
            sample = snippet(recipe.spec.get("passage") or held_out_line(task), task.tokenizer,
                             min(SNIPPET_TOKENS, recipe.model.block_size)) or ""
        if sample != self.text.text():
            self.text.setText(sample)
        self._sample = sample

    @told_in_turns
    def _on_data_changed(self) -> None:
        """A new task (a lesson may switch it): a source it takes, and what was shown traced again on the new one,
        so the panel never shows the old task's pictures under the new one's name."""
        shown = self.inspection is not None or self.backward is not None
        self._on_workspace_changed()
        task = self.task()
        if isinstance(task, PairTask) and task.val_pairs:
            try:
                task.check_source(self.text.text())
            except PlaygroundError:
                self._sample = task.val_pairs[0][0]
                self.text.setText(self._sample)
                self.prefix.clear()
        if shown and task is not None:  # after the model_changed that follows a new task, which clears the panel
            QTimer.singleShot(0, self, self._trace_new_task)

    def _trace_new_task(self) -> None:
        if self.task() is not None and not self.is_tracing() and self.inspection is None:
            self.trace_input()

    def model_inputs(self) -> tuple[list[int], list[int] | None]:
        return inspect_inputs(self.task(), self.text.text(), self.prefix.text() if self.prefix.isVisibleTo(self) else "")

    # --- the model across its training -------------------------------------------------------------
    def inspected_step(self) -> int | None:
        """The training step the slider replays: a snapshot's step, or None for the model as it is now."""
        return self.step_slider.current()

    def inspected_model(self, step="slider"):
        """The model every Inspect view traces (the Backward mode too): the workspace's model, or a copy of
        it holding the snapshot of the slider's step (``step``: that step instead; None: the model now).

        A snapshot is copied here, which takes a moment on a large model: call it in a worker, with the
        step read in the UI thread (``trace_input`` does).
        """
        core = self.workspace.core
        step = self.inspected_step() if step == "slider" else step
        model = core.ensure_model()
        return model if step is None else core.snapshots.model_near(model, step)  # thinned meanwhile: the closest

    def refresh_steps(self) -> None:
        """Offer the workspace's snapshots on the slider (after an evaluation, a new model, a session)."""
        core = self.workspace.core
        self.step_slider.set_steps(core.snapshots.steps() if core.model is not None else [], core.trained_steps,
                                   pretrained=bool(core.pretrained))

    def _on_training_step(self, _step) -> None:
        """The slider moved: replay the same input at that step, one trace at a time, never waiting."""
        if self.task() is None:
            return
        if self._tracing:
            self._replay_pending = True
            return
        self.trace_input()

    # --- tracing ----------------------------------------------------------------------------------
    def trace_input(self) -> None:
        """Trace the input on a snapshot of the current weights, with the switched-off heads ablated."""
        core = self.workspace.core
        if core.recipe is None:
            return
        self.banner.clear()
        if not isinstance(core.recipe.task, PairTask) and not self.text.text():
            self.banner.show_message(self.tr("Type a few words to trace first: the model reads them and predicts "
                                             "the next token."), "warning")
            return
        try:
            if isinstance(core.recipe.task, PairTask):
                core.recipe.task.check_source(self.text.text())  # a built-in task says what it takes
            ids, src_ids = self.model_inputs()
            model = core.ensure_model()
            check_inputs(model.cfg, ids, src_ids)  # said at once, as a warning: no trace fails in a worker
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning")
            return
        if self.mode == "backward":
            self.trace_backward(self.inspected_step(), ids, src_ids)
            return
        self.toggles.set_modules([(name, m.n_head) for name, m in model.attention_modules()])
        tok, ablated = core.recipe.task.tokenizer, self.toggles.ablated()
        self._generation += 1
        self._replay_pending = False
        self.step_slider.blockSignals(True)  # the steps trained since the last evaluation; no second trace
        self.refresh_steps()
        self.step_slider.blockSignals(False)
        step = self.inspected_step()
        self._steps_at = self.step_slider.step_number()
        self._tracing_from = (core.model, self._steps_at) if step is None else None
        task, snapshots = core.recipe.task, core.snapshots if len(core.snapshots) else None
        job = Job(lambda: inspect_in_worker(lambda: self.inspected_model(step), tok, ids, src_ids, ablated, task,
                                            snapshots))
        job.result.connect(functools.partial(self._on_result, self._generation))
        job.error.connect(functools.partial(self._on_error, self._generation))
        job.finished.connect(functools.partial(self._on_finished, self._generation))
        self._tracing = True
        self.run_job(job)
        self._update_enabled()
        self.status_label.setText(self.tr("Tracing…"))

    def is_tracing(self) -> bool:
        """A trace runs, or the lens views are still being filled with the last one's (a few turns of the event loop)."""
        return self._tracing or self.lens.filling()

    def _on_result(self, generation: int, inspection) -> None:
        if generation != self._generation:
            return
        name = self.current_record().name if self.inspection is not None and self.mode == "forward" else None
        self.inspection = inspection
        self._recorded["forward"], self._recorded_step["forward"] = self._tracing_from, self._steps_at
        self.notice.setText(inspection.trace.notice or "")
        self.notice.setVisible(bool(inspection.trace.notice))
        self.detail.set_inspection(inspection, self.task().tokenizer)
        has_layers = inspection.model.cfg.family != "lstm"  # the lens reads a Transformer's residual stream
        self.detail.tabs.setTabVisible(self.detail.tabs.indexOf(self.lens), has_layers)
        if has_layers:
            self.lens.set_inspection(inspection, self.task().tokenizer)
        self.heldout.set_source(inspection.model, self.task(), inspection.ablated)
        if self.mode != "forward":
            return
        self._set_stages(inspection.trace.groups())
        names = inspection.trace.names()
        self.index = names.index(name) if name in names else 0
        self.show_current()
        self._show_before_after()
        self._show_status()

    def _forward_status(self) -> str:
        n = len(self.inspection.trace.records)
        if self.workspace.core.pretrained:  # a Hugging Face GPT-2: its weights were trained elsewhere, not at step 0
            return self.tr("{n} stages recorded from the pretrained weights.").format(n=n)
        return self.tr("{n} stages recorded from the weights at step {step}.").format(
            n=n, step=format_count(self._recorded_step["forward"]))

    def _on_error(self, generation: int, message: str, details: str) -> None:
        if generation == self._generation:
            log.warning("trace failed: %s\n%s", message, details)
            self.banner.show_message(self.tr("Tracing failed: {message}").format(message=message), "error")
            self.show_nothing_new()

    def _on_finished(self, generation: int) -> None:
        if generation == self._generation:
            self._tracing = False
            self._update_enabled()
            catch_up, self._catch_up_pending = self._catch_up_pending, None
            if self._replay_pending:
                self.trace_input()
            elif catch_up is not None:
                self.catch_up(*catch_up)

    def shutdown(self) -> None:
        self.cancel_job()
        self.heldout.cancel()
        self._generation += 1
        self._tracing = False
        self._catch_up_pending = None

    def _update_enabled(self) -> None:
        ready = self.task() is not None
        self.trace_button.setEnabled(ready)
        has = bool(self.records())
        for button in (self.previous_button, self.next_button):
            button.setEnabled(has)
        self.next_token_button.setEnabled(self.inspection is not None and self.mode == "forward")

    # --- stepping ----------------------------------------------------------------------------------
    def _set_stages(self, groups: list[str]) -> None:
        while self.stage_row.count():
            item = self.stage_row.takeAt(0)
            if item.widget() is not None:
                self.stage_buttons.removeButton(item.widget()) if isinstance(item.widget(), QPushButton) else None
                item.widget().hide()  # at once: deleteLater waits for the event loop, and a grab meanwhile drew it
                item.widget().deleteLater()
        self.group_buttons: dict[str, QPushButton] = {}
        for i, group in enumerate(groups):
            if i:
                self.stage_row.addWidget(QLabel("→"))
            button = QPushButton(group_title(group))
            button.setCheckable(True)
            button.clicked.connect(functools.partial(self.jump_to_group, group))
            self.stage_buttons.addButton(button)
            self.stage_row.addWidget(button)
            self.group_buttons[group] = button
        self.stage_row.addStretch(1)
        self._fit_strip()

    def _fit_strip(self) -> None:
        """The stages' full names ("Decoder layer 2") where the strip shows every one, else short ones ("Layer 2",
        whole on hover): at 1280×720 a 4-layer model's Output was scrolled out of view. A deeper model still scrolls."""
        buttons = getattr(self, "group_buttons", {})
        if not buttons:
            return
        for group, button in buttons.items():
            button.setText(group_title(group))
        self.stage_row.invalidate()
        short = self.stage_row.sizeHint().width() > self.stage_scroll.viewport().width()
        for group, button in buttons.items():
            button.setText(self._short_title(group, buttons) if short else group_title(group))
            button.setToolTip(group_title(group) if short else "")

    def _short_title(self, group: str, groups) -> str:
        stack, _dot, index = group.partition(".")
        if not index.isdigit():
            return self.tr("Enc. output") if group == "memory" else group_title(group)
        i = int(index) + 1
        if stack == "lstm":
            return self.tr("LSTM {i}").format(i=i)
        if stack == "encoder":
            return self.tr("Enc. {i}").format(i=i)
        if any(g.startswith("encoder.") for g in groups):  # beside an encoder, "Layer 2" would not say whose
            return self.tr("Dec. {i}").format(i=i)
        return self.tr("Layer {i}").format(i=i)

    def records(self) -> list:
        shown = self.shown()
        if shown is None:
            return []
        return shown.backward.records if self.mode == "backward" else shown.trace.records

    def current_record(self):
        return self.records()[self.index]

    def step(self, delta: int) -> None:
        """Move to the next (+1) or previous (-1) recorded stage."""
        if self.records():
            self.go_to(max(0, min(len(self.records()) - 1, self.index + delta)))

    def go_to(self, index: int) -> None:
        self.index = index
        self.show_current()

    def jump_to_group(self, group: str) -> None:
        self.go_to(next(i for i, r in enumerate(self.records()) if r.group == group))

    def _elide_records(self) -> None:
        """The list is as wide as its longest name, up to a third of the panel ("Feed-forward hidden (GELU)" whole,
        not "Feed…LU)" beside a lesson on a projector); a name still longer is elided, whole in its tooltip."""
        fm = self.records_list.fontMetrics()
        row = QSize(1, fm.height() + 4)  # 1: no wider than the list
        widest = 0
        for i in range(self.records_list.count()):
            item = self.records_list.item(i)
            item.setSizeHint(row)
            item.setToolTip(item.text())
            widest = max(widest, fm.horizontalAdvance(item.text()))
        margins = 2 * self.records_list.frameWidth() + 24 + self.records_list.verticalScrollBar().sizeHint().width()
        self.records_list.setMinimumWidth(min(widest + margins, max(RECORDS_WIDTH, round(self.width() * RECORDS_SHARE))))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide_records()  # its widest share follows the panel
        self._fit_input()
        if self._outdated() is not None and not self._tracing:
            self._show_status()  # the note on how old the pass is, whole where it now fits

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "records_list"):
            QTimer.singleShot(0, self._elide_records)  # once the list has the new font
            QTimer.singleShot(0, self._fit_input)

    def show_current(self) -> None:
        record = self.current_record()
        self._show_stage_button(self.group_buttons[record.group])
        members = [i for i, r in enumerate(self.records()) if r.group == record.group]
        self.records_list.blockSignals(True)
        self.records_list.clear()
        self.records_list.addItems([self.record_title(self.records()[i]) for i in members])
        self._elide_records()
        self.records_list.setCurrentRow(members.index(self.index))
        self.records_list.blockSignals(False)
        self._group_members = members
        self.active_detail().show_record(record)
        if self.mode == "forward" and attention_prefix(record.name):
            self.lens.set_module(attention_prefix(record.name))
        position = self.tr("stage {i} of {n} ·").format(i=self.index + 1, n=len(self.records()))
        self.position_label.setText(position + " ")  # the one space after "·": the status follows with no gap
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.records()) - 1)

    def _show_stage_button(self, button: QPushButton) -> None:
        """Check the current stage's button and scroll the strip so that it is in view."""
        button.setChecked(True)
        # lay out new buttons and size the scroll bar now, not at the next turn of the event loop...
        self.stage_row.activate()
        QCoreApplication.sendEvent(self.stage_scroll, QEvent(QEvent.Type.LayoutRequest))
        self.stage_scroll.ensureWidgetVisible(button, 8, 0)
        # ...and again once Qt has laid out the panel (new buttons of a first trace have no geometry yet)
        QTimer.singleShot(0, self, functools.partial(self._scroll_to_current, button))

    def _scroll_to_current(self, button: QPushButton) -> None:
        if button.isChecked():  # still the current stage, and not deleted by a new trace
            self.stage_scroll.ensureWidgetVisible(button, 8, 0)

    def record_title(self, record) -> str:
        """Its title, marked "Source:" for the encoder's own embeddings (the decoder has the same stages)."""
        return self.tr("Source: {title}").format(title=record.title) if record.name.startswith("source.") \
            else record.title

    def _on_record_row(self, row: int) -> None:
        if row >= 0 and self.records():
            self.go_to(self._group_members[row])

    # --- generation step by step and interventions ---------------------------------------------------
    def next_token(self) -> None:
        """Append the greedy next token to the input, spaced as decoded text, and trace again.

        The greedy continuation is the sampler's (never <pad>, <unk>, <bos> or <sep>); a character
        split over byte tokens is appended whole.
        """
        if self.inspection is None:
            return
        greedy = self.inspection.greedy
        tok = self.task().tokenizer
        if not greedy:
            self.status_label.setText(self.tr("The context is full: no token can follow."))
            return
        if greedy[0] == tok.eos_id:
            self.status_label.setText(self.tr("The model ended the output with <eos>."))
            return
        box = self.prefix if self.prefix.isVisibleTo(self) else self.text
        text, _used = next_text(tok, self.inspection.ids, greedy, box.text())
        if not text or "\ufffd" in text:
            self.status_label.setText(self.tr("The model's next tokens are bytes that make no character, which "
                                              "text cannot hold: train the model more, or type the next character."))
            return
        box.setText(box.text() + text)
        if self.inspection.src_ids is not None:
            self.detail.pinned_row = len(self.inspection.ids)  # the new output token's cross-attention row
        self.trace_input()

    def _show_before_after(self) -> None:
        ins = self.inspection
        tok = self.task().tokenizer

        comma = self.tr(", ", "between the likeliest next tokens")

        def top(tr):
            return comma.join(f"“{tok.readable(tok.id_to_token(i))}” {format_probability(p)}"
                              for i, p in tr.top_k[:5])

        def text(ids):
            return quoted(tok.decode(ids)) if ids else "—"

        if ins.trace.notice:  # no heads to switch off
            self.before_after.setText("\n".join([ins.trace.notice, self.tr("Next token: {top}").format(
                top=top(ins.baseline)), self.tr("Greedy output: {text}").format(text=text(ins.greedy_baseline))]))
            return
        lines = [self.tr("All heads on — next token: {top}").format(top=top(ins.baseline)),
                 self.tr("All heads on — greedy output: {text}").format(text=text(ins.greedy_baseline))]
        if ins.ablated:
            change = float((ins.trace.logits - ins.baseline.logits).abs().max())
            lines += [self.tr("Heads switched off: {n} — next token: {top}").format(
                          n=sum(len(v) for v in ins.ablated.values()), top=top(ins.trace)),
                      self.tr("With heads off — greedy output: {text}").format(text=text(ins.greedy)),
                      self.tr("Largest change of a logit: {d}").format(d=f"{change:.4g}")]
        self.before_after.setText("\n".join(lines))

    def _on_training_record(self, row: dict) -> None:
        """Live: while training runs, trace again every N steps (never while a trace still runs); else the status
        says that the pass shown is older than the model, and a record that comes in after a pause catches up."""
        kind = row.get("kind")
        if kind in ("eval", "event"):  # a new snapshot, or training went back
            self.refresh_steps()
        elif kind == "step" and self.isVisible():
            self.step_slider.set_now(self.workspace.core.trained_steps)
        if self.live.isChecked() and kind == "step" and not self._tracing \
                and row["step"] - self._live_step >= self.live_steps.value():
            self._live_step = row["step"]
            self.trace_input()
        elif self.workspace.training_active:
            if self.isVisible() and not self._tracing and self._outdated() is not None:
                self._show_status()
        else:
            self.catch_up()  # the last steps' records arrive after "paused"

    def _on_training_state(self, state: str) -> None:
        """Training paused or stopped: the weights hold still, so the pass shown is traced again at them."""
        if state != "running":
            self.catch_up()

    # --- keeping up with the model ---------------------------------------------------------------------
    def _outdated(self) -> tuple[int, int] | None:
        """(the step the pass shown was recorded at, the model's step now) when it was traced from the weights as
        they were then, the slider still says "now", and training has moved them on since; else None."""
        recorded = self._recorded.get(self.mode) if self.shown() is not None else None
        if recorded is None or self.inspected_step() is not None:  # a step chosen on the slider is left alone
            return None
        core = self.workspace.core
        model, step = recorded
        return None if model is core.model and step == core.trained_steps else (step, core.trained_steps)

    def catch_up(self, while_training: bool = False) -> None:
        """Trace the pass shown again, in a worker, when the weights it was recorded from are no longer the
        model's (the old picture stays until the new one is ready): when the panel is shown (``while_training``)
        and when training pauses or stops. Not while training runs otherwise, nor over an input typed since."""
        if not self.isVisible() or self.task() is None or self._outdated() is None:
            return
        if self._tracing:
            self._catch_up_pending = (while_training,)  # once the trace that runs is in: it may be of older weights
        elif (self.workspace.training_active and not while_training) or not self._same_input(self.shown()):
            self._show_status()
        else:
            self.trace_input()

    def _show_status(self) -> None:
        """What the pass shown was recorded from; and when the model has trained on since, that it is older, and
        when it is traced again (left out in a narrow window, where it stays in the tooltip)."""
        if self.shown() is None:
            return
        outdated = self._outdated()
        if outdated is None:
            self.status_label.setText(self._backward_status() if self.mode == "backward" else self._forward_status())
            return
        step, now = (format_count(s) for s in outdated)
        if not self.workspace.training_active:
            text = self.tr("Recorded at step {step}; the model is now at step {now}: press Trace to see it.")
        elif self.live.isChecked():
            text = self.tr("Recorded at step {step}; the model is now at step {now}, traced again every {n} steps.")
        else:
            text = self.tr("Recorded at step {step}; the model is now at step {now}, traced again when training "
                           "pauses or stops.")
        text = text.format(step=step, now=now, n=format_count(self.live_steps.value()))
        short = self.tr("Recorded at step {step}; the model is now at step {now}.").format(step=step, now=now)
        fits = self.status_label.fontMetrics().horizontalAdvance(text) <= self.status_label.contentsRect().width()
        self.status_label.setText(text if fits else short)
        self.status_label.setToolTip(text)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Coming back to Inspect after training: the slider's "now" and the pass shown are the model's now."""
        super().showEvent(event)
        if self.task() is not None:
            self.refresh_steps()  # the steps trained while hidden (a step gone from the slider traces the nearest)
        self.catch_up(while_training=True)

    # --- sessions ------------------------------------------------------------------------------------
    def ui_state(self) -> dict:
        return {"inspect_text": self.text.text(), "inspect_prefix": self.prefix.text(), "inspect_mode": self.mode}

    def restore_ui_state(self, state: dict) -> None:
        self.text.setText(state.get("inspect_text", self.text.text()))
        self.prefix.setText(state.get("inspect_prefix", ""))
        mode = state.get("inspect_mode", "forward")  # sessions saved before it was kept: the forward pass
        if mode in ("forward", "backward") and mode != self.mode:
            self.set_mode(mode)  # as its button does: the input is traced in that mode
