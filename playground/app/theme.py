"""Themes (system, light, dark, high contrast) and the presentation zoom, applied to the whole app.

"System" follows the desktop's light or dark scheme (Qt 6.5+ ``QStyleHints.colorScheme``);
the explicit themes use the Fusion style with a palette of their own, so they look the same on
every platform. Zoom scales the application font, which every widget follows.
"""

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark", "high-contrast", "high-contrast-light")
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)

_original = {}  # the style name and font size the app started with
_smallest = {"pixels": 0}  # the smallest text custom-drawn views may draw (presentation mode: 18 px)
_lines = {"scale": 1.0}  # how much wider custom-drawn views draw their lines (presentation mode: its scale)


def theme_label(name: str) -> str:
    labels = {
        "system": QCoreApplication.translate("Theme", "Follow the system"),
        "light": QCoreApplication.translate("Theme", "Light"),
        "dark": QCoreApplication.translate("Theme", "Dark"),
        "high-contrast": QCoreApplication.translate("Theme", "High contrast"),
        "high-contrast-light": QCoreApplication.translate("Theme", "High contrast, black on white"),
    }
    return labels[name]


def _remember_originals(app: QApplication) -> None:
    if not _original:
        _original["style"] = app.style().name()
        _original["point_size"] = app.font().pointSizeF()


def apply_theme(name: str, app: QApplication | None = None) -> str:
    """Switch the whole app to theme ``name`` (unknown names mean "system"); returns the name used."""
    app = app or QApplication.instance()
    _remember_originals(app)
    name = name if name in THEMES else "system"
    hints = app.styleHints()
    if name == "system":
        hints.unsetColorScheme()
        app.setStyle(_original["style"])
        app.setPalette(QPalette())  # an empty palette resolves to the platform's own
        return name
    light = name in ("light", "high-contrast-light")
    hints.setColorScheme(Qt.ColorScheme.Light if light else Qt.ColorScheme.Dark)
    app.setStyle("Fusion")
    palettes = {"light": light_palette, "dark": dark_palette, "high-contrast": high_contrast_palette,
                "high-contrast-light": high_contrast_light_palette}
    app.setPalette(palettes[name]())
    return name


def _palette(colors: dict, disabled: dict) -> QPalette:
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role, color in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(color))
    return palette


R = QPalette.ColorRole


def light_palette() -> QPalette:
    return _palette({
        R.Window: "#f3f3f5", R.WindowText: "#1d1d1f", R.Base: "#ffffff", R.AlternateBase: "#f0f2f5",
        R.Text: "#1d1d1f", R.Button: "#ececef", R.ButtonText: "#1d1d1f", R.BrightText: "#ffffff",
        R.Highlight: "#2f6fd6", R.HighlightedText: "#ffffff", R.Link: "#1f5fbf", R.LinkVisited: "#6b3fb0",
        R.ToolTipBase: "#ffffe8", R.ToolTipText: "#1d1d1f", R.PlaceholderText: "#8a8a90",
        R.Light: "#ffffff", R.Midlight: "#e3e3e8", R.Mid: "#c4c4cc", R.Dark: "#9a9aa3", R.Shadow: "#5a5a60",
    }, {R.WindowText: "#9a9aa0", R.Text: "#9a9aa0", R.ButtonText: "#9a9aa0"})


def dark_palette() -> QPalette:
    return _palette({
        R.Window: "#26272b", R.WindowText: "#e8e8ea", R.Base: "#1c1d20", R.AlternateBase: "#2b2c31",
        R.Text: "#e8e8ea", R.Button: "#323338", R.ButtonText: "#e8e8ea", R.BrightText: "#ffffff",
        R.Highlight: "#3d7ee6", R.HighlightedText: "#ffffff", R.Link: "#74a9ff", R.LinkVisited: "#b592ff",
        R.ToolTipBase: "#34353b", R.ToolTipText: "#e8e8ea", R.PlaceholderText: "#85868d",
        R.Light: "#45464d", R.Midlight: "#3a3b41", R.Mid: "#2e2f34", R.Dark: "#17181a", R.Shadow: "#000000",
    }, {R.WindowText: "#77787e", R.Text: "#77787e", R.ButtonText: "#77787e"})


def high_contrast_palette() -> QPalette:
    return _palette({
        R.Window: "#000000", R.WindowText: "#ffffff", R.Base: "#000000", R.AlternateBase: "#1a1a1a",
        R.Text: "#ffffff", R.Button: "#000000", R.ButtonText: "#ffffff", R.BrightText: "#ffff00",
        R.Highlight: "#ffff00", R.HighlightedText: "#000000", R.Link: "#00ffff", R.LinkVisited: "#ff80ff",
        R.ToolTipBase: "#000000", R.ToolTipText: "#ffffff", R.PlaceholderText: "#c0c0c0",
        R.Light: "#ffffff", R.Midlight: "#ffffff", R.Mid: "#ffffff", R.Dark: "#ffffff", R.Shadow: "#ffffff",
    }, {R.WindowText: "#a0a0a0", R.Text: "#a0a0a0", R.ButtonText: "#a0a0a0"})


def high_contrast_light_palette() -> QPalette:
    """Black on white with strong blue accents: what a washed-out projector still shows."""
    return _palette({
        R.Window: "#ffffff", R.WindowText: "#000000", R.Base: "#ffffff", R.AlternateBase: "#ebebeb",
        R.Text: "#000000", R.Button: "#ffffff", R.ButtonText: "#000000", R.BrightText: "#ffffff",
        R.Highlight: "#0033cc", R.HighlightedText: "#ffffff", R.Link: "#0000cc", R.LinkVisited: "#660099",
        R.ToolTipBase: "#ffffff", R.ToolTipText: "#000000", R.PlaceholderText: "#404040",
        R.Light: "#000000", R.Midlight: "#000000", R.Mid: "#000000", R.Dark: "#000000", R.Shadow: "#000000",
    }, {R.WindowText: "#606060", R.Text: "#606060", R.ButtonText: "#606060"})


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether text is light on a dark window: custom-drawn views pick their colours by it."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_zoom(scale: float, app: QApplication | None = None) -> float:
    """Scale the application font to ``scale`` times its starting size (a projector wants 1.5)."""
    app = app or QApplication.instance()
    _remember_originals(app)
    scale = min(max(float(scale), ZOOM_STEPS[0]), ZOOM_STEPS[-1])
    font = QFont(app.font())
    font.setPointSizeF(_original["point_size"] * scale)
    app.setFont(font)
    return scale


def set_smallest_text(pixels: int) -> None:
    """Custom-drawn views draw no secondary text (token ids, captions) under ``pixels`` (0: no floor)."""
    _smallest["pixels"] = pixels


def readable_points(points: float) -> float:
    """``points``, or more if that is under the smallest text allowed now (see ``set_smallest_text``)."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    return max(points, _smallest["pixels"] * 72.0 / dpi)


def set_line_scale(scale: float) -> None:
    """Custom-drawn views draw their lines ``scale`` times wider (1: as designed)."""
    _lines["scale"] = scale


def line_width(width: float) -> float:
    return width * _lines["scale"]


def next_zoom(scale: float, direction: int) -> float:
    """The next zoom step up (+1) or down (-1) from ``scale``; 0 resets to 100 %."""
    if direction == 0:
        return 1.0
    if direction > 0:
        return next((s for s in ZOOM_STEPS if s > scale + 1e-6), ZOOM_STEPS[-1])
    return next((s for s in reversed(ZOOM_STEPS) if s < scale - 1e-6), ZOOM_STEPS[0])
