"""A clipping detector for the app's layouts: which visible texts do not fit the room they were given.

``clipped_texts(root)`` walks every visible label, button, check box, group box title, tab,
combo box and list row under ``root`` and compares the size its text needs (the font's advance plus the
style's margins, through ``sizeHint``/``minimumSizeHint``/``sizeFromContents``; for a word-wrapped
label ``heightForWidth``) with the geometry it actually has. A text elided on purpose (an
ellipsis inside a word, "Journey_to…edition.txt") passes only with a tooltip that says the rest;
an elided tab or list row, only when its tooltip holds its text. A widget smaller than its own layout's
minimum is reported too: its children overlap or are cut whatever they show. Each finding is a
``Clip`` that reads like "QLabel 'Remaining:' needs 71×17, has 52×17".
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QCheckBox, QComboBox, QGroupBox, QLabel,
                               QListWidget, QPushButton, QRadioButton, QStackedLayout, QStackedWidget, QStyle,
                               QStyleOptionButton, QStyleOptionComboBox, QStyleOptionGroupBox, QTabBar, QToolButton,
                               QWidget)

ELIDED = re.compile(r"\S…\S")  # an ellipsis inside a word is an elision ("Loading…" ends a sentence)


@dataclass
class Clip:
    widget: QWidget
    text: str
    needed: QSize
    actual: QSize
    why: str = ""

    def __str__(self) -> str:
        name = self.widget.objectName() or type(self.widget).__name__
        text = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return (f"{name} {text!r} needs {self.needed.width()}×{self.needed.height()}, "
                f"has {self.actual.width()}×{self.actual.height()}{' (' + self.why + ')' if self.why else ''}")


def plain(text: str) -> str:
    """A button's text as drawn: '&&' is one '&', a single '&' marks a mnemonic and is not drawn."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisible() and widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def _label(label: QLabel) -> list[Clip]:
    text = label.text()
    if not text.strip() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    if ELIDED.search(text) and not label.toolTip().strip():  # "Journey_to…edition.txt": elided on purpose
        return [Clip(label, text, label.sizeHint(), label.size(), "elided without the full text in its tooltip")]
    size = label.size()
    if label.wordWrap():
        needed = QSize(label.minimumSizeHint().width(), label.heightForWidth(size.width()))
    else:
        needed = label.sizeHint()
    if needed.width() > size.width() or needed.height() > size.height():
        return [Clip(label, text, needed, size)]
    return []


def _button_needed(button: QAbstractButton) -> QSize:
    """The room the button's text and icon need, without a style's minimum width for text buttons."""
    fm = button.fontMetrics()
    text = plain(button.text())
    if isinstance(button, QPushButton):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)
        content = QSize(fm.horizontalAdvance(text), fm.height())
        if not button.icon().isNull():
            content.setWidth(content.width() + opt.iconSize.width() + 4)
            content.setHeight(max(content.height(), opt.iconSize.height()))
        if button.menu() is not None:
            content.setWidth(content.width() + button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator,
                                                                           opt, button))
        opt.text = ""  # no text: no "at least 80 px" rule of some styles, only the margins
        return button.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, opt, content, button)
    return button.sizeHint()  # a tool button: no minimum width of its own


def _button(button: QAbstractButton) -> list[Clip]:
    if not plain(button.text()).strip():
        return []
    if (isinstance(button, QToolButton) and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
            and not button.icon().isNull()):
        return []
    if isinstance(button, (QCheckBox, QRadioButton)):
        needed = button.sizeHint()
    else:
        needed = _button_needed(button)
    size = button.size()
    if needed.width() > size.width() or button.fontMetrics().height() > size.height():
        return [Clip(button, plain(button.text()), needed, size)]
    return []


def _group_box(box: QGroupBox) -> list[Clip]:
    title = plain(box.title())
    if not title.strip():
        return []
    opt = QStyleOptionGroupBox()
    box.initStyleOption(opt)
    label = box.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, opt,
                                       QStyle.SubControl.SC_GroupBoxLabel, box)
    width = box.fontMetrics().horizontalAdvance(title)
    if box.isCheckable():
        width += box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, opt, box) + 6
    # The title starts at the label rect's left edge and must end before the box's right edge.
    needed = QSize(label.left() + width, label.height())
    if needed.width() > box.width():
        return [Clip(box, title, needed, box.size(), "group box title")]
    return []


def _tab_bar(bar: QTabBar) -> list[Clip]:
    clips = []
    visible = bar.rect()
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text, rect, hint = plain(bar.tabText(i)), bar.tabRect(i), bar.tabSizeHint(i)
        if not text.strip():
            continue
        if rect.width() < hint.width() and bar.elideMode().name == "ElideNone":
            clips.append(Clip(bar, text, hint, rect.size(), f"tab {i}"))
        elif rect.width() < hint.width() and text not in bar.tabToolTip(i):
            clips.append(Clip(bar, text, hint, rect.size(), f"tab {i} elided without the full text in its tooltip"))
        elif not visible.contains(rect) and not bar.usesScrollButtons():
            clips.append(Clip(bar, text, hint, rect.size(), f"tab {i} lies outside its tab bar"))
    return clips


def _combo(combo: QComboBox) -> list[Clip]:
    text = combo.currentText()
    if not text.strip() or combo.isEditable():
        return []
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    content = QSize(combo.fontMetrics().horizontalAdvance(text), combo.fontMetrics().height())
    if not combo.itemIcon(combo.currentIndex()).isNull():
        content.setWidth(content.width() + combo.iconSize().width() + 4)
    needed = combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, content, combo)
    if needed.width() > combo.width():
        return [Clip(combo, text, needed, combo.size(), "current item")]
    return []


def _list_items(view: QListWidget) -> list[Clip]:
    """Rows of a list: one narrower than its text is elided (its tooltip must hold the text); one that runs
    past the list's right edge with no horizontal scroll bar to reach it is cut."""
    clips = []
    viewport = view.viewport().rect()
    fm = view.fontMetrics()
    for i in range(view.count()):
        item = view.item(i)
        rect = view.visualItemRect(item)
        if item.isHidden() or not rect.intersects(viewport) or not item.text().strip():
            continue
        needed = fm.horizontalAdvance(item.text()) + (view.iconSize().width() + 4 if not item.icon().isNull() else 0)
        needed += 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 2
        cut = (rect.right() > viewport.right()
               and view.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if (rect.width() < needed or cut) and item.text() not in item.toolTip():
            clips.append(Clip(view, item.text(), QSize(needed, rect.height()), rect.size(),
                              f"row {i} cut or elided without the full text in its tooltip"))
    return clips


def _outside_parent(widget: QWidget) -> list[Clip]:
    """A text widget that runs past its parent's edge (outside a scroll area) is cut there."""
    parent = widget.parentWidget()
    if parent is None or widget.isWindow():
        return []
    scroll = parent.parentWidget()
    if isinstance(scroll, QAbstractScrollArea) and parent is scroll.viewport():
        return []
    inside = QRect(0, 0, parent.width(), parent.height())
    if not inside.contains(widget.geometry()):
        return [Clip(widget, _text_of(widget), widget.size(), parent.size(), "runs past its parent's edge")]
    return []


def _text_of(widget: QWidget) -> str:
    for attr in ("text", "title", "currentText"):
        getter = getattr(widget, attr, None)
        if callable(getter):
            return plain(getter())
    return ""


def _squeezed(widget: QWidget) -> list[Clip]:
    """A widget smaller than its layout's minimum: its children overlap or are cut, whatever they show."""
    layout = widget.layout()
    if layout is None or isinstance(widget, QAbstractScrollArea) or isinstance(layout, QStackedLayout):
        return []
    if widget.findChildren(QStackedWidget):  # its minimum counts the hidden pages too
        return []
    needed = layout.totalMinimumSize()
    if needed.width() > widget.width() or needed.height() > widget.height():
        names = ", ".join(repr(_text_of(c)) for c in widget.findChildren(QWidget) if _text_of(c).strip())[:80]
        return [Clip(widget, names, needed, widget.size(), "smaller than its layout's minimum")]
    return []


_CHECKS = ((QLabel, lambda w: _label(w)), (QAbstractButton, lambda w: _button(w)),
           (QGroupBox, lambda w: _group_box(w)), (QTabBar, lambda w: _tab_bar(w)), (QComboBox, lambda w: _combo(w)),
           (QListWidget, lambda w: _list_items(w)))  # the first kind a widget is decides its check


def clipped_texts(root: QWidget) -> list[Clip]:
    """Every visible text under ``root`` (``root`` included) that is cut by the room it has."""
    clips = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget, root):
            continue
        clips.extend(_squeezed(widget))
        check = next((check for kind, check in _CHECKS if isinstance(widget, kind)), None)
        if check is None:
            continue
        found = check(widget)
        if not found and _text_of(widget).strip():
            found = _outside_parent(widget)
        clips.extend(found)
    return clips


def report(clips: list[Clip]) -> str:
    return "\n".join(str(c) for c in clips)


def shoot(widget, name: str) -> None:
    """A screenshot into $PLAYGROUND_LAYOUT_SHOTS, when it is set, to look at."""
    shots = os.environ.get("PLAYGROUND_LAYOUT_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(shots) / f"{name}.png"))
