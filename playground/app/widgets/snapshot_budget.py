"""SnapshotBudget: how many weight snapshots training keeps for Inspect, their size, and the disk budget."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox

from ...core.snapshots import DEFAULT_BUDGET_MB, MAX_BUDGET_MB, MIN_BUDGET_MB, snapshot_bytes
from ..numbers import format_bytes, format_count


class SnapshotBudget(QGroupBox):
    """``show_store(store, model)`` shows the count and size; ``budget_changed(mb)`` reports an edit."""

    budget_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(self.tr("Snapshots for Inspect"), parent)
        self.budget = QSpinBox()
        self.budget.setRange(MIN_BUDGET_MB, MAX_BUDGET_MB)
        self.budget.setValue(DEFAULT_BUDGET_MB)
        self.budget.setSingleStep(32)
        self.budget.setSuffix(self.tr(" MB"))
        self.budget.setKeyboardTracking(False)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setToolTip(self.tr(
            "Disk space for copies of the weights taken at each evaluation, which Inspect replays with its "
            "training-step slider. They are written to a temporary folder, not kept in memory, and removed when "
            "the model changes or the app closes. When the budget is full they are thinned out evenly, always "
            "keeping the first and the newest. They are kept in float32, exactly as the model trains, so a replay "
            "is the model of that step; 0 keeps none."))
        self.used = QLabel()
        self.used.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Disk budget"), self.budget)
        form.addRow(self.used)
        self.budget.valueChanged.connect(self.budget_changed)

    def show_store(self, store, model) -> None:
        """Show how many snapshots ``store`` keeps and their size, and how many of ``model`` fit."""
        n = len(store)
        each = snapshot_bytes(model) if model is not None else 0
        fits = store.budget_bytes // each if each else None
        text = self.tr("{n} kept, {used} of {budget}.").format(
            n=format_count(n), used=format_bytes(store.used_bytes()), budget=format_bytes(store.budget_bytes))
        if fits is not None:
            text += " " + self.tr("One is {size}: the budget holds {k}.").format(size=format_bytes(each),
                                                                             k=format_count(fits))
            if fits < 2:
                text += " " + self.tr("Raise it to replay training in Inspect.")
        if store.skipped:
            text += "\n" + store.skipped
        self.used.setText(text)
