"""Browsing a tokenizer: its vocabulary (id → token, searchable) and, for BPE, its merges in order."""

import html

from PySide6.QtCore import (QAbstractItemModel, QAbstractListModel, QAbstractTableModel, QCoreApplication, QEvent, QModelIndex,
                            QSortFilterProxyModel, Qt)
from PySide6.QtWidgets import (QFrame, QHeaderView, QLabel, QLineEdit, QListView, QScrollArea, QStyle, QTableView,
                               QVBoxLayout, QWidget)

from ...core.token_text import (INVISIBLE_MARK, OTHER_SPACE_MARK, WIDE_SPACE_MARK, readable_token, token_text,
                                 visible_whitespace)
from ...core.tokenizer_kinds import tokenizer_name
from ..numbers import format_count
from .token_spans import marks_explained

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # what a search matches: the decoded text, as typed and as drawn


def raw_tooltip(token: str, readable: str, kind: str = "char") -> str:
    """The token as read, as stored, and the name of each character drawn as a mark (⊔: U+3000 …)."""
    row = QCoreApplication.translate("VocabularyModel", "{text}  — stored as {raw}").format(
        text=readable, raw=repr(token))
    return "\n".join([row, *marks_explained(token_text(kind, token))])


def marks_met(tokens: list[str], kind: str) -> set[str]:
    """Which of ⊔, ⍽ and ┊ the vocabulary's tokens are drawn with: all three for a byte-level BPE, which spells
    any character in bytes (GPT-2's 50,257 tokens decoded would hold the window ~50 ms)."""
    if kind == "bpe":
        return set(INVISIBLES)
    shown = visible_whitespace("\n".join(token_text(kind, token) for token in tokens))  # a lone joiner stays lone
    return {mark for mark in INVISIBLES if mark in shown}


INVISIBLES = (WIDE_SPACE_MARK, OTHER_SPACE_MARK, INVISIBLE_MARK)


class VocabularyModel(QAbstractTableModel):
    """Two columns, id and token, over a list of tokens in id order; a token shows as the text it stands for."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tokens: list[str] = []
        self.kind = "char"
        self._search_text: list[str] | None = None

    def set_tokens(self, tokens: list[str], kind: str = "char") -> None:
        """Only the list is kept: a row's text is made when it is drawn, the search texts at the first search
        (GPT-2's 50,257 tokens made up front held the window on every load)."""
        self.beginResetModel()
        self.tokens, self.kind, self._search_text = list(tokens), kind, None
        self.endResetModel()

    def readable(self, row: int) -> str:
        """The token's text, whitespace drawn (bytes decoded, ## and ▁ undone); cached by ``readable_token``."""
        return readable_token(self.kind, self.tokens[row])

    def search_text(self, row: int) -> str:
        """What a search matches: spaces typed in the search box match "␣" as drawn, so both forms are searched."""
        if self._search_text is None:
            typed = str.maketrans({"␣": " ", "↵": "\n", WIDE_SPACE_MARK: "\u3000"})
            self._search_text = [f"{r}\n{r.translate(typed)}"
                                 for r in map(self.readable, range(len(self.tokens)))]
        return self._search_text[row]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.tokens)

    def columnCount(self, parent=QModelIndex()):
        return 2

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return format_count(row) if index.column() == 0 else self.readable(row)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return raw_tooltip(self.tokens[row], self.readable(row), self.kind)
        if role == SEARCH_ROLE:
            return self.search_text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Id") if section == 0 else self.tr("Token")
        return None


class VocabularyFilter(QSortFilterProxyModel):
    """Keeps the tokens whose text contains the search (any case), and the token whose id it is."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.needle = ""

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self.needle = text.casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent):
        if not self.needle:
            return True
        model = self.sourceModel()
        if self.needle.strip().isdigit() and int(self.needle) == row:
            return True
        return self.needle in model.search_text(row).casefold()


class VocabularyBrowser(QWidget):
    """A search box over the vocabulary table; the search matches the tokens' text, or an exact id."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = VocabularyModel(self)
        # The filter is the table's model only while a search is typed: its filterAcceptsRow is Python, called for
        # every row at each reset, and GPT-2's 50,257 rows held the window 0.26 s (load 16) when a folder opened.
        self.filter = VocabularyFilter(self)
        self.proxy: QAbstractItemModel = self.model  # what the table shows
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search tokens by their text, or an id…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        # the legend scrolls where the window is short (900 x 600): it was cut off below the table
        self.hint_area = QScrollArea()
        self.hint_area.setWidget(self.hint)
        self.hint_area.setWidgetResizable(True)
        self.hint_area.setFrameShape(QFrame.Shape.NoFrame)
        self.hint_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.table, 1)
        column.addWidget(self.hint_area)

    def set_tokens(self, tokens: list[str], kind: str) -> None:
        self.model.set_tokens(tokens, kind)
        self._fit_id_column()
        self.hint.setText(self.hint_text(kind, marks_met(tokens, kind)))
        self.hint_area.setVisible(bool(self.hint.text()))
        self._fit_hint()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_hint()

    def _fit_hint(self) -> None:
        """The legend as tall as its lines, but it gives way, down to three lines and a scroll bar, to the table."""
        # measured as wrapped beside a scroll bar: given this height, it needs none
        width = max(self.hint_area.width() - self.hint_area.verticalScrollBar().sizeHint().width(), 100)
        full = self.hint.heightForWidth(width) + 2 if self.hint.text() else 0
        table = self.table.horizontalHeader().height() + 6 * self.table.verticalHeader().defaultSectionSize()
        room = self.height() - self.search.sizeHint().height() - table - 12  # what six rows of the table leave
        least = 3 * self.hint.fontMetrics().lineSpacing() + 4
        self.hint_area.setMaximumHeight(max(full, 0))
        self.hint_area.setMinimumHeight(min(full, max(least, room)))

    def _on_search(self, text: str) -> None:
        shown = self.filter if text else self.model
        self.filter.set_search(text)
        if shown is self.filter and self.filter.sourceModel() is None:
            self.filter.setSourceModel(self.model)  # filtered once, with the search just set
        if shown is not self.proxy:
            self.proxy = shown
            self.table.setModel(shown)
            if shown is self.model:
                self.filter.setSourceModel(None)
            self._fit_id_column()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom
            self._fit_id_column()

    def _fit_id_column(self) -> None:
        table = self.table
        widest = format_count(max(len(self.model.tokens) - 1, 0)).replace("1", "8")  # a wide digit in every place
        margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
        header = table.horizontalHeader()
        # Sized to the widest id, not to the rows: Qt measures only the first 1,000, and "1,234" was cut to "1…".
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        width = max(table.fontMetrics().horizontalAdvance(widest) + margin + 4, header.sectionSizeFromContents(0).width())
        header.resizeSection(0, width)

    def hint_text(self, kind: str, marks: set[str] = frozenset(INVISIBLES)) -> str:
        """How to read the table (rich text): ␣ and ↵ are drawn whitespace, and of ⊔ ⍽ ┊, the characters that
        draw as nothing, those in ``marks`` (``marks_met``); the stored symbols and the characters' names are on
        hover.

        The marks are drawn larger and bold: at the label's size a space or Ġ mark is a dot.
        """
        met = marks
        marks = {name: f"<span style='font-size:x-large; font-weight:600'>{html.escape(ch)}</span>" for name, ch in
                 (("space", "␣"), ("newline", "↵"), ("g", "Ġ"), ("c", "Ċ"), ("meta", "▁"),
                  ("wide", WIDE_SPACE_MARK), ("other", OTHER_SPACE_MARK), ("invisible", INVISIBLE_MARK))}
        marks.update(partial=html.escape("<E6 82>"), byte=html.escape("<E6>"), ing="…ing", hashes="##ing")
        hints = {
            "bpe": self.tr("Tokens are shown as the text they stand for: {space} is a space, {newline} a line "
                           "break, {partial} bytes that are only part of a character. Point at a token for the "
                           "byte symbols it is stored as ({g} for a space, {c} for a line break)."),
            "char": self.tr("{space} is a space, {newline} a line break; {byte} is a byte token, used for "
                            "characters the corpus did not have."),
            "wordpiece": self.tr("{ing} continues a word (stored as {hashes}); {space} is a space."),
            "unigram": self.tr("{space} is a space, stored as {meta}; {newline} a line break."),
        }
        drawn = {WIDE_SPACE_MARK: self.tr("{wide} is a full-width space."),
                 OTHER_SPACE_MARK: self.tr("{other} is another space (no-break, thin …)."),
                 INVISIBLE_MARK: self.tr("{invisible} takes no room (zero-width space, byte-order mark …).")}
        named = [drawn[mark] for mark in INVISIBLES if mark in met]
        if named:
            named.append(self.tr("Point at a token for the name of its character."))
        sentences = [hint.format(**marks) for hint in (hints.get(kind, ""), *named) if hint]
        # a space after an English sentence, none after a Chinese one: "。⊔ 是全角空格。"
        return "".join(s if not i or sentences[i - 1].endswith(("。", "）", "”")) else " " + s
                       for i, s in enumerate(sentences))

    def shown_count(self) -> int:
        return self.proxy.rowCount()


class MergesModel(QAbstractListModel):
    """The BPE merges, first learnt first, as text: "1.  <E6 82> + <9F> → 悟"; the byte symbols on hover."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.merges: list[tuple[str, str]] = []
        self.kind = "bpe"

    def set_merges(self, merges: list[tuple[str, str]], kind: str) -> None:
        self.beginResetModel()
        self.merges, self.kind = list(merges), kind
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.merges)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a, b = self.merges[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = [readable_token(self.kind, t) for t in (a, b, a + b)]
            return "{n}.  {0} + {1} → {2}".format(*text, n=format_count(index.row() + 1))
        if role == Qt.ItemDataRole.ToolTipRole:
            stored = self.tr("Stored as {a} + {b} → {ab}").format(a=repr(a), b=repr(b), ab=repr(a + b))
            return "\n".join([stored, *marks_explained(token_text(self.kind, a + b))])
        return None


class MergesView(QWidget):
    """The BPE merges, first learnt first: "1.  t + h → th"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = MergesModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        # Laid out 1,000 rows per pass of the event loop: GPT-2's 50,000 merges at once held the window ~80 ms.
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(1000)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.caption)
        column.addWidget(self.list, 1)

    def none_text(self, kind: str) -> str:
        return self.tr("Only BPE tokenizers learn merges; a {tokenizer} has none.").format(
            tokenizer=tokenizer_name(kind))

    def set_merges(self, merges: list[tuple[str, str]], kind: str) -> None:
        self.model.set_merges(merges, kind)
        if kind != "bpe":
            self.caption.setText(self.none_text(kind))
        else:
            self.caption.setText(self.tr("{n} merges, in the order they were learnt: the most frequent pair "
                                         "of symbols is joined first.").format(n=format_count(len(merges))))
