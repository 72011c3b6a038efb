"""Screenshots are written only when their pixels change, and every PNG in docs/screenshots is deflated at
zlib's strongest level (packaging/screenshots.py: save_png, deflate_strongest)."""

import os
import sys
import zlib
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from screenshots import deflate_strongest, image_data, save_png  # noqa: E402

SHOTS = sorted((ROOT / "docs" / "screenshots").rglob("*.png"))
SLACK = 8  # bytes: re-deflating may find a few, not more


def picture(width=64, height=48) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    for x in range(width):
        for y in range(height):
            image.setPixelColor(x, y, QColor((x * 4) % 256, (y * 5) % 256, (x * y) % 256))
    return image


def test_save_png_leaves_the_same_pixels_alone_and_rewrites_new_ones(qapp, tmp_path):
    path = tmp_path / "shot.png"
    image = picture()
    assert save_png(image, path)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an old file: a rewrite would show in its mtime
    before = path.read_bytes()
    assert not save_png(picture(), path)  # the same pixels, drawn again
    assert path.read_bytes() == before and path.stat().st_mtime_ns == 1_000_000_000
    changed = picture()
    changed.setPixelColor(10, 10, QColor(255, 0, 255))
    assert save_png(changed, path)
    assert path.read_bytes() != before and path.stat().st_mtime_ns != 1_000_000_000
    assert QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32) == changed
    packed = image_data(path.read_bytes())
    assert len(packed) <= len(zlib.compress(zlib.decompress(packed), 9))  # written at the strongest level


def test_deflate_strongest_keeps_the_pixels_and_shrinks_a_weak_file(qapp, tmp_path):
    path = tmp_path / "weak.png"
    image = picture()
    image.save(str(path), "PNG", 100)  # quality 100: no compression at all
    size = path.stat().st_size
    assert deflate_strongest(path)
    assert path.stat().st_size < size and QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32) == image
    assert not deflate_strongest(path)  # nothing left to gain: untouched


@pytest.mark.parametrize("path", SHOTS, ids=[str(p.relative_to(ROOT / "docs" / "screenshots")) for p in SHOTS])
def test_every_screenshot_is_at_zlibs_strongest_level(path):
    packed = image_data(path.read_bytes())
    assert len(zlib.compress(zlib.decompress(packed), 9)) >= len(packed) - SLACK, (
        f"{path.name}: run python packaging/screenshots.py --recompress")
