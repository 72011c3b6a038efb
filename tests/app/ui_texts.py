"""Every text a user can see in a window, and whether it is still English: the Chinese UI's coverage check.

``TextCollector`` walks real widgets (labels, buttons, actions and menus, group boxes, tabs,
tooltips, placeholders, combo items, table and list headers, window titles, the status bar,
pyqtgraph axis labels, legends and titles, and the texts panels paint themselves through
``QPainter.drawText``) and records each text with where it was seen.

``Catalogue.classify`` says what a text is:
- "english": it matches a source of the translation catalogues (``.ts`` and ``.po``) whose
  translation was not used, or, never wrapped in tr()/_(), it has a run of two or more English
  words (once the reviewed ``ALLOWED`` terms, numbers, file names and the data are taken out, and
  unless a translation keeps those words on purpose: an English dataset's example sentence);
- "translated": it has Chinese in it and is not English by the rules above;
- "neutral": neither (numbers, "GELU", a token): not counted.
The data (the corpus, examples, what the user typed, generated text) is never counted: the
collector does not read text boxes' contents, and ``DataTexts`` is removed from every text before
the word rule looks at it.
"""

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QGroupBox, QLabel,
                               QLineEdit, QListWidget, QMainWindow, QMenu, QPlainTextEdit, QProgressBar, QTabBar,
                               QTableWidget, QTextBrowser, QTextEdit, QWidget)

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "translations"
PO_DIR = ROOT / "resources" / "locale"

# Reviewed: terms a Chinese interface keeps as they are (technical names, notation), each on purpose.
ALLOWED = [
    "GELU", "ReLU", "SwiGLU", "BPE", "WordPiece", "Unigram", "softmax", "logits", "logit", "top-k", "top-p",
    "<eos>", "<bos>", "<pad>", "<unk>", "<sep>", "PyTorch", "PySide6", "Python", "Qt", "CPU", "CUDA", "MPS", "GPU",
    "PCA", "NFKC", "UTF-8", "RoPE", "Pre-LN", "Post-LN", "AdamW", "FLOPs", "F1", "Transformer Playground",
    "Transformer", "Ctrl", "Shift", "MIT",
]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
WORD = r"[A-Za-z]+(?:['’-][A-Za-z]+)*"
ENGLISH_RUN = re.compile(rf"(?<![A-Za-z0-9_]){WORD}(?![A-Za-z0-9_])(?:[ \t]+{WORD}(?![A-Za-z0-9_]))+")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")
TAG = re.compile(r"<[^<>]+>")
PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\w.~-]+[/\\]|[/\\][\w.~-])[^\s,;:()“”\"']*|\b[\w-]+\.(?:txt|playground|json|jsonl|safetensors|"
                  r"md|csv|png|svg|ts|po|qm|mo|deb|py)\b")
URL = re.compile(r"https?://\S+")


def plain(text: str) -> str:
    """Text as a user reads it: tags off, entities decoded, '&' mnemonics off ("&File" → "File")."""
    text = html.unescape(TAG.sub("\n", text.replace("<br>", "\n")))
    text = re.sub(r"\(&([A-Za-z])\)", r"(\1)", text)  # 文件(&F): keep the letter out of the word rule below
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("\u00a0", " ")


def _letters(text: str) -> int:
    return len(re.findall(r"[A-Za-z]", PLACEHOLDER.sub("", text)))


@dataclass
class Message:
    source: str
    translation: str  # "" when not translated
    file: str


@dataclass
class Verdict:
    kind: str  # "english", "translated" or "neutral"
    why: str = ""


class Catalogue:
    """The sources and translations of every ``.ts`` and ``.po`` file, as patterns to match shown texts."""

    def __init__(self, messages: list[Message]):
        self.messages = [m for m in messages if _letters(m.source) >= 2
                         and plain(m.source).strip() not in ALLOWED and m.translation.strip() != m.source.strip()]
        self._patterns = [(self._pattern(m.source), m) for m in self.messages]
        # English a translator kept on purpose inside a translation (an example sentence of an English dataset)
        self._kept = [plain(m.translation) for m in messages if m.translation and CJK.search(m.translation)]

    @classmethod
    def load(cls, ts_files=None, po_files=None) -> "Catalogue":
        ts_files = sorted(TS_DIR.glob("*/*.ts")) if ts_files is None else ts_files
        po_files = sorted(PO_DIR.glob("*/*.po")) if po_files is None else po_files
        messages = []
        for path in ts_files:
            for message in ET.parse(path).getroot().iter("message"):
                source = message.findtext("source") or ""
                node = message.find("translation")
                text = ""
                if node is not None and node.get("type") not in ("unfinished", "obsolete", "vanished"):
                    forms = [f.text or "" for f in node.findall("numerusform")]
                    text = forms[0] if forms else (node.text or "")
                messages.append(Message(source, text, Path(path).name))
        for path in po_files:
            messages += [Message(s, t, Path(path).name) for s, t in read_po(path)]
        return cls(messages)

    @staticmethod
    def _pattern(source: str) -> re.Pattern:
        text = plain(source).strip()
        parts, last = [], 0
        for m in PLACEHOLDER.finditer(text):
            parts += [re.escape(text[last:m.start()]), r"(.+?)"]
            last = m.end()
        parts.append(re.escape(text[last:]))
        return re.compile("".join(parts), re.DOTALL)

    def source_of(self, text: str) -> Message | None:
        """The catalogue message ``text`` shows in English (whole, or one of its lines), if any."""
        shown = plain(text)
        pieces = [shown.strip()] + [line.strip() for line in shown.splitlines() if line.strip()]
        for piece in pieces:
            for pattern, message in self._patterns:
                if pattern.fullmatch(piece):
                    return message
        return None

    def classify(self, text: str, data: "DataTexts") -> Verdict:
        message = self.source_of(text)
        if message is not None:
            return Verdict("english", f"the English source in {message.file}")
        if data.contains(plain(text).strip()):
            return Verdict("neutral", "the data's")
        rest = data.remove(plain(text))
        rest = URL.sub(" ", PATH.sub(" ", rest))
        for term in sorted(ALLOWED, key=len, reverse=True):
            rest = re.sub(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", " ", rest)
        runs = [r for r in ENGLISH_RUN.finditer(rest) if max(len(w) for w in r.group().split()) >= 3
                and not any(r.group() in kept for kept in self._kept)]
        run = runs[0] if runs else None
        if run:
            part = next((m for m in self.messages if run.group() in plain(m.source)), None)
            if part is not None:  # a translatable piece joined to others in the code
                return Verdict("english", f"English words, part of a source in {part.file}: {run.group()!r}")
            return Verdict("english", f"English words, not from a catalogue: {run.group()!r}")
        if CJK.search(rest):
            return Verdict("translated")
        return Verdict("neutral")


def read_po(path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file; the header and plural forms beyond the first are left out."""
    pairs, key, values = [], None, {}
    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if line.startswith("#"):
            continue
        m = re.match(r'(msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\])\s+(".*")$', line)
        if m:
            key = m.group(1)
            values[key] = json.loads(m.group(2))
        elif line.startswith('"') and key:
            values[key] += json.loads(line)
        elif not line and values:
            msgid = values.get("msgid", "")
            if msgid:
                pairs.append((msgid, values.get("msgstr", values.get("msgstr[0]", ""))))
            key, values = None, {}
    return pairs


class DataTexts:
    """Text that is the user's or the data's, not the interface's: taken out before the word rule."""

    def __init__(self):
        self.texts: set[str] = set()

    def add(self, *texts: str) -> None:
        for text in texts:
            for piece in [text, *str(text).splitlines()]:
                piece = piece.strip()
                if len(piece) >= 2:
                    self.texts.add(piece)

    def contains(self, text: str) -> bool:
        """A piece of the data shown on its own (a token, a line of the corpus)."""
        return bool(text) and any(text in piece for piece in self.texts)

    def remove(self, text: str) -> str:
        for piece in sorted(self.texts, key=len, reverse=True):
            if piece in text:
                text = re.sub(rf"(?<![A-Za-z]){re.escape(piece)}(?![A-Za-z])", " ¶ ", text)
        return text


@dataclass
class Seen:
    text: str
    where: str  # the panel, menu or dialog
    widget: str  # what showed it: "QLabel", "tooltip of QPushButton", ...


@dataclass
class TextCollector:
    """Collects what a user can see; ``place`` names where the window is (a panel, a dialog)."""

    seen: dict[str, Seen] = field(default_factory=dict)
    place: str = ""
    skip_cells_of: set = field(default_factory=set)  # views whose rows are data (examples, tokens, vocabulary)
    data_views: set = field(default_factory=set)  # read-only views of data (generated text): placeholder only

    def add(self, text, widget: str, where: str | None = None) -> None:
        text = str(text or "").strip()
        if text and _letters(text) + len(CJK.findall(text)) > 0 and text not in self.seen:
            self.seen[text] = Seen(text, where or self.place, widget)

    def widget_tree(self, root: QWidget) -> None:
        """Every shown widget under ``root`` (``root`` included)."""
        for widget in [root, *root.findChildren(QWidget)]:
            if widget is root or (widget.isVisibleTo(root) and widget.isVisible()):
                self.widget(widget)

    def widget(self, w: QWidget) -> None:
        kind = type(w).__name__
        for tip, name in ((w.toolTip(), "tooltip"), (w.statusTip(), "status tip"), (w.whatsThis(), "what's this")):
            self.add(tip, f"{name} of {kind}")
        if w.isWindow():
            self.add(w.windowTitle(), f"window title of {kind}")
        if isinstance(w, QLabel):
            self.add(w.text(), kind)
        elif isinstance(w, QAbstractButton):
            self.add(w.text(), kind)
        elif isinstance(w, QGroupBox):
            self.add(w.title(), f"title of {kind}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    self.add(w.tabText(i), "tab")
                    self.add(w.tabToolTip(i), "tooltip of a tab")
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                self.add(w.itemText(i), f"item of {kind}")
                self.add(w.itemData(i, Qt.ItemDataRole.ToolTipRole), f"tooltip of an item of {kind}")
        elif isinstance(w, QTextBrowser) and w not in self.data_views:
            self.add(w.toPlainText(), kind)  # read-only text written by the app (worked numbers)
            self.add(w.placeholderText(), f"placeholder of {kind}")
        elif isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            self.add(w.placeholderText(), f"placeholder of {kind}")  # the contents are the user's or the data's
        elif isinstance(w, QAbstractSpinBox):
            for name in ("prefix", "suffix", "specialValueText"):
                self.add(getattr(w, name)(), f"{name} of {kind}")
        elif isinstance(w, QProgressBar) and w.isTextVisible():
            self.add(w.text(), kind)
        if isinstance(w, QAbstractItemView):
            self.item_view(w)
        if isinstance(w, QMainWindow):
            self.add(w.statusBar().currentMessage(), "status bar")
        if _is_pyqtgraph_view(w):
            self.plot(w)

    def item_view(self, view: QAbstractItemView) -> None:
        model = view.model()
        if model is None:
            return
        kind = type(view).__name__
        for orientation, header in ((Qt.Orientation.Horizontal, getattr(view, "horizontalHeader", None)),
                                    (Qt.Orientation.Vertical, getattr(view, "verticalHeader", None))):
            if header is not None and header().isVisible():
                count = (model.columnCount(QModelIndex()) if orientation == Qt.Orientation.Horizontal
                         else model.rowCount(QModelIndex()))
                for section in range(min(count, 50)):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.headerData(section, orientation, role)
                        if isinstance(value, str):
                            self.add(value, f"header of {kind}")
        if view in self.skip_cells_of or not isinstance(view, (QListWidget, QTableWidget)):
            return
        if isinstance(view, QListWidget):
            items = [view.item(i) for i in range(min(view.count(), 100))]
        else:
            items = [view.item(r, c) for r in range(min(view.rowCount(), 100)) for c in range(view.columnCount())]
        for item in items:
            if item is not None and not (isinstance(view, QListWidget) and item.isHidden()):
                self.add(item.text(), f"row of {kind}")
                self.add(item.toolTip(), f"tooltip of a row of {kind}")

    def plot(self, view) -> None:
        """pyqtgraph: axis labels, plot titles, legend entries and text items in the view's scene."""
        import pyqtgraph as pg

        for item in view.scene().items():
            if not item.isVisible():
                continue
            if isinstance(item, pg.AxisItem) and item.label.isVisible():
                self.add(item.labelText, "axis label")
            elif isinstance(item, pg.LabelItem):
                self.add(item.text, "plot title or legend")
            elif isinstance(item, pg.TextItem):
                self.add(item.toPlainText(), "text in a plot")

    def menus(self, window: QWidget) -> None:
        """Menus of the menu bar and of buttons, every action's text and tips."""
        for menu in window.findChildren(QMenu):
            menu.aboutToShow.emit()  # menus filled on demand (recent sessions)
            where = f"menu {plain(menu.title())}" if menu.title() else f"menu of a {type(menu.parent()).__name__}"
            self.add(menu.title(), "menu title", where)
            for action in menu.actions():
                self.action(action, where)
        for action in window.findChildren(QAction):
            self.action(action, self.place)

    def action(self, action: QAction, where: str) -> None:
        if action.isSeparator() or not action.text():
            return
        self.add(action.text(), "action", where)
        for tip, name in ((action.toolTip(), "tooltip"), (action.statusTip(), "status tip")):
            if plain(tip) != plain(action.text()).rstrip("…."):  # Qt's default tooltip is the text itself
                self.add(tip, f"{name} of an action", where)


def _is_pyqtgraph_view(widget) -> bool:
    import pyqtgraph as pg

    return isinstance(widget, pg.GraphicsView)


@contextmanager
def painted_texts(collector: TextCollector):
    """Texts widgets draw themselves (QPainter.drawText from Python), recorded as they are drawn."""
    original = QPainter.drawText

    def spy(painter, *args):
        device = painter.device()
        for arg in args:
            if isinstance(arg, str):
                collector.add(arg, f"painted by {type(device).__name__}")
        return original(painter, *args)

    QPainter.drawText = spy
    try:
        yield
    finally:
        QPainter.drawText = original


@dataclass
class Coverage:
    translated: list[Seen]
    english: list[tuple[Seen, str]]
    neutral: list[Seen]

    @property
    def figure(self) -> str:
        total = len(self.translated) + len(self.english)
        share = 100 * len(self.translated) / total if total else 0.0
        return f"{len(self.translated)} / {total} strings translated ({share:.1f} %)"

    def leftovers(self) -> str:
        """The strings still in English, grouped by where they were seen."""
        groups = defaultdict(list)
        for seen, why in self.english:
            text = seen.text if len(seen.text) <= 160 else seen.text[:157] + "..."
            groups[seen.where].append(f"    [{seen.widget}] {text!r}  ({why})")
        return "\n".join(f"  {where}:\n" + "\n".join(sorted(lines)) for where, lines in sorted(groups.items()))


def coverage(collector: TextCollector, catalogue: Catalogue, data: DataTexts, dump: str | None = None) -> Coverage:
    """Each text seen, classified; ``dump`` (a file name) also gets them all as JSON, with their verdicts."""
    result = Coverage([], [], [])
    rows = []
    for seen in collector.seen.values():
        verdict = catalogue.classify(seen.text, data)
        rows.append({"text": seen.text, "where": seen.where, "widget": seen.widget, "verdict": verdict.kind,
                     "why": verdict.why})
        if verdict.kind == "english":
            result.english.append((seen, verdict.why))
        elif verdict.kind == "translated":
            result.translated.append(seen)
        else:
            result.neutral.append(seen)
    if dump:
        Path(dump).write_text(json.dumps({"texts": rows, "data": sorted(data.texts)}, ensure_ascii=False, indent=1),
                              encoding="utf-8")
    return result
