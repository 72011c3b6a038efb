"""The Backward mode's own views: loss per position, ∂L/∂logits, A beside ∂L/∂A, gradient norms, the optimizer step.

Each view shows numbers ``core.backward`` recorded (a ``BackwardTrace``) or the forward
``Trace`` of the same pass; none recomputes a stage. ``optimizer_html(detail)`` is the AdamW
step of one weight element with the real numbers plugged into its formula, shared by the
worked-numbers table, the Optimizer tab and the heatmap's tooltip.
"""

import html

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QTextBrowser,
                               QVBoxLayout, QWidget)

from .heatmap import HeatmapView
from .token_stream import quoted

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


def confirm_apply_step(parent, before: float, after: float) -> bool:
    """Ask before the inspector's training step changes the user's model (tests answer it)."""
    answer = QMessageBox.question(
        parent, translate("BackwardViews", "Apply this step?"),
        translate("BackwardViews", "This changes your model's weights by one training step on this example "
                                   "(loss {before} → {after}). Go on?").format(before=f"{before:.4f}",
                                                                               after=f"{after:.4f}"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class NumberItem(QTableWidgetItem):
    """A cell that sorts by its number, not by its text."""

    def __lt__(self, other) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if isinstance(mine, float) and isinstance(theirs, float):
            return mine < theirs
        return super().__lt__(other)


def number_item(value: float, text: str | None = None) -> NumberItem:
    item = NumberItem(text if text is not None else f"{value:.4g}")
    item.setData(Qt.ItemDataRole.UserRole, float(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def text_item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item


def table(headers: list[str]) -> QTableWidget:
    view = QTableWidget(0, len(headers))
    view.setHorizontalHeaderLabels(headers)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class LossTable(QWidget):
    """The loss at each position: the input token, its target, p(target) and −log p(target)."""

    position_chosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.view = table([self.tr("Position"), self.tr("Input token"), self.tr("Target"), self.tr("p(target)"),
                           self.tr("−log p(target)")])
        self.view.cellClicked.connect(lambda row, _col: self.position_chosen.emit(self._positions[row]))
        column = QVBoxLayout(self)
        column.addWidget(self.caption)
        column.addWidget(self.view, 1)
        self._positions: list[int] = []

    def set_rows(self, rows: list[tuple[int, str, str, float, float]], mean: float) -> None:
        """rows: (position, input token, target token, p, loss) for each position that has a target."""
        self._positions = [r[0] for r in rows]
        self.view.setRowCount(len(rows))
        for i, (pos, token, target, p, loss) in enumerate(rows):
            for col, item in enumerate((number_item(pos, str(pos)), text_item(quoted(token)),
                                        text_item(quoted(target)), number_item(p), number_item(loss))):
                self.view.setItem(i, col, item)
        self.caption.setText(self.tr("The loss is the mean of −log p(target) over the {n} positions that have a "
                                     "target: {mean}. Click a row for its ∂L/∂logits.").format(
            n=len(rows), mean=f"{mean:.4f}"))


class LogitGradTable(QWidget):
    """∂L/∂logits at one position: softmax, one-hot of the target and their difference, token by token."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.view = table([self.tr("Token"), self.tr("softmax p"), self.tr("one-hot y"), self.tr("p − y"),
                           self.tr("∂L/∂z (recorded)")])
        column = QVBoxLayout(self)
        column.addWidget(self.caption)
        column.addWidget(self.view, 1)

    def set_rows(self, caption: str, rows: list[tuple[str, float, float, float]], scale: int) -> None:
        """rows: (token, p, y, recorded gradient); the gradient is (p − y)/scale for a mean over ``scale`` positions."""
        self.caption.setText(caption)
        self.view.setRowCount(len(rows))
        for i, (token, p, y, grad) in enumerate(rows):
            cells = (text_item(quoted(token)), number_item(p), number_item(y, f"{y:g}"), number_item(p - y),
                     number_item(grad))
            for col, item in enumerate(cells):
                self.view.setItem(i, col, item)


class AttentionGradView(QWidget):
    """One head's attention weights A (forward) beside the gradient ∂L/∂A the backward pass sent into them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.forward = HeatmapView()
        self.gradient = HeatmapView()
        self.forward_title = QLabel(self.tr("A (forward)"))
        self.gradient_title = QLabel(self.tr("∂L/∂A (backward)"))
        split = QSplitter()
        for title, view in ((self.forward_title, self.forward), (self.gradient_title, self.gradient)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(title)
            column.addWidget(view, 1)
            split.addWidget(box)
        column = QVBoxLayout(self)
        column.addWidget(self.caption)
        column.addWidget(split, 1)

    def set_head(self, head: int, weights: np.ndarray, grads: np.ndarray, queries, keys, masked) -> None:
        self.caption.setText(self.tr("Head {h}: where the loss wants each query to look more (red) or less "
                                     "(blue).").format(h=head + 1))
        self.forward.set_matrix(weights, queries, keys, masked, signed=False, top=1.0)
        self.gradient.set_matrix(grads, queries, keys, masked, signed=True)


class ParameterNormsTable(QWidget):
    """Each weight's gradient norm, sortable; a row opens that weight's gradient heatmap."""

    parameter_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel(self.tr("Click a column heading to sort; click a weight to see its gradient."))
        self.caption.setWordWrap(True)
        self.view = table([self.tr("Parameter"), self.tr("Shape"), self.tr("‖gradient‖"),
                           self.tr("‖update‖ / ‖weight‖")])
        self.view.setSortingEnabled(True)
        self.view.cellClicked.connect(lambda row, _col: self.parameter_chosen.emit(self.view.item(row, 0).text()))
        column = QVBoxLayout(self)
        column.addWidget(self.caption)
        column.addWidget(self.view, 1)

    def set_rows(self, rows: list[tuple[str, tuple, float, float]]) -> None:
        """rows: (name, shape, gradient norm, update-to-weight ratio)."""
        self.view.setSortingEnabled(False)
        self.view.setRowCount(len(rows))
        for i, (name, shape, grad, ratio) in enumerate(rows):
            cells = (text_item(name), text_item(" × ".join(map(str, shape))), number_item(grad), number_item(ratio))
            for col, item in enumerate(cells):
                self.view.setItem(i, col, item)
        self.view.setSortingEnabled(True)
        self.view.sortItems(2, Qt.SortOrder.DescendingOrder)  # the largest gradient first

    def names(self) -> list[str]:
        return [self.view.item(i, 0).text() for i in range(self.view.rowCount())]


class OptimizerStepView(QWidget):
    """The AdamW step of one element of one weight, the loss before and after, and "Apply this step"."""

    element_changed = Signal(str, tuple)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.parameter = QComboBox()
        self.parameter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.parameter.setMinimumContentsLength(16)
        self.parameter.setToolTip(self.tr("The weight whose update is worked out"))
        self.row = QSpinBox()
        self.col = QSpinBox()
        self.row.setToolTip(self.tr("Row of the element (or click a cell of the weight's gradient heatmap)"))
        self.col.setToolTip(self.tr("Column of the element"))
        self.row_caption, self.col_caption = QLabel(self.tr("Row")), QLabel(self.tr("Column"))
        for box in (self.row, self.col):
            box.valueChanged.connect(self._emit)
        self.parameter.currentIndexChanged.connect(self._on_parameter)
        self.shapes: dict[str, tuple] = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Weight")))
        bar.addWidget(self.parameter, 1)
        for widget in (self.row_caption, self.row, self.col_caption, self.col):
            bar.addWidget(widget)
        self.worked = QTextBrowser()
        self.loss_label = QLabel()
        self.loss_label.setWordWrap(True)
        self.apply_button = QPushButton(self.tr("Apply this step…"))
        self.apply_button.setToolTip(self.tr("Change your model's weights by this one step (asks first)"))
        foot = QHBoxLayout()
        foot.addWidget(self.loss_label, 1)
        foot.addWidget(self.apply_button)
        column = QVBoxLayout(self)
        column.addLayout(bar)
        column.addWidget(self.worked, 1)
        column.addLayout(foot)

    def set_parameters(self, shapes: dict[str, tuple]) -> None:
        self.shapes = dict(shapes)
        current = self.parameter.currentText()
        self.parameter.blockSignals(True)
        self.parameter.clear()
        self.parameter.addItems(list(shapes))
        if current in shapes:
            self.parameter.setCurrentText(current)
        self.parameter.blockSignals(False)
        self._limit()

    def choose(self, name: str, index: tuple) -> None:
        """Show ``name[index]`` (index: (row, col) for a matrix, (i,) for a vector)."""
        for box in (self.parameter, self.row, self.col):
            box.blockSignals(True)
        self.parameter.setCurrentText(name)
        self._limit()
        if len(index) == 2:
            self.row.setValue(index[0])
        self.col.setValue(index[-1])
        for box in (self.parameter, self.row, self.col):
            box.blockSignals(False)
        self._emit()

    def element(self) -> tuple[str, tuple]:
        name = self.parameter.currentText()
        shape = self.shapes.get(name, ())
        return name, ((self.row.value(), self.col.value()) if len(shape) == 2 else (self.col.value(),))

    def _limit(self) -> None:
        shape = self.shapes.get(self.parameter.currentText(), (1,))
        matrix = len(shape) == 2
        self.row.setVisible(matrix)
        self.row_caption.setVisible(matrix)
        self.col_caption.setText(self.tr("Column") if matrix else self.tr("Index"))
        self.row.setRange(0, max(0, shape[0] - 1) if matrix else 0)
        self.col.setRange(0, max(0, shape[-1] - 1) if shape else 0)

    def _on_parameter(self) -> None:
        self._limit()
        self._emit()

    def _emit(self) -> None:
        name, index = self.element()
        if name:
            self.element_changed.emit(name, index)


def plug(x: float, spec: str = ".4g") -> str:
    """A number to plug into a formula: negatives in brackets, so "0.9·(-0.002)" never reads as a subtraction."""
    text = format(x, spec)
    return f"({text})" if x < 0 else text


def optimizer_rows(d) -> list[tuple[str, str, float]]:
    """(what, formula with the numbers plugged in, value) for each line of one AdamW step (``OptimizerDetail``)."""
    t, b1, b2 = int(d.step), d.beta1, d.beta2
    clipped = translate("BackwardViews", "clipped")  # outside the f-string: lupdate does not look inside them
    clip = "" if d.clip_scale == 1 else f" (×{d.clip_scale:.4g}, {clipped})"
    old = plug(d.old, ".6g")
    formulas = [
        (f"g = ∂L/∂w{clip}", d.g),
        (f"m = β₁·m_prev + (1 − β₁)·g = {b1:g}·{plug(d.m_prev)} + {1 - b1:.3g}·{plug(d.g)}", d.m),
        (f"v = β₂·v_prev + (1 − β₂)·g² = {b2:g}·{plug(d.v_prev)} + {1 - b2:.3g}·{plug(d.g)}²", d.v),
        (f"m̂ = m/(1 − β₁^{t}) = {plug(d.m)}/{1 - b1 ** t:.4g}", d.m_hat),
        (f"v̂ = v/(1 − β₂^{t}) = {plug(d.v)}/{1 - b2 ** t:.4g}", d.v_hat),
        (f"lr·m̂/(√v̂ + ε) = {d.lr:.4g}·{plug(d.m_hat)}/(√{d.v_hat:.4g} + {d.eps:g})", d.update),
        (f"lr·λ·w = {d.lr:.4g}·{d.weight_decay:g}·{old}", d.decay),
        (f"w − update − decay = {old} − {plug(d.update)} − {plug(d.decay)}", d.new),
    ]
    names = [translate("BackwardViews", "gradient"), translate("BackwardViews", "first moment"),
             translate("BackwardViews", "second moment"), translate("BackwardViews", "bias-corrected m"),
             translate("BackwardViews", "bias-corrected v"), translate("BackwardViews", "update"),
             translate("BackwardViews", "weight decay"), translate("BackwardViews", "new weight")]
    return [(name, formula, value) for name, (formula, value) in zip(names, formulas)]


def optimizer_html(name: str, index: tuple, d) -> str:
    """The AdamW step of ``name[index]`` as a table: what, the formula with numbers, the value."""
    esc = html.escape
    where = ", ".join(map(str, index))
    head = translate("BackwardViews", "AdamW step {t} for {name}[{index}]: {old} → {new}").format(
        t=int(d.step), name=name, index=where, old=f"{d.old:.6g}", new=f"{d.new:.6g}")
    headings = [esc(translate("BackwardViews", "quantity")), esc(translate("BackwardViews", "formula")),
                esc(translate("BackwardViews", "value"))]
    cells = ["<tr><th align='left'>{}</th><th align='left'>{}</th><th align='right'>{}</th></tr>".format(*headings)]
    for what, formula, value in optimizer_rows(d):
        cells.append(f"<tr><td>{esc(what)}</td><td><tt>{esc(formula)}</tt></td><td align='right'>{value:.6g}</td></tr>")
    return f"<p><b>{esc(head)}</b></p><table cellspacing='6'>{''.join(cells)}</table>"


def optimizer_tooltip(name: str, index: tuple, d) -> str:
    """A short tooltip: the update formula with this weight's numbers plugged in."""
    where = ", ".join(map(str, index))
    return "\n".join([
        f"{name}[{where}]   g = {d.g:.4g}",
        "w ← w − lr·m̂/(√v̂ + ε) − lr·λ·w",
        f"  = {plug(d.old, '.6g')} − {d.lr:.3g}·{plug(d.m_hat)}/(√{d.v_hat:.4g} + {d.eps:g})"
        f" − {d.lr:.3g}·{d.weight_decay:g}·{plug(d.old)}",
        f"  = {plug(d.old, '.6g')} − {plug(d.update)} − {plug(d.decay)} = {d.new:.6g}",
        translate("BackwardViews", "(AdamW step {t}, as the trainer runs it)").format(t=int(d.step)),
    ])
