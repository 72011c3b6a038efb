"""SamplingForm: how to draw the next token — temperature, top-k, top-p, length, seed, greedy."""

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox

from ..presentation import mark_advanced

RANDOM_SEED = -1  # the seed box's lowest value means "a fresh seed each time"
FIELDS = ("temperature", "top_k", "top_p", "max_tokens", "seed")


class SamplingForm(QGroupBox):
    """The boxes of a ``SampleConfig``; ``settings()`` reads them as SampleConfig keyword arguments."""

    def __init__(self, parent=None):
        super().__init__(self.tr("Sampling"), parent)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.05, 5.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setToolTip(self.tr("Below 1: sharper, safer choices. Above 1: flatter, more surprising."))
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 100_000)
        self.top_k.setSpecialValueText(self.tr("all"))
        self.top_k.setToolTip(self.tr("Draw only from the k likeliest tokens"))
        self.top_p = QDoubleSpinBox()
        self.top_p.setRange(0.01, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setValue(1.0)
        self.top_p.setToolTip(self.tr("Draw only from the likeliest tokens whose probabilities add up to p (1: all)"))
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 5000)
        self.max_tokens.setValue(200)
        self.seed = QSpinBox()
        self.seed.setRange(RANDOM_SEED, 2**31 - 1)
        self.seed.setSpecialValueText(self.tr("random"))
        self.seed.setValue(0)
        self.seed.setToolTip(self.tr("Same seed, same text"))
        self.greedy = QCheckBox(self.tr("Greedy: always the likeliest token"))
        self.greedy.toggled.connect(self._on_greedy)
        mark_advanced(self.seed)  # presentation mode hides it
        form = QFormLayout(self)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Top-k"), self.top_k)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Maximum tokens"), self.max_tokens)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.greedy)

    def settings(self) -> dict:
        """Keyword arguments of ``SampleConfig``: 0 top-k and 1.0 top-p mean "off", the lowest seed "random"."""
        seed = self.seed.value()
        return {"max_new_tokens": self.max_tokens.value(), "temperature": self.temperature.value(),
                "top_k": self.top_k.value() or None,
                "top_p": self.top_p.value() if self.top_p.value() < 1.0 else None,
                "greedy": self.greedy.isChecked(), "seed": None if seed == RANDOM_SEED else seed}

    def _on_greedy(self, on: bool) -> None:
        for box in (self.temperature, self.top_k, self.top_p):
            box.setEnabled(not on)  # greedy decoding ignores them

    def state(self) -> dict:
        return {**{key: getattr(self, key).value() for key in FIELDS}, "greedy": self.greedy.isChecked()}

    def restore(self, state: dict) -> None:
        for key in FIELDS:
            if key in state:
                getattr(self, key).setValue(state[key])
        self.greedy.setChecked(bool(state.get("greedy", False)))
