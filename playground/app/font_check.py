"""Is Chinese drawn with real glyphs, or as boxes? The installed app's self-test asks before it starts.

A machine with no font for Chinese draws each character as the font's "missing glyph" box.
So Chinese is drawn for real when its rendering differs from that of as many code points that no
font has (U+10FFFD, private use): boxes have the same width and ink, real glyphs differ. Milliseconds.

    chinese_rendering_problem(QFont("DejaVu Sans"))  # None when 分词器 is drawn, else what to install
"""

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

SAMPLE = "分词器"
NO_GLYPH = "\U0010FFFD"  # a private-use code point of plane 16: no font draws it
PACKAGE = "fonts-noto-cjk"  # what the .deb depends on


@dataclass
class Rendering:
    text: str
    width: int  # advance in pixels
    ink: int  # pixels not left white
    image: QImage


def render(text: str, font: QFont) -> Rendering:
    """``text`` drawn in black on white with ``font`` by a real QPainter on a QImage."""
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance(text)
    image = QImage(max(width, 1) + 8, metrics.height() + 8, QImage.Format.Format_Grayscale8)
    image.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(Qt.GlobalColor.black))
    painter.drawText(4, 4 + metrics.ascent(), text)
    painter.end()
    return Rendering(text, width, ink(image), image)


def ink(image: QImage) -> int:
    """How many pixels of a white grayscale image were drawn on."""
    row_bytes = image.bytesPerLine()
    data = bytes(image.constBits())
    return sum(1 for y in range(image.height()) for value in data[y * row_bytes:y * row_bytes + image.width()]
               if value < 255)


def looks_like(a: Rendering, b: Rendering) -> bool:
    """The same glyphs: equal width and nearly equal ink (anti-aliasing may shift a few pixels).

    Both must match: a real glyph can share the box's width by chance ("abc" in DejaVu Sans is
    29 px like three boxes) but not its ink as well.
    """
    return a.width == b.width and abs(a.ink - b.ink) <= max(2, 0.02 * max(a.ink, b.ink))


def drawn_as_boxes(sample: str, font: QFont) -> tuple[Rendering, Rendering] | None:
    """(``sample`` drawn, as many missing glyphs drawn) when ``sample`` has no ink or looks like the boxes,
    else None: drawn for real in ``font`` or a fallback font. Chinese, emoji: any text."""
    drawn, boxes = render(sample, font), render(NO_GLYPH * len(sample), font)
    return (drawn, boxes) if drawn.ink == 0 or looks_like(drawn, boxes) else None


def chinese_rendering_problem(font: QFont, sample: str = SAMPLE) -> str | None:
    """None when ``sample`` is drawn with real glyphs in ``font`` (fallback fonts included), else a message."""
    if (found := drawn_as_boxes(sample, font)) is not None:
        chinese, boxes = found
        return QCoreApplication.translate(
            "FontCheck", "Chinese text is drawn as boxes: no font on this computer has Chinese characters "
            "(\"{sample}\": {ink} pixels of ink, {width} px wide; a missing glyph: {box_ink} pixels, {box_width} px). "
            "Install a Chinese font, e.g. on Debian or Ubuntu: sudo apt install {package}").format(
            sample=sample, ink=chinese.ink, width=chinese.width, box_ink=boxes.ink, box_width=boxes.width,
            package=PACKAGE)
    return None
