"""Samples side by side: one prompt and one seed through each compared run's model, a text box per run.

Each box reads as text: the prompt, dimmed, then what the model wrote after it (for a task of
source → target examples, the source dimmed, an arrow, then the target).
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from ...core.prompts import NEWLINE
from .token_stream import quoted

BOX_WIDTH = 180  # each run's text box, at least
PROMPT_MARK = QTextFormat.Property.UserProperty  # set on the characters of the prompt


class CompareSamples(QWidget):
    """A prompt, a seed and a length; ``generate_requested`` asks the owner to sample; ``show_text`` fills a box."""

    generate_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        form = QGridLayout()
        self.prompt = QLineEdit()
        self.show_empty_prompt(NEWLINE)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1234)
        self.seed.setToolTip(self.tr("The same seed for every run: the texts differ only by the models"))
        self.length = QSpinBox()
        self.length.setRange(1, 1000)
        self.length.setValue(80)
        self.length.setToolTip(self.tr("Tokens to generate at most"))
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setToolTip(self.tr("Sample from each run's newest weights with this prompt and seed"))
        self.generate_button.clicked.connect(self.generate_requested)
        form.addWidget(QLabel(self.tr("Prompt")), 0, 0)
        form.addWidget(self.prompt, 0, 1, 1, 5)
        form.addWidget(QLabel(self.tr("Seed")), 1, 0)
        form.addWidget(self.seed, 1, 1)
        form.addWidget(QLabel(self.tr("Tokens")), 1, 2)
        form.addWidget(self.length, 1, 3)
        form.addWidget(self.generate_button, 1, 5)
        form.setColumnStretch(4, 1)
        column.addLayout(form)
        self.boxes_widget = QWidget()
        self.boxes_row = QHBoxLayout(self.boxes_widget)
        self.boxes_row.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(self.boxes_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(scroll, 1)
        self.texts: list[QPlainTextEdit] = []
        self.labels: list[str] = []
        self.shown: dict[str, tuple] = {}  # label -> (sample, error) in its box, kept while the run stays compared

    def show_empty_prompt(self, start: str) -> None:
        """The prompt's placeholder says what an empty prompt starts from: a new line, or (the current run's text
        has no line break, so its model never saw one) that text's own first characters."""
        self.prompt.setPlaceholderText(
            self.tr("A prompt (or a source, for a task of examples); empty: a new line") if start == NEWLINE else
            self.tr("A prompt (or a task's source); empty: your text's own start, “{start}”").format(
                start=quoted(start)))

    def set_runs(self, labels: list[str], keep: bool = True) -> None:
        """One box per run, titled with its label; a run already shown keeps its sample when ``keep``."""
        kept = {label: self.shown[label] for label in labels if label in self.shown} if keep else {}
        while self.boxes_row.count():
            box = self.boxes_row.takeAt(0).widget()
            box.setParent(None)
            box.deleteLater()
        self.texts, self.labels = [], list(labels)
        for label in labels:
            group = QGroupBox(label)
            group.setToolTip(label)
            group.setMinimumWidth(BOX_WIDTH)
            text = QPlainTextEdit()
            text.setReadOnly(True)
            QVBoxLayout(group).addWidget(text)
            self.boxes_row.addWidget(group, 1)
            self.texts.append(text)
        self.shown = {}
        for label, shown in kept.items():
            self.show_text(self.labels.index(label), *shown)

    def show_text(self, index: int, sample, error: str | None) -> None:
        """Fill box ``index`` with a ``core.compare.Sample`` (prompt dimmed, then the model's text), or the error."""
        if not 0 <= index < len(self.texts):
            return
        box = self.texts[index]
        self.shown[self.labels[index]] = (sample, error)
        if error is not None or sample is None:
            box.setPlainText(self.tr("(no sample: {reason})").format(reason=error))
            return
        box.clear()
        cursor = QTextCursor(box.document())
        dim = QTextCharFormat()
        dim.setForeground(box.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        dim.setProperty(PROMPT_MARK, True)
        cursor.insertText(sample.prompt + (" → " if sample.pairs else ""), dim)
        cursor.insertText(sample.text, QTextCharFormat())

    def dimmed_text(self, index: int) -> str:
        """The text of box ``index`` shown as the prompt (dimmed), read back from the box."""
        parts, block = [], self.texts[index].document().begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.charFormat().property(PROMPT_MARK):
                    parts.append(fragment.text())
                iterator += 1
            block = block.next()
        return "".join(parts)

    def text_of(self, index: int) -> str:
        return self.texts[index].toPlainText()
