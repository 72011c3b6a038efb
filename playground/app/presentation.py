"""Presentation mode: full screen, text and plots scaled for a projector, high contrast, advanced controls hidden.

A panel marks a control a class can do without with ``mark_advanced(widget)`` (a widget property);
presentation mode hides those (with their form labels) and brings them back when it ends. The
scale builds on the app's zoom (``theme.apply_zoom``): every widget follows the application font;
pyqtgraph plots, whose fonts and pens are their own, are scaled here (``scale_plots``). Leaving the
mode restores the window's geometry and state, the zoom, the theme and every hidden control.

    window.presentation.toggle()                 # F11, View ▸ Presentation mode
    window.presentation_changed.connect(pane.on_presentation)   # (active, scale)
"""

from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QFormLayout, QMenu, QWidget

from .numbers import format_count, percent_text
from .theme import set_line_scale, set_smallest_text

ADVANCED = "advanced"  # the widget property that marks a control presentation mode hides
SCALES = (1.4, 1.6, 2.0)
DEFAULT_SCALE = 1.6
CONTRASTS = {"off": None, "dark": "high-contrast", "light": "high-contrast-light"}  # contrast -> theme
SMALLEST_TEXT = 18  # pixels: what reads from the back of a classroom on a 1280×720 projector
SHORTCUT = "F11"  # free in the app (F5 trains, Ctrl+digit picks a panel); the desktops' full-screen key
RESCAN_MS = 500  # plot items made while presenting (a new map, a compared run) are scaled within this


def mark_advanced(*widgets: QWidget) -> None:
    """Mark controls that presentation mode hides (a class needs the preset, not every knob)."""
    for widget in widgets:
        widget.setProperty(ADVANCED, True)


def is_advanced(widget: QWidget) -> bool:
    return bool(widget.property(ADVANCED))


def advanced_widgets(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if is_advanced(w)]


class Presentation(QObject):
    """Enters and leaves presentation mode on ``window``; its menu items go in the View menu."""

    changed = Signal(bool, float)  # (active, scale): 1.0 when the mode ends

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self.scale = _float_setting(window.settings, "presentation/scale", DEFAULT_SCALE)
        if self.scale not in SCALES:
            self.scale = DEFAULT_SCALE
        contrast = str(window.settings.value("presentation/contrast", "off"))
        self.contrast = contrast if contrast in CONTRASTS else "off"
        self._saved: dict | None = None
        self._hidden: list[tuple[QWidget, bool]] = []  # (widget, was it hidden before)
        self._toolbar_was_hidden = False
        self._timer = QTimer(self)
        self._timer.setInterval(RESCAN_MS)
        self._timer.timeout.connect(self.rescale_plots)
        self._build_actions(window.menu_actions.view_menu, window.menu_actions.panels_menu.menuAction())

    # --- menu ---------------------------------------------------------------------------------
    def _build_actions(self, menu, before) -> None:
        self.action = QAction(self.tr("&Presentation mode"), self.window, checkable=True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setStatusTip(self.tr("Full screen, large text and plots, advanced controls hidden ({key})")
                                 .format(key=SHORTCUT))
        self.action.triggered.connect(lambda checked: self.set_active(checked))
        self.window.addAction(self.action)  # the key works wherever the focus is
        self.scale_menu = QMenu(self.tr("Presentation &scale"), menu)
        self.scale_actions = self._group(self.scale_menu, [(s, percent_text(format_count(round(s * 100))))
                                                           for s in SCALES], self.scale, self.set_scale)
        self.contrast_menu = QMenu(self.tr("Presentation &contrast"), menu)
        labels = {"off": self.tr("Keep the theme"), "dark": self.tr("High contrast: white on black"),
                  "light": self.tr("High contrast: black on white")}
        self.contrast_actions = self._group(self.contrast_menu, list(labels.items()), self.contrast, self.set_contrast)
        menu.insertAction(before, self.action)
        menu.insertMenu(before, self.scale_menu)
        menu.insertMenu(before, self.contrast_menu)
        menu.insertSeparator(before)

    def _group(self, menu, items, current, slot) -> dict:
        group, actions = QActionGroup(self), {}
        for value, text in items:
            action = QAction(text, self.window, checkable=True)
            action.setChecked(value == current)
            action.triggered.connect(partial(slot, value))
            group.addAction(action)
            menu.addAction(action)
            actions[value] = action
        return actions

    # --- the mode -----------------------------------------------------------------------------
    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, on: bool) -> None:
        if on and not self.active:
            self.enter()
        elif not on and self.active:
            self.leave()
        self.action.setChecked(self.active)

    def enter(self) -> None:
        w = self.window
        self._saved = {"geometry": w.saveGeometry(), "rect": w.geometry(), "state": w.windowState(), "zoom": w.zoom,
                       "theme": w.theme}
        self.active = True
        self._apply_contrast()
        set_smallest_text(SMALLEST_TEXT)  # before the zoom: the views redraw on its font change
        set_line_scale(self.scale)
        w.set_zoom(self.scale, remember=False)
        self._hide_advanced()
        self._toolbar_was_hidden = w.menu_actions.toolbar.isHidden()
        w.menu_actions.toolbar.hide()  # its actions are in the menus (and F5): the panels get its height
        w.showFullScreen()
        self.action.setShortcuts([QKeySequence(SHORTCUT), QKeySequence("Esc")])  # Esc leaves, as in a slide show
        self.rescale_plots()
        self._timer.start()
        w.statusBar().showMessage(self.tr("Presentation mode: {key} or Esc leaves it").format(key=SHORTCUT), 5000)
        self.changed.emit(True, self.scale)

    def leave(self) -> None:
        w, saved = self.window, self._saved
        self.active = False
        self._timer.stop()
        self.action.setShortcuts([QKeySequence(SHORTCUT)])
        self._show_advanced()
        w.menu_actions.toolbar.setHidden(self._toolbar_was_hidden)
        unscale_plots(w)
        set_smallest_text(0)
        set_line_scale(1.0)
        w.set_theme(saved["theme"])  # remembered again: a zoom step taken while presenting is forgotten
        w.set_zoom(saved["zoom"])
        w.setWindowState(saved["state"])
        if saved["state"] == Qt.WindowState.WindowNoState:
            w.setGeometry(saved["rect"])  # not restoreGeometry: it would also squeeze the window onto the screen
        self._saved = None
        self.changed.emit(False, 1.0)

    def normal_geometry(self):
        """The geometry to keep in the settings: the one before the mode, while it is on."""
        return self._saved["geometry"] if self._saved else self.window.saveGeometry()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.window.settings.setValue("presentation/scale", scale)
        self.scale_actions[scale].setChecked(True)
        if self.active:
            set_line_scale(scale)
            self.window.set_zoom(scale, remember=False)
            self.rescale_plots()
            self.changed.emit(True, scale)

    def set_contrast(self, contrast: str) -> None:
        self.contrast = contrast
        self.window.settings.setValue("presentation/contrast", contrast)
        self.contrast_actions[contrast].setChecked(True)
        if self.active:  # the plots take the new theme's pens first, then are scaled again
            unscale_plots(self.window)
            self._apply_contrast()
            self.rescale_plots()

    def _apply_contrast(self) -> None:
        theme = CONTRASTS[self.contrast] or self._saved["theme"]
        self.window.set_theme(theme, remember=False)

    def rescale_plots(self) -> None:
        """The plots follow the application font (widgets have it as soon as ``setFont`` returns) and the scale."""
        if self.active:
            scale_plots(self.window, self.scale)

    # --- advanced controls --------------------------------------------------------------------
    def _hide_advanced(self) -> None:
        self._hidden = []
        for widget in advanced_widgets(self.window):
            for w in (widget, _form_label(widget)):
                if w is not None and all(w is not h for h, _ in self._hidden):
                    self._hidden.append((w, w.isHidden()))
                    w.hide()

    def _show_advanced(self) -> None:
        for widget, was_hidden in self._hidden:
            widget.setHidden(was_hidden)
        self._hidden = []


def _form_label(widget: QWidget) -> QWidget | None:
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if isinstance(layout, QFormLayout):
        return layout.labelForField(widget)
    return None


def _float_setting(settings, key: str, default: float) -> float:
    try:
        return float(settings.value(key, default))
    except (TypeError, ValueError):
        return default


# --- pyqtgraph: fonts and pens of their own --------------------------------------------------
ORIGINAL = "_presentation_original"  # on a scaled item: what it had before, to put back


def _views(root: QWidget):
    import pyqtgraph as pg

    return root.findChildren(pg.GraphicsView)


def _scenes(root: QWidget):
    return [view.scene() for view in _views(root) if view.scene() is not None]


def scale_plots(root: QWidget, scale: float) -> None:
    """Axis fonts to the application font, pens and symbols ``scale`` times wider, in every plot under ``root``."""
    import pyqtgraph as pg

    font = QFont(QApplication.font())
    for view in _views(root):
        if hasattr(view, "set_presenting"):  # a view that lays itself out otherwise for a projector
            view.set_presenting(True)
    for scene in _scenes(root):
        for item in scene.items():
            done = getattr(item, ORIGINAL, None)
            if done is not None and done["scale"] == scale and done.get("font") == font:
                if isinstance(item, pg.AxisItem):
                    _fit_title(item)  # the plot may have been laid out again since
                continue
            if done is not None:
                _restore(item)
            if isinstance(item, pg.AxisItem):
                _scale_axis(item, scale, font)
            elif isinstance(item, pg.PlotDataItem):
                _scale_curve(item, scale)
            elif isinstance(item, pg.LegendItem):
                _scale_legend(item, scale, font)
            elif isinstance(item, pg.TextItem):
                setattr(item, ORIGINAL, {"scale": scale, "font": font, "text_font": QFont(item.textItem.font())})
                bigger = QFont(item.textItem.font())
                bigger.setPointSizeF(max(bigger.pointSizeF(), font.pointSizeF()))
                item.setFont(bigger)


def unscale_plots(root: QWidget) -> None:
    for scene in _scenes(root):
        for item in scene.items():
            if getattr(item, ORIGINAL, None) is not None:
                _restore(item)
    for view in _views(root):  # after the items: their originals were taken with the view laid out for presenting
        if hasattr(view, "set_presenting"):
            view.set_presenting(False)


def _scale_axis(axis, scale: float, font: QFont) -> None:
    setattr(axis, ORIGINAL, {"scale": scale, "font": font, "tick_font": axis.style["tickFont"],
                             "label_font": QFont(axis.label.font()), "pen": axis._pen,
                             "width": axis.fixedWidth, "height": axis.fixedHeight,
                             "tick_length": axis.style["tickLength"], "label_shown": axis.label.isVisible()})
    pen = axis.pen()
    pen.setWidthF(max(pen.widthF(), 1.0) * scale)
    axis.setPen(pen)
    axis.setTickFont(font)
    axis.setStyle(tickLength=round(axis.style["tickLength"] * scale))
    axis.label.setFont(font)
    if axis.fixedWidth is not None:
        axis.setWidth(round(axis.fixedWidth * scale))
    if axis.fixedHeight is not None:
        axis.setHeight(round(axis.fixedHeight * scale))
    axis._updateLabel()  # the title's room follows its new font
    _fit_title(axis)


def _fit_title(axis) -> None:
    """A vertical axis's title longer than the axis is left out while presenting, rather than cut at its ends."""
    if axis.orientation not in ("left", "right") or not getattr(axis, ORIGINAL)["label_shown"]:
        return
    fits = axis.label.boundingRect().width() <= axis.geometry().height()
    if fits != axis.label.isVisible():
        axis.showLabel(fits)


def _scale_curve(curve, scale: float) -> None:
    import pyqtgraph as pg

    pen, size = curve.opts["pen"], curve.opts["symbolSize"]
    setattr(curve, ORIGINAL, {"scale": scale, "pen": pen, "symbol_size": size})
    if pen is not None:
        wider = pg.mkPen(pen)
        wider.setWidthF(max(wider.widthF(), 1.0) * scale)
        curve.setPen(wider)
    if curve.opts["symbol"] is not None:
        curve.setSymbolSize(size * scale)


def _scale_legend(legend, scale: float, font: QFont) -> None:
    setattr(legend, ORIGINAL, {"scale": scale, "font": font, "size": legend.opts["labelTextSize"]})
    _legend_text_size(legend, f"{font.pointSizeF():.1f}pt")


def _legend_text_size(legend, size: str) -> None:
    legend.setLabelTextSize(size)
    for _sample, label in legend.items:
        label.setText(label.text)  # setLabelTextSize keeps the text drawn at the old size


def _restore(item) -> None:
    import pyqtgraph as pg

    original = getattr(item, ORIGINAL)
    setattr(item, ORIGINAL, None)
    if isinstance(item, pg.AxisItem):
        if original["pen"] is None:
            item.setPen()  # the default foreground
        else:
            item.setPen(original["pen"])
        item.setTickFont(original["tick_font"])
        item.setStyle(tickLength=original["tick_length"])
        item.label.setFont(original["label_font"])
        item.setWidth(original["width"])
        item.setHeight(original["height"])
        item.showLabel(original["label_shown"])
        item._updateLabel()
    elif isinstance(item, pg.PlotDataItem):
        if original["pen"] is not None:
            item.setPen(original["pen"])
        item.setSymbolSize(original["symbol_size"])
    elif isinstance(item, pg.LegendItem):
        _legend_text_size(item, original["size"])
    elif isinstance(item, pg.TextItem):
        item.setFont(original["text_font"])
