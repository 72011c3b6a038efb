"""LessonPane: a lesson beside the panels — its text large, step N of M, Back/Next, predict-then-reveal.

The pane shows what a ``LessonRunner`` does to the window: the actions of a step run when the
step opens; a failing one is shown here in red, and the class can go on. Results the panels do
not show live here: the confusion matrix of ``> evaluate`` and the outputs of ``> generate``,
side by side. ``set_text_scale`` makes the text larger for a projector (presentation mode).
"""

import html
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QTableWidgetItem, QVBoxLayout, QWidget)

from ...core.lessons import LANGUAGES, LessonError, Lesson, inline_html, lesson_files, load_lesson, markdown_html
from ...resources import resource_path
from ..numbers import format_count, format_percent
from ..presentation import mark_advanced
from .fitted_views import LessonText, ResultTable

TEXT_SCALE = 1.25  # the lesson's text, against the application font, before any presentation scale


def ui_lesson_language() -> str:
    """The lessons' language that goes with the UI's: 简体中文 for a Chinese UI, else English."""
    return "zh_CN" if QLocale().name().startswith("zh") else "en"


def builtin_lessons(language: str) -> list[Path]:
    return lesson_files(resource_path(f"lessons/{language}"))


class LessonPane(QWidget):
    """Lesson list, text, question, results and Back/Next over a ``LessonRunner``."""

    lesson_opened = Signal(str)

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.lesson: Lesson | None = None
        self.language = ui_lesson_language()
        self.text_scale = 1.0
        self._build()
        runner.step_started.connect(self._on_step_started)
        runner.action_started.connect(lambda text: self._show_status(self.tr("Running: {action}").format(action=text)))
        runner.step_finished.connect(lambda _i: self._show_status(""))
        runner.step_failed.connect(self._on_step_failed)
        runner.busy_changed.connect(lambda _busy: self._update_buttons())
        runner.notice.connect(lambda text: self._show_status(text, "warning"))
        runner.report_ready.connect(self.show_report)
        runner.generated.connect(self.add_generation)
        self.fill_lessons()
        self._apply_fonts()
        self._update_buttons()

    # --- building ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.language_box = QComboBox()
        self.language_box.addItem("English", "en")
        self.language_box.addItem("简体中文", "zh_CN")
        self.language_box.setCurrentIndex(LANGUAGES.index(self.language))
        self.language_box.setToolTip(self.tr("The language of the lessons"))
        self.language_box.currentIndexChanged.connect(lambda: self.set_language(self.language_box.currentData()))
        self.lesson_box = QComboBox()
        self.lesson_box.setToolTip(self.tr("The built-in lessons"))
        self.lesson_box.activated.connect(lambda row: self.open_builtin(row))
        self.file_button = QPushButton(self.tr("Open…"))
        self.file_button.setToolTip(self.tr("Open a lesson file of your own (Markdown)"))
        self.file_button.clicked.connect(lambda: self.open_file())
        mark_advanced(self.lesson_box, self.language_box, self.file_button)  # presenting: the title says which lesson
        top = QVBoxLayout()  # the lesson's title alone on its row: a long one fits a narrow pane
        top.addWidget(self.lesson_box)
        choosers = QHBoxLayout()
        choosers.addStretch(1)
        choosers.addWidget(self.language_box)
        choosers.addWidget(self.file_button)
        top.addLayout(choosers)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.position = QLabel()
        self.position.setWordWrap(True)  # "第 1 步，共 5 步" between Back and Next in a narrow pane
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.browser = LessonText()
        self.browser.setOpenExternalLinks(False)
        self.browser.document().setDefaultStyleSheet("code, pre { font-family: monospace; } "
                                                     "pre { margin-left: 12px; white-space: pre-wrap; } "
                                                     "h3 { margin-top: 0; }")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.reveal_button = QPushButton(self.tr("Reveal the answer"))
        self.reveal_button.clicked.connect(self.reveal)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        for label in (self.question, self.answer):
            label.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.title, self.status):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.report_table = ResultTable(4)
        self.report_table.setObjectName("lesson-confusion-matrix")
        self.scores_table = ResultTable(4)
        self.scores_table.setObjectName("lesson-scores")
        self.report_caption = QLabel()
        self.report_caption.setWordWrap(True)
        self.report_caption.hide()
        self.generation_table = ResultTable(2, wrap_cells=True)
        self.generation_table.setObjectName("lesson-outputs")
        self.generation_table.setHorizontalHeaderLabels([self.tr("Settings"), self.tr("Output")])
        self.generation_table.verticalHeader().hide()
        self.back_button = QPushButton(self.tr("◀ Back"))
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.clicked.connect(self.next)
        self.retry_button = QPushButton(self.tr("Run the step again"))
        self.retry_button.clicked.connect(lambda: self.runner.go_to(self.runner.index))
        self.retry_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.position, 1, Qt.AlignmentFlag.AlignCenter)
        buttons.addWidget(self.next_button)
        # One column that scrolls as a whole, the text first: the text, the question and the results each as
        # tall as they are (a table's own scroll bar hid F1 and two of three outputs on a projector).
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.browser)
        for widget in (self.question, self.reveal_button, self.answer, self.report_caption, self.report_table,
                       self.scores_table, self.generation_table):
            column.addWidget(widget)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.scroll, 1)
        outer.addWidget(self.status)
        outer.addWidget(self.retry_button)
        outer.addLayout(buttons)
        self._show_question(None)

    # --- text size ------------------------------------------------------------------------------------
    def set_text_scale(self, factor: float) -> None:
        """The lesson's text at ``factor`` times its usual size (presentation mode: about 1.6)."""
        self.text_scale = max(0.5, float(factor))
        self._apply_fonts()

    def _font(self, scale: float, bold: bool = False) -> QFont:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * scale * self.text_scale)
        font.setBold(bold)
        return font

    def _apply_fonts(self) -> None:
        self.title.setFont(self._font(TEXT_SCALE * 1.3, bold=True))
        self.browser.setFont(self._font(TEXT_SCALE))
        self.browser.document().setDefaultFont(self._font(TEXT_SCALE))
        for label in (self.question, self.answer, self.status, self.report_caption, self.position):
            label.setFont(self._font(TEXT_SCALE, bold=label is self.question))
        for widget in (self.report_table, self.scores_table, self.generation_table, self.reveal_button,
                       self.back_button, self.next_button, self.retry_button):
            widget.setFont(self._font(1.0 if self.text_scale == 1.0 else 1.1))

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the window zoomed: our explicit fonts follow
            self._apply_fonts()

    # --- choosing a lesson ------------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        """List the lessons of ``language``; an open lesson carries on, in that language, at the same step."""
        self.language = language
        self.language_box.blockSignals(True)
        self.language_box.setCurrentIndex(LANGUAGES.index(language))
        self.language_box.blockSignals(False)
        self.fill_lessons()
        if self.lesson is None:
            return
        twin = next((p for p in builtin_lessons(language) if p.stem == self.lesson.id), None)
        if twin is None:
            return
        try:
            other = load_lesson(twin)
        except LessonError as e:
            self._show_error(str(e))
            return
        if len(other.steps) == len(self.lesson.steps):  # same steps, same actions: the state stays
            self.lesson = self.runner.lesson = other
            self._show_step(max(0, self.runner.index))
        self._select_in_list()

    def fill_lessons(self) -> None:
        self.lesson_box.blockSignals(True)
        self.lesson_box.clear()
        self.lesson_box.addItem(self.tr("Choose a lesson…"), "")
        for path in builtin_lessons(self.language):
            try:
                lesson = load_lesson(path)
            except LessonError:
                self.lesson_box.addItem(path.stem, str(path))  # opening it shows what is wrong
                continue
            self.lesson_box.addItem(self.tr("{title} ({minutes} min)").format(
                title=lesson.title, minutes=lesson.minutes), str(path))
        self.lesson_box.blockSignals(False)
        self._select_in_list()

    def _select_in_list(self) -> None:
        row = self.lesson_box.findData(self.lesson.path) if self.lesson is not None else 0
        self.lesson_box.setCurrentIndex(max(0, row))

    def open_builtin(self, row: int) -> bool:
        path = self.lesson_box.itemData(row)
        return self.open_path(path) if path else False

    def open_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, self.tr("Open a lesson"), "",
                                                        self.tr("Lessons (*.md);;All files (*)"))
            if not path:
                return False
        return self.open_path(path)

    def open_path(self, path) -> bool:
        """Check the lesson file and start it at step 1; a mistake in it is shown here, nothing runs."""
        try:
            lesson = load_lesson(path)
        except LessonError as e:
            self._show_error(str(e))
            return False
        self.open_lesson(lesson)
        return True

    def open_lesson(self, lesson: Lesson) -> None:
        from .. import dialogs

        window = self.runner.window
        core = window.workspace.core if window.workspace is not None else None
        if window.workspace is None:
            self._show_error(self.tr("The panels are still loading; open the lesson again in a moment."))
            return
        if not dialogs.confirm_discard(self, core):
            return
        self.lesson = lesson
        self._select_in_list()
        self.lesson_opened.emit(lesson.id)
        self.runner.open(lesson)

    # --- stepping ------------------------------------------------------------------------------------------
    def next(self) -> bool:
        return self.runner.go_to(self.runner.index + 1)

    def back(self) -> bool:
        return self.runner.go_to(self.runner.index - 1)

    def _on_step_started(self, index: int) -> None:
        """A step's results come from its own actions (replayed on Back/Next): the last step's go."""
        self.report_table.hide()
        self.scores_table.hide()
        self.report_caption.hide()
        self.generation_table.setRowCount(0)
        self.generation_table.hide()
        self._show_step(index)
        self.retry_button.hide()
        self.scroll.verticalScrollBar().setValue(0)  # a new step reads from its top

    def _show_step(self, index: int) -> None:
        lesson = self.lesson
        step = lesson.steps[index]
        self.title.setText(lesson.title)
        intro = markdown_html(lesson.intro) if index == 0 and lesson.intro else ""
        self.browser.setHtml(intro + f"<h3>{html.escape(step.title)}</h3>" + markdown_html(step.text))
        self.position.setText(self.tr("Step {n} of {total}").format(n=index + 1, total=len(lesson.steps)))
        self._show_question(step)
        self._update_buttons()

    def _show_question(self, step) -> None:
        asks = step is not None and bool(step.question)
        self.question.setVisible(asks)
        self.reveal_button.setVisible(asks)
        self.reveal_button.setEnabled(True)
        self.answer.hide()
        if asks:
            self.question.setText(self.tr("Predict: {question}").format(question=inline_html(step.question)))
            self.answer.setText(inline_html(step.answer))

    def reveal(self) -> None:
        self.answer.show()
        self.reveal_button.setEnabled(False)

    def _update_buttons(self) -> None:
        busy = self.runner.is_busy()
        n = len(self.lesson.steps) if self.lesson is not None else 0
        index = self.runner.index
        self.back_button.setEnabled(not busy and self.lesson is not None and index > 0)
        self.next_button.setEnabled(not busy and self.lesson is not None and index < n - 1)
        self.lesson_box.setEnabled(not busy)
        self.file_button.setEnabled(not busy)

    # --- messages and results ----------------------------------------------------------------------------------
    def _show_status(self, text: str, level: str = "") -> None:
        colours = {"error": "#d32f2f", "warning": "#b26a00"}
        self.status.setStyleSheet(f"color: {colours[level]};" if level in colours else "")
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _on_step_failed(self, _index: int, message: str) -> None:
        self._show_status(self.tr("This step could not be shown: {message}").format(message=message), "error")
        self.retry_button.show()
        self._update_buttons()

    def _show_error(self, message: str) -> None:
        self._show_status(message, "error")

    def status_text(self) -> str:
        return self.status.text() if self.status.isVisibleTo(self) else ""

    def show_report(self, report: dict) -> None:
        """The confusion matrix (actual label per row, predicted per column), and under it each label's P/R/F1:
        two narrow tables, each whole in the pane beside the panels, rather than one wide one."""
        labels = report["labels"]
        matrix, scores = self.report_table, self.scores_table
        heads = ["", *labels, self.tr("(no label)")]
        self._fill(matrix, heads, [[label, *(format_count(n) for n in row)]
                                   for label, row in zip(labels, report["matrix"])], bold_diagonal=True)
        self._fill(scores, ["", self.tr("Precision"), self.tr("Recall"), self.tr("F1")],
                   [[label, *(format_percent(s[k]) for k in ("precision", "recall", "f1"))]
                    for label, s in zip(labels, report["classes"])])
        self.report_caption.setText(self.tr("Accuracy {acc} on {n} held-out examples. Rows: the true label; "
                                            "columns: the model's answer.").format(
            acc=format_percent(report["accuracy"]), n=format_count(report["examples"])))
        self.report_caption.show()

    @staticmethod
    def _fill(table: ResultTable, heads: list[str], rows: list[list[str]], bold_diagonal: bool = False) -> None:
        table.clear()
        table.setColumnCount(len(heads))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(heads)
        table.verticalHeader().hide()
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if bold_diagonal and c == r + 1:  # the diagonal: right answers
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        table.show()
        table.fit()

    def report_cells(self) -> list[list[str]]:
        """Per true label: the label, its row of the matrix, then its precision, recall and F1."""
        m, s = self.report_table, self.scores_table
        return [[m.item(r, c).text() for c in range(m.columnCount())]
                + [s.item(r, c).text() for c in range(1, s.columnCount())] for r in range(m.rowCount())]

    def add_generation(self, result: dict) -> None:
        """One more output beside the others, with the settings that drew it."""
        if result.get("greedy"):
            settings = self.tr("greedy")
        else:
            parts = [f"T = {result['temperature']:.2f}"]
            if result.get("top_k"):
                parts.append(f"top-k {result['top_k']}")
            if result.get("top_p"):
                parts.append(f"top-p {result['top_p']:.2f}")
            settings = " · ".join(parts)
        table = self.generation_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(settings))
        table.setItem(row, 1, QTableWidgetItem(result["output"].replace("\n", " ⏎ ")))
        table.show()
        table.fit()

    def generation_rows(self) -> list[tuple[str, str]]:
        t = self.generation_table
        return [(t.item(r, 0).text(), t.item(r, 1).text()) for r in range(t.rowCount())]
