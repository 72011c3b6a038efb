"""Browsing a tokenizer: its vocabulary (id → token, searchable) and, for BPE, its merges in order."""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, QStringListModel, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QListView, QTableView, QVBoxLayout, QWidget


def shown(token: str) -> str:
    """A token with its whitespace visible: "\n" -> "↵", " " -> "␣", tab -> "⇥"."""
    return token.replace("\n", "↵").replace("\t", "⇥").replace(" ", "␣")


class VocabularyModel(QAbstractTableModel):
    """Two columns, id and token, over a list of tokens in id order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tokens: list[str] = []

    def set_tokens(self, tokens: list[str]) -> None:
        self.beginResetModel()
        self.tokens = list(tokens)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.tokens)

    def columnCount(self, parent=QModelIndex()):
        return 2

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return index.row() if index.column() == 0 else shown(self.tokens[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return repr(self.tokens[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Id") if section == 0 else self.tr("Token")
        return None


class VocabularyBrowser(QWidget):
    """A search box over the vocabulary table; the search matches tokens, or an exact id."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = VocabularyModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search tokens…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.hint = QLabel(self.tr("In byte-level BPE, Ġ stands for a space and Ċ for a line break."))
        self.hint.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.table, 1)
        column.addWidget(self.hint)

    def set_tokens(self, tokens: list[str], kind: str) -> None:
        self.model.set_tokens(tokens)
        self.hint.setVisible(kind == "bpe")

    def shown_count(self) -> int:
        return self.proxy.rowCount()


class MergesView(QWidget):
    """The BPE merges, first learnt first: "1.  t + h → th"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = QStringListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.caption)
        column.addWidget(self.list, 1)

    def set_merges(self, merges: list[tuple[str, str]], kind: str) -> None:
        self.model.setStringList([f"{i}.  {a} + {b} → {a}{b}" for i, (a, b) in enumerate(merges, 1)])
        if kind != "bpe":
            self.caption.setText(self.tr("Only BPE tokenizers learn merges; a {kind} tokenizer has none.").format(
                kind=kind))
        else:
            self.caption.setText(self.tr("{n} merges, in the order they were learnt: the most frequent pair "
                                         "of symbols is joined first.").format(n=len(merges)))
