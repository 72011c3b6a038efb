"""TokenStreamView: generated tokens as text, each on a background tinted by its probability.

Hovering a token shows the alternatives it beat in a tooltip and reports the token's index
(``token_hovered``); clicking reports it too (``token_clicked``), so a side table can pin it.
"""

import html
import re

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextBrowser, QToolTip

from ...core.token_text import visible_whitespace
from ..numbers import format_probability
from .token_spans import UNKNOWN_COLOR  # a prompt's <unk> text: the red the Tokenize panel outlines it with

HREF = "token:"
TEXT_SCALE = 1.25  # the output against the application font: it is what the class reads
_HEX_BYTES = re.compile(r"(<[0-9A-F]{2}(?: [0-9A-F]{2})*>)")  # bytes of a split character, as bytes_text writes them
_SPACING = re.compile(r"([ \n\t])")
UNKNOWN_MARK = QTextFormat.Property.UserProperty  # set on the prompt's characters that became <unk>


def probability_color(p: float, base: QColor) -> QColor:
    """Red for unlikely, through yellow, to green for likely, blended into the background ``base``.

    The blend is lighter on a dark background, so the theme's own text colour stays readable.
    """
    p = min(max(p, 0.0), 1.0)
    tint = QColor.fromHsvF(p / 3.0, 0.75, 0.95)  # hue 0 (red) .. 1/3 (green)
    alpha = 0.55 if base.lightnessF() > 0.5 else 0.38
    mixed = [alpha * t + (1 - alpha) * b for t, b in
             zip((tint.redF(), tint.greenF(), tint.blueF()), (base.redF(), base.greenF(), base.blueF()))]
    return QColor.fromRgbF(*mixed)


def shown_token(text: str) -> str:
    """What a token looks like in the output: a line break keeps a visible mark before it, a tab too; control
    characters and what draws as nothing are marked (⊔ an ideographic space, ┊ a zero-width space), but for a
    joiner, which may join this token's emoji to the next one's (👩‍👩‍👧 in three tokens)."""
    parts = _SPACING.split(text)
    marks = {" ": " ", "\n": "↵\n", "\t": "→\t"}
    return "".join(marks[part] if k % 2 else visible_whitespace(part, lone_joiners=False)
                   for k, part in enumerate(parts))


def is_special_name(token: str) -> bool:
    """A special token such as <eos>, which the output shows by name (it adds no text)."""
    return token.startswith("<") and token.endswith(">") and len(token) > 2 and not token.startswith("<0x")


def quoted(text: str) -> str:
    """A token for a table or tooltip: line break, tab, spaces, control characters and what draws as nothing
    (⊔ an ideographic space, ┊ a zero-width one) made visible; the space between the hex bytes of a split
    character (``<E6 82>``) is not text and stays a space."""
    parts = _HEX_BYTES.split(text.replace("\t", "→"))
    return "".join(part if i % 2 else visible_whitespace(part) for i, part in enumerate(parts))


class TokenStreamView(QTextBrowser):
    """Read-only text of a prompt and the tokens after it; ``steps`` holds their TokenSteps.

    Each token shows the text it adds to the decoded output (its ``text``, spacing included), so
    the view reads as the decoded text; a special such as <eos> adds none and shows its name.
    """

    token_hovered = Signal(int)
    token_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setMouseTracking(True)
        self.steps: list = []
        self.highlighted.connect(self._on_highlighted)
        self.anchorClicked.connect(self._on_clicked)
        self._follow_zoom()

    def _follow_zoom(self) -> None:
        """The text 1.25 times the widget's font. The widget's own font stays inherited (an explicit one missed
        presentation mode's zoom: the output stayed at 15 px), so each zoom reaches it as a FontChange."""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * TEXT_SCALE)
        self.document().setDefaultFont(font)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)  # QTextEdit gives the document the widget's font: ours goes on top
        if event.type() == QEvent.Type.FontChange:
            self._follow_zoom()

    def clear_tokens(self) -> None:
        self.steps = []
        self.clear()

    def add_prompt(self, text: str, unknown: list[tuple[int, int]] = ()) -> None:
        """Text before the generated tokens, drawn plain and dimmed; the character spans in ``unknown`` (of
        tokens that became <unk>) in red over a red wave, their tooltip saying so."""
        fmt = QTextCharFormat()
        fmt.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        marked = QTextCharFormat(fmt)
        marked.setForeground(QColor(UNKNOWN_COLOR))
        marked.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        marked.setUnderlineColor(QColor(UNKNOWN_COLOR))
        marked.setProperty(UNKNOWN_MARK, True)
        marked.setToolTip(self.tr("Unknown to the tokenizer: the model sees <unk> here, not this text"))
        cursor, at = self._end(), 0
        for start, end in sorted(unknown):
            if end <= at:  # inside a span already marked (a unigram <unk> may overlap its neighbour)
                continue
            cursor.insertText(text[at:max(start, at)], fmt)
            cursor.insertText(text[max(start, at):end], marked)
            at = end
        cursor.insertText(text[at:], fmt)

    def unknown_text(self) -> list[str]:
        """The runs of the prompt drawn as unknown, read back from the view."""
        runs, block = [], self.document().begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.charFormat().property(UNKNOWN_MARK):
                    runs.append(fragment.text())
                iterator += 1
            block = block.next()
        return runs

    def add_token(self, step) -> None:
        """Append a TokenStep (text, probability, alternatives) as a tinted, hoverable span."""
        index = len(self.steps)
        self.steps.append(step)
        fmt = QTextCharFormat()
        base = self.palette().color(QPalette.ColorRole.Base)
        tint = probability_color(step.probability, base)
        if index % 2:  # every other token a shade off, so neighbours with the same probability stay apart
            tint = tint.darker(112) if base.lightnessF() > 0.5 else tint.lighter(125)
        fmt.setBackground(tint)
        fmt.setForeground(self.palette().color(QPalette.ColorRole.Text))
        fmt.setAnchor(True)
        fmt.setAnchorHref(f"{HREF}{index}")
        cursor = self._end()
        if step.text:
            cursor.insertText(shown_token(step.text), fmt)
        if is_special_name(step.token):  # after any held bytes it flushed, as the last token
            fmt.setFontItalic(True)
            cursor.insertText(step.token, fmt)
        self.ensureCursorVisible()

    def _end(self) -> QTextCursor:
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.setTextCursor(cursor)
        return cursor

    def text(self) -> str:
        """The generated text as decoded (specials such as <eos> add nothing)."""
        return "".join(step.text for step in self.steps)

    # --- hover and click -------------------------------------------------------------------
    def index_at(self, pos) -> int | None:
        """The token under a viewport position, or None."""
        return self._index(self.anchorAt(pos))

    def _index(self, href: str) -> int | None:
        if href.startswith(HREF):
            index = int(href[len(HREF):])
            if 0 <= index < len(self.steps):
                return index
        return None

    def _on_highlighted(self, url) -> None:
        index = self._index(url.toString())
        if index is not None:
            self.token_hovered.emit(index)

    def _on_clicked(self, url) -> None:
        index = self._index(url.toString())
        if index is not None:
            self.token_clicked.emit(index)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            index = self.index_at(event.pos())
            tip = self.cursorForPosition(event.pos()).charFormat().toolTip()  # an unknown piece of the prompt
            if index is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_html(index), self.viewport())
            elif tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tooltip_html(self, index: int) -> str:
        """The token, its probability and the likeliest tokens at its position, as a small table."""
        step = self.steps[index]
        rows = []
        for token_id, text, p in step.alternatives:
            shown = html.escape(quoted(text))
            if token_id == step.id:
                shown = f"<b>{shown}</b>"
            rows.append(f"<tr><td>{shown}</td><td align='right'>{html.escape(format_probability(p))}</td></tr>")
        head = self.tr("<b>{token}</b> with probability {p}").format(
            token=html.escape(quoted(step.token)), p=html.escape(format_probability(step.probability)))
        return f"{head}<table cellspacing='4'>{''.join(rows)}</table>"
