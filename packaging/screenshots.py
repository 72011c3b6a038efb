"""Screenshots of every panel in realistic states (after short training runs), light and dark.

The Inspect panel is shot at each main kind of stage for both model kinds:
inspect-<stage>-reversal.png (encoder-decoder) and inspect-<stage>-grammar.png (decoder-only).
Presentation mode is shot full screen on a 1280×720 screen (a projector), in a process of its own
whose offscreen screen has that size: presentation-<panel>.png.

    python packaging/screenshots.py [folder]                  # default: docs/screenshots/
    python packaging/screenshots.py --presentation [folder]   # only the presentation-mode shots
    python packaging/screenshots.py --lang zh_CN              # the Chinese interface: docs/screenshots/zh_CN/
    python packaging/screenshots.py --recompress [folder]     # no shots: every PNG there at zlib's strongest level

Runs the real app offscreen (no display needed) with temporary settings, so the user's are
never touched, and waits on the app's own state, not on fixed times.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (1440, 900)
STORY = """The Little Engine  that Could
=============================

A little railroad engine was employed about a station yard for such work as it was built for,
pulling a few cars on and off the switches.   One morning it was waiting for the next call
when a long train of freight-cars asked a large engine in the roundhouse to take it over the
hill. “I can’t; that is too much a pull for me,” said the great engine built for hard work.

Then the train asked another engine, and another, only to hear excuses and be refused.
In desperation, the train asked the little switch engine to draw it up the grade and down on
the other side. “I think I can,” puffed the little locomotive, and put itself in front of the
great heavy train.   As it went on the little engine kept bravely puffing faster and faster,
“I think I can, I think I can, I think I can.”

ﬁnally, as it neared the top of the grade, which had so discouraged the larger engines, it
went more slowly. However, it still kept saying, “I — think — I — can, I — think — I — can.”
"""


def wait_until(app, predicate, timeout: float = 60.0) -> None:
    """Process events until ``predicate()`` holds (the app's own state says it is ready)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the state to photograph")
        app.processEvents()
        time.sleep(0.01)


def save_png(image, path: Path) -> bool:
    """Write image as a maximally compressed PNG, unless the file there already shows the same pixels.

    Retaking the screenshots then adds to the repository's history only the pictures whose UI changed.
    Returns whether the file was written.
    """
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    if path.exists() and QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32) == image:
        return False
    image.save(str(path), "PNG", 0)  # quality 0: Qt's strongest compression (lossless)
    if shutil.which("optipng"):  # optional, smaller still, and still lossless
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", str(path)], check=False)
    deflate_strongest(path)  # libpng's deflate (what Qt wrote) is not zlib's strongest
    return True


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """[(kind, body), ...] of a PNG file's bytes, in order."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append((data[at + 4:at + 8], data[at + 8:at + 8 + length]))
        at += 12 + length  # length, kind, body, CRC
    return chunks


def image_data(data: bytes) -> bytes:
    """The PNG's compressed image data (its IDAT chunks joined)."""
    return b"".join(body for kind, body in png_chunks(data) if kind == b"IDAT")


def deflate_strongest(path: Path) -> bool:
    """Deflate the PNG's image data again at zlib's strongest level, when that makes the file smaller.

    Lossless: the filtered scanlines and every other chunk stay as they are. Returns whether the file
    was rewritten (atomically).
    """
    data = path.read_bytes()
    packed = image_data(data)
    strongest = zlib.compress(zlib.decompress(packed), 9)
    if len(strongest) >= len(packed):
        return False
    out, placed = [PNG_SIGNATURE], False
    for kind, body in png_chunks(data):
        if kind == b"IDAT":
            if placed:
                continue
            body, placed = strongest, True
        out.append(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body)))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(b"".join(out))
    os.replace(temporary, path)
    return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The folder (default docs/screenshots/, or docs/screenshots/<lang>/ for another language), --lang, --presentation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="where the PNGs go (default: docs/screenshots/[<lang>/])")
    parser.add_argument("--lang", help="the interface's language, e.g. zh_CN (README.zh-CN.md's screenshots)")
    parser.add_argument("--presentation", action="store_true", help="only the presentation-mode shots")
    parser.add_argument("--recompress", action="store_true",
                        help="take no shots: deflate every PNG under the folder at zlib's strongest level (lossless)")
    args = parser.parse_args(argv)
    default = ROOT / "docs" / "screenshots"
    args.folder = Path(args.folder) if args.folder else (default / args.lang if args.lang else default)
    return args


LANGUAGE = None  # the interface's language for every Photographer of this process (--lang)


class Photographer:
    def __init__(self, folder: Path, language: str | None = None):
        from playground.app import make_application
        from playground.app.main_window import MainWindow
        from playground.app.settings import open_settings
        from playground.app.translation import install_translation

        self.folder = folder
        self.app = make_application([])
        language = language or LANGUAGE
        if language:  # as --lang does, before any widget exists: strings are set when widgets are built
            install_translation(self.app, language)
        self.window = MainWindow(settings=open_settings())
        self.window.resize(*SIZE)
        self.window.show()
        self.window.build_panels()
        self.ready()

    def ready(self) -> None:
        data, model = self.window.panel("data"), self.window.panel("model")
        wait_until(self.app, lambda: self.window.workspace.core.recipe is not None and data.info is not None
                   and not data.is_busy() and model.summary is not None and not model.jobs_running()
                   and not data.jobs_running())

    def shoot(self, name: str, panel: str) -> None:
        self.window.show_panel(panel)
        for _ in range(5):
            self.app.processEvents()
        path = self.folder / f"{name}.png"
        print(path, "written" if save_png(self.window.grab().toImage(), path) else "unchanged")

    def choose(self, dataset: str) -> None:
        self.window.panel("data").choose_dataset(dataset, ask=False)
        wait_until(self.app, lambda: self.window.workspace.core.recipe.spec.get("dataset") == dataset)
        self.ready()


def main(argv: list[str]) -> int:
    global LANGUAGE
    args = parse_args(argv)
    LANGUAGE, folder = args.lang, args.folder
    if args.recompress:
        for path in sorted(folder.rglob("*.png")):
            print(path, "recompressed" if deflate_strongest(path) else "unchanged")
        return 0
    if args.presentation:
        return presentation_main(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="playground-shots-") as tmp:
        os.environ["PLAYGROUND_SETTINGS_DIR"] = tmp
        shots = Photographer(folder)
        window, app = shots.window, shots.app
        window.set_theme("light")
        shots.shoot("data-grammar", "data")

        story = Path(tmp) / "little-engine.txt"
        story.write_text(STORY, encoding="utf-8")
        data = window.panel("data")
        data.cleaning_checks["nfkc"].setChecked(True)
        data.cleaning_checks["collapse_whitespace"].setChecked(True)
        data.open_text_file(str(story), ask=False)
        wait_until(app, lambda: (window.workspace.core.recipe.spec.get("text_file") or "").endswith("engine.txt"))
        shots.ready()
        data.cleaning_checks["lowercase"].setChecked(True)
        shots.shoot("data-text-cleaning", "data")

        shots.choose("numbers-zh")
        shots.shoot("data-numbers-zh", "data")

        shots.choose("grammar")
        tokenize = window.panel("tokenize")
        tokenize.input.setPlainText("the small cat sees a red ball near the old house .\n"
                                    "Tokenizers split text into pieces: Hello, 世界!")
        right = tokenize.right
        right.kind_box.setCurrentIndex(right.kind_box.findData("bpe"))
        right.vocab_box.setValue(400)
        right.train()
        wait_until(app, lambda: right.tokenizer is not None and not right.is_training())
        tokenize.refresh()
        shots.shoot("tokenize", "tokenize")
        right.tabs.setCurrentIndex(2)
        tokenize.left.tabs.setCurrentIndex(1)
        shots.shoot("tokenize-vocabulary-merges", "tokenize")
        right.tabs.setCurrentIndex(0)
        tokenize.left.tabs.setCurrentIndex(0)

        shots.shoot("model-decoder", "model")

        window.set_theme("dark")
        shots.shoot("tokenize-dark", "tokenize")
        shots.choose("reversal")
        shots.shoot("model-encoder-decoder-dark", "model")
        window.set_theme("light")
        train_and_generate(shots, "reversal", steps=500, shot="reversal", example=True)
        window.set_theme("dark")
        train_and_generate(shots, "grammar", steps=150, shot="grammar-dark", example=False)
        window.set_theme("light")
        shoot_inspect(shots, "grammar", "the small cat sees")  # the decoder-only kind, in the light theme
        shoot_health(shots, "grammar")
        shoot_backward(shots, "grammar", "the small cat sees the")
        window.shutdown()  # not close(): it would ask, in a modal box nobody sees, to save the trained weights
    language = ["--lang", LANGUAGE] if LANGUAGE else []
    return subprocess.run([sys.executable, __file__, "--presentation", str(folder), *language], check=False).returncode


def train_and_generate(shots, dataset: str, steps: int, shot: str, example: bool) -> None:
    """Train the dataset's default model for a few steps, then generate from it; one shot each."""
    window, app = shots.window, shots.app
    shots.choose(dataset)
    window.workspace.set_train_config(max_steps=steps, eval_interval=max(steps // 6, 1))
    train = window.panel("train")
    window.show_panel("train")
    train.start()
    wait_until(app, lambda: train.state in ("finished", "stopped", "diverged"), timeout=600)
    shots.shoot(f"train-{shot}", "train")
    generate = window.panel("generate")
    window.show_panel("generate")
    source, target = generate.pick_example(3) if example else ("the small cat sees", "")
    generate.generate()
    wait_until(app, lambda: not generate.is_generating() and generate.output_text(), timeout=120)
    shots.shoot(f"generate-{shot}", "generate")
    if example:
        shoot_inspect(shots, dataset, source, target[:-1])


NUMBERS, HEADS, NEXT_TOKEN, EMBEDDING_MAP = range(4)  # the tabs of the Inspect panel's stage detail


def inspect_views(names: list[str]) -> list[tuple[str, str, int, bool]]:
    """(shot, record, tab, a chosen cell) for each main kind of stage in a trace; the last layer's attention."""
    def last(stack: str, suffix: str) -> list[str]:
        return [n for n in names if n.startswith(stack) and n.endswith(suffix)][-1:]

    encoder, masked = last("encoder.", ".attn.weights"), last("decoder.", ".attn.weights")
    cross = last("decoder.", ".cross_attn.weights")
    views = [("embedding", "embed.sum", NUMBERS, False), ("positions", "embed.position", NUMBERS, False)]
    views += [("encoder-attention", n, NUMBERS, True) for n in encoder]
    views += [("masked-attention", n, NUMBERS, True) for n in masked]
    views += [("cross-attention", n, NUMBERS, True) for n in cross]
    views += [("lines", (cross or masked)[0], HEADS, False), ("embedding-map", "embed.token", EMBEDDING_MAP, False),
              ("logits", "logits", NEXT_TOKEN, False)]
    return views


def busiest_head(weights) -> int:
    """The head whose queries look at the most different keys: the clearest picture of what its layer does."""
    return max(range(weights.size(0)), key=lambda h: len(set(weights[h].argmax(-1).tolist())))


def shoot_inspect(shots, dataset: str, text: str | None = None, prefix: str = "") -> None:
    """The Inspect panel at each main kind of stage: inspect-<stage>-<dataset>.png."""
    window, app = shots.window, shots.app
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    if text is not None:
        inspect.text.setText(text)
    if inspect.prefix.isVisible() or prefix:
        inspect.prefix.setText(prefix)  # the answer so far: one cross-attention row per output token
    inspect.trace_input()
    wait_until(app, lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=120)
    names = inspect.inspection.trace.names()
    for shot, name, tab, cell in inspect_views(names):
        inspect.go_to(names.index(name))
        inspect.detail.clear_selection()
        if inspect.current_record().axes == ("head", "query", "key"):
            inspect.detail.head_box.setValue(busiest_head(inspect.current_record().tensor))
        if cell:  # the worked numbers of one attention row under the heatmap
            inspect.detail.select_cell(max(inspect.current_record().tensor.shape[-2] - 2, 0), 1)
        inspect.detail.tabs.setCurrentIndex(tab)
        shots.shoot(f"inspect-{shot}-{dataset}", "inspect")
    shoot_lens(shots, dataset)


def shoot_lens(shots, dataset: str) -> None:
    """The Lens tab of the traced input: inspect-lens-, inspect-why-, inspect-rows-<dataset>.png."""
    inspect = shots.window.panel("inspect")
    inspect.go_to(0)
    inspect.detail.tabs.setCurrentIndex(inspect.detail.tabs.indexOf(inspect.lens))
    ids = inspect.inspection.ids
    for sub, shot in enumerate(("lens", "why", "rows")):
        inspect.lens.setCurrentIndex(sub)
        if shot == "lens":  # the last position's top tokens, layer by layer
            inspect.lens.logit_lens.grid.setCurrentCell(inspect.lens.logit_lens.grid.rowCount() - 1, len(ids) - 1)
        if shot == "rows":  # the last three query tokens together, in the last attention that reads the input
            rows = inspect.lens.row_attention
            rows.module.setCurrentIndex(rows.module.count() - 1)
            rows.select_rows(list(range(max(0, rows.rows.count() - 3), rows.rows.count())))
        shots.shoot(f"inspect-{shot}-{dataset}", "inspect")
    inspect.detail.tabs.setCurrentIndex(NUMBERS)


def shoot_health(shots, dataset: str) -> None:
    """The Train panel's Health tab after the run: train-health-<dataset>.png."""
    train = shots.window.panel("train")
    train.views.setCurrentWidget(train.health)
    shots.shoot(f"train-health-{dataset}", "train")
    train.views.setCurrentIndex(0)


def shoot_backward(shots, dataset: str, text: str) -> None:
    """Inspect's Backward mode on one input: the loss, A beside ∂L/∂A, and one weight's optimizer step:
    inspect-backward-loss-, inspect-backward-attention-, inspect-backward-step-<dataset>.png."""
    window, app = shots.window, shots.app
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText(text)
    inspect.set_mode("backward")
    wait_until(app, lambda: not inspect.is_tracing() and inspect.backward is not None, timeout=120)
    detail, names = inspect.backward_detail, [r.name for r in inspect.records()]
    inspect.go_to(names.index("loss"))
    detail.tabs.setCurrentIndex(detail.loss_tab)
    shots.shoot(f"inspect-backward-loss-{dataset}", "inspect")
    attention = [n for n in names if n.startswith("grad.") and n.endswith(".attn.weights")][0]  # the last layer's
    inspect.go_to(names.index(attention))
    detail.tabs.setCurrentIndex(detail.attention_tab)
    shots.shoot(f"inspect-backward-attention-{dataset}", "inspect")
    weight = next(n for n in names if n.startswith("param.") and n.endswith("mlp.up_proj.weight")
                  or n.startswith("param.") and n.endswith("attn.qkv_proj.weight"))
    inspect.go_to(names.index(weight))
    detail.select_cell(3, 5)
    detail.tabs.setCurrentIndex(detail.optimizer_tab)
    shots.shoot(f"inspect-backward-step-{dataset}", "inspect")
    inspect.set_mode("forward")


# --- presentation mode on a 1280×720 projector ------------------------------------------------------------------
PROJECTOR = {"name": "projector", "x": 0, "y": 0, "width": 1280, "height": 720, "logicalDpi": 96,
             "logicalBaseDpi": 96, "dpr": 1}
PRESENTATION_TEXT = "Tokenizers split text into pieces.\n分词把文字切成词元 🐱"


def presentation_main(folder: Path) -> int:
    """presentation-train.png (during training), presentation-inspect.png (attention), presentation-tokenize.png,
    and presentation-tokenize-contrast.png (white on black), full screen at 1280×720 with the default scale."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="playground-shots-") as tmp:
        screen = Path(tmp) / "projector.json"
        screen.write_text(json.dumps({"screens": [PROJECTOR]}), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"  # before the app: the screen's size
        os.environ["PLAYGROUND_SETTINGS_DIR"] = tmp
        shots = Photographer(folder)
        window, app = shots.window, shots.app
        window.set_theme("light")
        shots.choose("grammar")
        window.presentation.enter()
        wait_until(app, lambda: window.isFullScreen() and window.width() == PROJECTOR["width"])
        shoot_tokenize_presented(shots)
        shoot_training_presented(shots)
        inspect = window.panel("inspect")
        window.show_panel("inspect")
        inspect.text.setText("the cat sees")  # few characters: cells and labels large enough for the back row
        inspect.trace_input()
        wait_until(app, lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=120)
        views = inspect_views(inspect.inspection.trace.names())
        show_attention(shots, next(name for shot, name, _tab, _cell in views if shot == "masked-attention"))
        shots.shoot("presentation-inspect", "inspect")
        window.presentation.set_contrast("dark")
        shots.shoot("presentation-tokenize-contrast", "tokenize")
        window.presentation.leave()
        window.shutdown()
    return 0


def shoot_tokenize_presented(shots) -> None:
    window, app = shots.window, shots.app
    tokenize = window.panel("tokenize")
    tokenize.input.setPlainText(PRESENTATION_TEXT)
    right = tokenize.right
    right.kind_box.setCurrentIndex(right.kind_box.findData("bpe"))
    right.vocab_box.setValue(400)
    right.train()
    wait_until(app, lambda: right.tokenizer is not None and not right.is_training())
    tokenize.refresh()
    shots.shoot("presentation-tokenize", "tokenize")


def shoot_training_presented(shots, steps: int = 600, shot_at: int = 300) -> None:
    """The Train panel while it trains: the shot is taken at step ``shot_at``, then training stops there."""
    window, app = shots.window, shots.app
    window.workspace.set_train_config(max_steps=steps, eval_interval=50)
    train = window.panel("train")
    window.show_panel("train")
    seen = [0]
    window.workspace.training_record.connect(lambda row: seen.__setitem__(0, row.get("step", seen[0])))
    train.start()
    wait_until(app, lambda: seen[0] >= shot_at or train.state not in ("running", "idle"), timeout=600)
    shots.shoot("presentation-train", "train")
    train.stop()
    wait_until(app, lambda: train.state in ("finished", "stopped", "diverged") and not train.job_running(), timeout=600)


def show_attention(shots, name: str) -> None:
    """The Inspect panel at attention record ``name``: its busiest head, one query row's worked numbers."""
    inspect = shots.window.panel("inspect")
    names = inspect.inspection.trace.names()
    inspect.go_to(names.index(name))
    record = inspect.current_record()
    inspect.detail.head_box.setValue(busiest_head(record.tensor))
    inspect.detail.select_cell(max(record.tensor.shape[-2] - 2, 0), 1)
    inspect.detail.tabs.setCurrentIndex(NUMBERS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
