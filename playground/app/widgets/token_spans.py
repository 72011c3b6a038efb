"""TokenSpanView: a text drawn as its tokens — coloured spans over the original characters, ids underneath.

The spans come from the tokenizer's offsets. Tokens that share one span (the UTF-8 bytes of an
emoji the vocabulary lacks) form one chip listing every id; text no token covers (spaces a
word tokenizer drops) is drawn plain, so the whole original text is always there.
"""

import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...core.token_text import character_name, marked_characters, readable_token, visible_whitespace
from ...core.tokenizer import METASPACE
from ..numbers import format_count
from ..theme import is_dark, readable_points

UNKNOWN_COLOR = "#d64545"  # the outline of an unknown token (<unk>, or a char tokenizer's byte fallback)

MAX_TOKENS = 1500  # more are counted but not drawn: a pasted book must not freeze the view
LIGHT = ("#ffd8a8", "#b8f0dc", "#cfe5ff", "#ffd6e7", "#e2d8ff", "#dcf5a8")
DARK = ("#7a4a12", "#0f5e52", "#1f4f7c", "#7a2350", "#4a3a8a", "#4d6b16")
PAD, GAP, LINE_GAP = 4.0, 3.0, 6.0


@dataclass
class Chip:
    text: str  # the characters shown (newline and tab as visible marks)
    ids: list[int]  # empty for text no token covers
    tokens: list[str]
    span: tuple[int, int]
    colour: int  # index into the colour cycle; -1 for uncovered text
    unknown: bool = False  # <unk> or byte fallback: the vocabulary lacked it
    breaks: bool = False  # a line break follows
    rect: QRectF | None = None


def visible(text: str) -> str:
    """Whitespace made visible: a space-only chip would otherwise be an empty box. A space between words stays
    a space; a tab, an ideographic space (⊔), another space (⍽) and what draws as nothing (┊) are marked."""
    shown = " ".join(visible_whitespace(part) for part in text.split(" "))
    return shown.replace(" ", "·") if not text.strip() else shown


def character_label(ch: str) -> str:
    """"U+3000 ideographic space": the code point and its name, translated for the characters a learner meets."""
    names = {
        "\u3000": QCoreApplication.translate("InvisibleCharacters", "ideographic space (a full-width space)"),
        "\u00a0": QCoreApplication.translate("InvisibleCharacters", "no-break space"),
        "\u200b": QCoreApplication.translate("InvisibleCharacters", "zero-width space"),
        "\ufeff": QCoreApplication.translate("InvisibleCharacters", "byte-order mark (zero-width no-break space)"),
        "\u200d": QCoreApplication.translate("InvisibleCharacters", "zero-width joiner"),
        "\u00ad": QCoreApplication.translate("InvisibleCharacters", "soft hyphen"),
        "\t": QCoreApplication.translate("InvisibleCharacters", "tab"),
        "\r": QCoreApplication.translate("InvisibleCharacters", "carriage return"),
    }
    if ch not in names and not unicodedata.name(ch, ""):  # Unicode names no control character
        names[ch] = QCoreApplication.translate("InvisibleCharacters", "control character")
    return f"U+{ord(ch):04X} {names[ch]}" if ch in names else character_name(ch)


def marks_explained(text: str) -> list[str]:
    """One line for each character of ``text`` drawn as a mark (the space and the line break aside):
    "“⊔” is U+3000 ideographic space (a full-width space)"."""
    return [QCoreApplication.translate("InvisibleCharacters", "“{mark}” is {name}").format(
        mark=visible_whitespace(ch), name=character_label(ch)) for ch in marked_characters(text)]


def build_chips(text: str, ids: list[int], tokens: list[str], offsets: list[tuple[int, int]],
                unknown_ids: set[int], limit: int = MAX_TOKENS) -> list[Chip]:
    """Chips in text order: token groups by shared span, with the uncovered text between them."""
    chips: list[Chip] = []
    pos, i, n = 0, 0, min(len(ids), limit)
    while i < n:
        start, end = offsets[i]
        j = i
        while j + 1 < n and tuple(offsets[j + 1]) == (start, end):
            j += 1
        if start > pos:
            _add_text(chips, text[pos:start], [], [], (pos, start), -1, False)
        group_ids, group_tokens = ids[i:j + 1], tokens[i:j + 1]
        unknown = any(t in unknown_ids for t in group_ids)
        _add_text(chips, text[start:end], group_ids, group_tokens, (start, end), len(chips), unknown)
        pos, i = max(pos, end), j + 1
    if n == len(ids) and pos < len(text):
        _add_text(chips, text[pos:], [], [], (pos, len(text)), -1, False)
    return chips


def _add_text(chips, piece, ids, tokens, span, colour, unknown) -> None:
    """One chip, split at newlines: a line break ends the chip's line in the view. Newlines in a row stay one
    chip ("\n\n", a token of Unigram or BPE trained on paragraphs, is one ↵↵ chip, not two chips of one id)."""
    lines = piece.split("\n")
    first = len(chips)
    for k, line in enumerate(lines):
        last = k == len(lines) - 1
        shown = visible(line) + ("" if last else "↵")
        if not shown and last:
            continue
        if not line and k and len(chips) > first and chips[-1].breaks:
            chips[-1].text += "↵"  # another line break right after this piece's last one
            continue
        chips.append(Chip(shown, ids, tokens, span, colour, unknown, breaks=not last))


class TokenSpanView(QWidget):
    """Draws chips in lines that wrap at the widget's width; hover shows id, token and offsets."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.chips: list[Chip] = []
        self.source = ""  # the text the chips show
        self.total_tokens = 0
        self.kind = "char"  # the tokenizer kind, to read its tokens
        self.special_ids: frozenset[int] = frozenset()  # the tokenizer's special tokens, which stand for no text
        self.placeholder = ""
        self._laid_out_width = -1
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_tokens(self, text: str, encoding, unknown_ids: set[int] = frozenset(), kind: str = "char",
                   special_ids: frozenset[int] = frozenset()) -> None:
        """Show ``encoding`` (ids, tokens, offsets from a core tokenizer of ``kind``, whose ``special_ids()`` are
        ``special_ids``) of ``text``."""
        self.kind, self.special_ids = kind, frozenset(special_ids)
        self.total_tokens, self.source = len(encoding.ids), text
        self.chips = build_chips(text, encoding.ids, encoding.tokens, encoding.offsets, set(unknown_ids))
        self.placeholder = ""
        self._relayout()

    def show_placeholder(self, text: str) -> None:
        self.chips, self.total_tokens, self.placeholder, self.source = [], 0, text, ""
        self._relayout()

    def token_count(self) -> int:
        return self.total_tokens

    def drawn_ids(self) -> list[int]:
        return [i for chip in self.chips if chip.ids for i in chip.ids]

    # --- layout -------------------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont]:
        text_font = QFont(self.font())
        id_font = QFont(self.font())
        id_font.setPointSizeF(readable_points(max(6.0, self.font().pointSizeF() * 0.72)))
        return text_font, id_font

    def _relayout(self) -> None:
        self._laid_out_width = -1
        self._layout(self.width())
        self.update()

    def _layout(self, width: int) -> None:
        if width == self._laid_out_width:
            return
        self._laid_out_width = width
        text_font, id_font = self._fonts()
        tm, im = QFontMetricsF(text_font), QFontMetricsF(id_font)
        height = tm.height() + im.height() + 2 * PAD
        x = y = GAP
        for chip in self.chips:
            w = max(tm.horizontalAdvance(chip.text), im.horizontalAdvance(self._id_text(chip))) + 2 * PAD
            if x + w > width - GAP and x > GAP:
                x, y = GAP, y + height + LINE_GAP
            chip.rect = QRectF(x, y, w, height)
            x += w + GAP
            if chip.breaks:
                x, y = GAP, y + height + LINE_GAP
        total = y + height + GAP if self.chips else 3 * tm.height()
        if len(self.chips) and self.total_tokens > MAX_TOKENS:
            total += tm.height() + GAP
        self.setMinimumHeight(int(total) + 1)

    @staticmethod
    def _id_text(chip: Chip) -> str:
        return " ".join(str(i) for i in chip.ids)

    def resizeEvent(self, event):
        self._layout(event.size().width())
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(400, self.minimumHeight())

    def changeEvent(self, event):
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._relayout()
        super().changeEvent(event)

    # --- painting -------------------------------------------------------------------------------
    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text_colour = palette.color(QPalette.ColorRole.Text)
        if not self.chips:
            painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.TextFlag.TextWordWrap, self.placeholder)
            return
        colours = [QColor(c) for c in (DARK if is_dark(palette) else LIGHT)]
        dim = QColor(text_colour)
        dim.setAlphaF(0.65)
        text_font, id_font = self._fonts()
        tm = QFontMetricsF(text_font)
        visible_rect = QRectF(event.rect())
        for chip in self.chips:
            if not chip.rect.intersects(visible_rect):
                continue
            self._paint_chip(painter, chip, colours, text_colour, dim, text_font, id_font, tm)
        if self.total_tokens > MAX_TOKENS:
            painter.setFont(text_font)
            painter.setPen(dim)
            y = self.chips[-1].rect.bottom() + GAP + tm.ascent()
            painter.drawText(QPointF(GAP, y), self.tr("… and {n} more tokens (not drawn)").format(
                n=format_count(self.total_tokens - MAX_TOKENS)))

    def _paint_chip(self, painter, chip, colours, text_colour, dim, text_font, id_font, tm) -> None:
        r = chip.rect
        if chip.colour >= 0:
            painter.setPen(QPen(QColor(UNKNOWN_COLOR), 1.5) if chip.unknown else Qt.PenStyle.NoPen)
            painter.setBrush(colours[chip.colour % len(colours)])
            painter.drawRoundedRect(r, 4, 4)
        painter.setFont(text_font)
        painter.setPen(text_colour if chip.colour >= 0 else dim)
        painter.drawText(QPointF(r.x() + PAD, r.y() + PAD + tm.ascent()), chip.text)
        if chip.ids:
            painter.setFont(id_font)
            painter.setPen(dim)
            painter.drawText(QPointF(r.x() + PAD, r.bottom() - PAD - QFontMetricsF(id_font).descent()),
                             self._id_text(chip))

    # --- hover ----------------------------------------------------------------------------------
    def chip_at(self, point) -> Chip | None:
        return next((c for c in self.chips if c.rect is not None and c.rect.contains(QPointF(point))), None)

    def token_row(self, token_id: int, token: str) -> str:
        """"id 4   token '␣悟空'  (stored as 'ĠæĤŁç©º')": the token's text, and its raw form when it differs."""
        text = readable_token(self.kind, token)
        row = self.tr("id {id}   token {token}").format(id=token_id, token=repr(text))
        return row if text == token else row + "  " + self.tr("(stored as {raw})").format(raw=repr(token))

    def tooltip_for(self, chip: Chip) -> str:
        marks = marks_explained(self.source[chip.span[0]:chip.span[1]])
        if not chip.ids:
            return "\n".join([self.tr("Characters {a}–{b}: not part of any token").format(
                a=chip.span[0], b=chip.span[1]), *marks])
        rows = [self.token_row(i, t) for i, t in zip(chip.ids, chip.tokens)] + marks
        rows.append(self.tr("characters {a}–{b}").format(a=chip.span[0], b=chip.span[1]))
        if self.kind == "unigram" and len(chip.ids) > 1 and METASPACE in chip.tokens:  # "▁" + "悟": one chip
            rows.append(self.tr("“▁” is unigram's mark for the start of a word (the text's start, or a space): no "
                                "token holds it together with the next character, so it is a token of its own"))
        if chip.unknown:
            rows.append(self.tr("not in the vocabulary: unknown or spelled as bytes"))
        return "\n".join(rows)

    def event(self, event):
        if event.type() == QEvent.Type.ToolTip:
            chip = self.chip_at(event.position() if hasattr(event, "position") else event.pos())
            if chip is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(chip), self)
            return True
        return super().event(event)
