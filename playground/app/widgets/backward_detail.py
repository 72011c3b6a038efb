"""BackwardDetail: the stage detail of the Backward mode, and the worker that records one training step.

The same heatmap, formula, shape and worked-numbers table as the forward ``StageDetail``
show each record of a ``core.backward.BackwardTrace``; its tabs add the loss per position,
∂L/∂logits at a position, A beside ∂L/∂A, the gradient norm of every weight and the
optimizer step of one weight element. Token labels come from the forward trace of the
same pass (``BackwardTrace.forward``).
"""

import html
from dataclasses import dataclass, field

import numpy as np
import torch
from PySide6.QtCore import Signal

from ...core.backward import backward_trace, logit_gradient, optimizer_step_detail, targets_for
from ...core.trace import axis_title
from .. import view_tables
from ..export import make_exportable
from ..training import TRAINING_NICE, lower_thread_priority
from .backward_views import (AttentionGradView, LogitGradTable, LossTable, OptimizerStepView, ParameterNormsTable,
                             optimizer_html, optimizer_tooltip)
from .stage_detail import StageDetail, attention_prefix
from .token_stream import quoted

TOP_TOKENS = 8  # ∂L/∂logits: the target and this many likeliest tokens
NO_TARGET_STAGES = ("loss", "update.loss")  # (position, 2), NaN at a position without a target: no loss there
OWN_SCALES = ("loss",)  # the loss (≈ 7) beside p(target) (≈ 0.001): each column coloured on its own scale


@dataclass
class BackwardInspection:
    """What the Backward mode shows for one input: the recorded step and what the views need around it."""

    backward: object  # core.backward.BackwardTrace
    ids: list[int]
    src_ids: list[int] | None
    targets: list[int]  # per decoder position, -100 where no loss is taken
    param_stats: dict = field(default_factory=dict)  # name -> (shape, ‖grad‖, ‖update‖/‖w‖), as recorded

    @property
    def trace(self):
        """The forward trace of the same pass: tokens, masks and attention weights for the labels."""
        return self.backward.forward


def backward_in_worker(model, task, ids, src_ids, optimizer_state, train_cfg, step, targets=None) -> BackwardInspection:
    """One recorded training step on a copy of ``model`` (``backward_trace`` never touches the model); the
    targets are the task's for ``ids`` unless given."""
    lower_thread_priority(TRAINING_NICE)
    targets = targets if targets is not None else targets_for(task, ids, src_ids)
    bt = backward_trace(model, ids, src_ids, targets, optimizer_state=optimizer_state,
                        train_cfg=train_cfg, step=step)
    norms, ratios = bt.get("param.norms").tensor.tolist(), bt.get("update.ratio").tensor.tolist()
    stats = {name: (tuple(grad.shape), norm, ratio)
             for (name, grad), norm, ratio in zip(bt.param_grads.items(), norms, ratios)}
    return BackwardInspection(bt, ids, src_ids, list(bt.targets), stats)


def attention_rows(view) -> tuple[list, list]:
    """A query × key heatmap's numbers for CSV, labelled as drawn."""
    corner = f"{axis_title('query')} \\ {axis_title('key')}"
    return view_tables.matrix_rows(view.values, view.row_labels, view.col_labels, corner)


def forward_name(name: str) -> str:
    """"grad.decoder.0.attn.weights" -> "decoder.0.attn.weights": the forward record a gradient belongs to."""
    return name[len("grad."):] if name.startswith("grad.") else name


class BackwardDetail(StageDetail):
    """StageDetail for backward records; tabs 4.. are the Backward mode's own views."""

    apply_requested = Signal()
    parameter_requested = Signal(str)  # go to the record of this weight's gradient

    def _build(self) -> None:
        super()._build()
        self.loss_table = LossTable()
        self.logit_table = LogitGradTable()
        self.attention_grad = AttentionGradView()
        self.norms = ParameterNormsTable()
        self.optimizer = OptimizerStepView()
        self.loss_tab = self.tabs.addTab(self.loss_table, self.tr("Loss per position"))
        self.logit_tab = self.tabs.addTab(self.logit_table, self.tr("∂L/∂logits"))
        self.attention_tab = self.tabs.addTab(self.attention_grad, self.tr("A beside ∂L/∂A"))
        self.norms_tab = self.tabs.addTab(self.norms, self.tr("Gradient norms"))
        self.optimizer_tab = self.tabs.addTab(self.optimizer, self.tr("Optimizer step"))
        for view, part in ((self.attention_grad.forward, "forward"), (self.attention_grad.gradient, "gradient")):
            make_exportable(view, lambda part=part: view_tables.stage_name(self, part),
                            lambda view=view: attention_rows(view))
        self.loss_table.position_chosen.connect(self.show_logit_gradient)
        self.norms.parameter_chosen.connect(self.parameter_requested)
        self.optimizer.element_changed.connect(self.show_optimizer_step)
        self.optimizer.apply_button.clicked.connect(self.apply_requested)
        self.logit_position = None

    # --- data ------------------------------------------------------------------------------------
    def set_backward(self, inspection: BackwardInspection, tokenizer) -> None:
        self.set_inspection(inspection, tokenizer)
        self.logit_position = None
        bt = inspection.backward
        self.norms.set_rows([(name, *stats) for name, stats in inspection.param_stats.items()])
        self.optimizer.set_parameters({name: tuple(g.shape) for name, g in bt.param_grads.items()})
        self.loss_table.set_rows(self.loss_rows(), float(bt.loss_before))
        self.optimizer.loss_label.setText(self.tr("Loss on this example: {before} before the step, {after} "
                                                  "after it.").format(before=f"{bt.loss_before:.4f}",
                                                                      after=f"{bt.loss_after:.4f}"))
        self.show_optimizer_step(*self.optimizer.element())

    @property
    def backward(self):
        return self.inspection.backward

    def loss_rows(self) -> list[tuple[int, str, str, float, float]]:
        """(position, input token, target, p(target), −log p(target)) from the recorded "loss" stage."""
        loss = self.backward.get("loss").tensor
        ids = self.inspection.ids
        rows = []
        for pos, target in enumerate(self.inspection.targets):
            if target < 0:
                continue
            value, p = float(loss[pos, 0]), float(loss[pos, 1])
            rows.append((pos, self.token_text(ids[pos]), self.token_text(target), p, value))
        return rows

    def labels_for(self, axis: str, record) -> list[str] | None:
        """Token labels along an axis, only when its length matches the tokens (a weight's rows are not tokens);
        the two columns of the loss stages by what they hold."""
        if axis == "loss_probability":
            return [self.tr("loss"), self.tr("p(target)")]
        if axis == "before_after":
            return [self.tr("before"), self.tr("after")]
        if axis == "parameter":
            return list(self.backward.param_grads)
        if record.name == "grad.source_stream_norms":  # positions of the source
            record = _Named("source.stream_norms", record)
        if record.name.startswith("param."):
            size = record.tensor.size(record.axes.index(axis))
            vocab = axis == "token" and size == self.backward.forward.logits.size(-1)
            return [self.token_text(i) for i in range(size)] if vocab else None
        like = record if not record.name.startswith("grad.") else _Named(forward_name(record.name), record)
        labels = super().labels_for(axis, like)
        if labels is not None and axis in record.axes:
            size = record.tensor.size(record.axes.index(axis))
            return labels if len(labels) == size else None
        return labels

    @staticmethod
    def colour_scale(record) -> tuple[bool, float | None]:
        """Gradients and weights around 0; losses, probabilities and norms from 0."""
        if record.name in ("loss", "grad.stream_norms", "grad.source_stream_norms", "grad.embed.rows", "param.norms",
                           "update.ratio", "update.loss"):
            return False, None
        return True, None

    def _masked_for(self, record) -> np.ndarray | None:
        if record.name in NO_TARGET_STAGES:  # a position without a target has no loss: drawn grey, not as a number
            return record.tensor.isnan().numpy()
        return super()._masked_for(_Named(forward_name(record.name), record))

    def column_scales(self, record) -> bool:
        return record.name in OWN_SCALES

    def _without_target(self, row: int, col: int) -> bool:
        """Whether a cell of the loss stages is at a position without a target (NaN: no loss is taken there)."""
        if self.record is None or self.record.name not in NO_TARGET_STAGES:
            return False
        m = self.record.tensor
        return row < m.size(0) and col < m.size(1) and bool(m[row, col].isnan())

    def no_target_text(self, pos: int) -> str:
        return self.tr("Position {pos} “{token}” has no target: no loss is taken there.").format(
            pos=pos, token=quoted(self.token_text(self.inspection.ids[pos])))

    # --- tabs ------------------------------------------------------------------------------------
    def show_record(self, record) -> None:
        super().show_record(record)
        attention = record.name.startswith("grad.") and attention_prefix(forward_name(record.name)) is not None \
            and record.axes == ("head", "query", "key")
        for tab in (1, 2, 3):  # the forward tabs: all heads, next token, embedding map
            self.tabs.setTabVisible(tab, False)
        self.tabs.setTabVisible(self.logit_tab, record.name in ("loss", "grad.logits"))
        self.tabs.setTabVisible(self.attention_tab, attention)
        if not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentIndex(0)
        if attention:
            self._show_attention_grad()
        if record.name in ("loss", "grad.logits"):
            self.show_logit_gradient(self.logit_position if self.logit_position is not None else self._first_target())

    def _show_heads(self, prefix: str) -> None:
        pass  # the forward tabs stay hidden; A beside ∂L/∂A is drawn by show_record

    def _show_lines(self, prefix: str) -> None:
        if self.tabs.isTabVisible(self.attention_tab):
            self._show_attention_grad()

    def show_probabilities(self) -> None:
        pass

    def _show_embedding_map(self) -> None:
        pass

    def _show_attention_grad(self) -> None:
        record = self.record
        forward = self.inspection.trace.get(forward_name(record.name))
        head = min(self.head, record.tensor.size(0) - 1)
        self.attention_grad.set_head(head, forward.tensor[head].numpy(), record.tensor[head].numpy(),
                                     self.labels_for("query", record), self.labels_for("key", record),
                                     self._masked_for(record))

    def _first_target(self) -> int:
        return next((i for i, t in enumerate(self.inspection.targets) if t >= 0), 0)

    def show_logit_gradient(self, pos: int) -> None:
        """softmax, one-hot and the recorded ∂L/∂z at position ``pos``, for the target and the likeliest tokens."""
        self.logit_position = pos
        worked = logit_gradient(self.backward, pos)  # the core's numbers: softmax, target, N and ∂L/∂z
        probs, grad, target, n = torch.tensor(worked.probabilities), worked.gradient, worked.target, worked.counted
        tokens = [target] if target is not None else []
        tokens += [int(i) for i in torch.argsort(probs, descending=True, stable=True)[:TOP_TOKENS] if int(i) != target]
        rows = [(self.token_text(i), float(probs[i]), 1.0 if i == target else 0.0, grad[i]) for i in tokens]
        ids = self.inspection.ids
        if target is not None:
            caption = self.tr("Position {pos} “{token}”, target “{target}”: ∂L/∂z = (p − y)/{n}, the loss being a mean "
                              "over {n} positions.").format(pos=pos, token=quoted(self.token_text(ids[pos])),
                                                            target=quoted(self.token_text(target)), n=n)
        else:
            caption = self.tr("Position {pos} “{token}” has no target: no loss is taken there, its gradient is "
                              "0.").format(pos=pos, token=quoted(self.token_text(ids[pos])))
        self.logit_table.set_rows(caption, rows, n)

    # --- the optimizer step ----------------------------------------------------------------------
    def optimizer_detail(self, name: str, index: tuple):
        return optimizer_step_detail(self.backward, name, index)

    def show_optimizer_step(self, name: str, index: tuple) -> None:
        if self.inspection is None or not name:
            return
        self.optimizer.worked.setHtml(optimizer_html(name, index, self.optimizer_detail(name, index)))

    def parameter_index(self, row: int, col: int) -> tuple[str, tuple] | None:
        """(weight name, element index) of a cell of a weight's gradient heatmap; None for other stages."""
        name = self.record.name if self.record is not None else ""
        if not name.startswith("param.") or name == "param.norms":
            return None
        param = name[len("param."):]
        return param, ((row, col) if self.record.tensor.dim() == 2 else (col,))

    def select_cell(self, row: int, col: int) -> None:
        super().select_cell(row, col)
        if self.record is not None and self.record.name == "grad.logits":
            self.show_logit_gradient(row)
        chosen = self.parameter_index(row, col)
        if chosen is not None:
            self.optimizer.choose(*chosen)

    def show_value(self, row: int, col: int, value: float) -> None:
        super().show_value(row, col, value)
        chosen = self.parameter_index(row, col)
        self.heatmap.setToolTip(optimizer_tooltip(*chosen, self.optimizer_detail(*chosen)) if chosen else "")
        if self._without_target(row, col):
            self.hover_label.setText(self.no_target_text(row))

    def _show_worked(self) -> None:
        own_scales = self.tr("Each column has its own colour scale: its largest value is drawn darkest.")
        if self.record is None or self.row is None or self.col is None:
            if self.record is not None and self.record.name in OWN_SCALES:
                self.worked.setHtml(html.escape(own_scales))
            else:
                self.worked.clear()
            return
        chosen = self.parameter_index(self.row, self.col)
        if chosen is not None:
            self.worked.setHtml(optimizer_html(*chosen, self.optimizer_detail(*chosen)))
            return
        m = np.atleast_2d(self.matrix())
        if self.row >= m.shape[0] or self.col >= m.shape[-1]:
            return
        lines = [self.record.formula, self.no_target_text(self.row) if self._without_target(self.row, self.col)
                 else self.tr("value at ({row}, {col}) = {v}").format(row=self.row, col=self.col,
                                                                       v=f"{m[self.row, self.col]:.6g}")]
        heat, one_d = self.heatmap, self.record.tensor.dim() == 1  # name the cell: "parameter 3 “final_norm.bias”"
        axes = self.record.axes[-1:] if one_d else self.record.axes[-2:]
        cells, labels = ((self.col,), (heat.col_labels,)) if one_d else ((self.row, self.col),
                                                                         (heat.row_labels, heat.col_labels))
        named = [f"{self.axis_name(a)} {i} “{names[i]}”" for a, i, names in zip(axes, cells, labels) if i < len(names)]
        if named:
            lines.insert(1, self.tr(", ", "between axis names").join(named))
        if self.record.tensor.dim() == 3 and self.record.name.startswith("grad."):
            forward = self.inspection.trace.get(forward_name(self.record.name)).tensor
            if forward.shape == self.record.tensor.shape:
                lines.append(self.tr("forward value there = {v}").format(
                    v=f"{float(forward[self.head, self.row, self.col]):.6g}"))
        if self.record.name in OWN_SCALES:
            lines.append(own_scales)
        self.worked.setHtml("<br>".join(html.escape(line) for line in lines))


class _Named:
    """A record seen under another name (a gradient as its forward stage), for the label and mask look-ups."""

    def __init__(self, name: str, record):
        self.name, self.record = name, record

    def __getattr__(self, attr):
        return getattr(self.record, attr)
