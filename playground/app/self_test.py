"""``playground --self-test``: prove an installation works, the way a user would use it.

Opens the real main window (offscreen when there is no display), waits for the default
built-in dataset, checks that Chinese is drawn with real glyphs (not boxes), trains its model
for a few steps, generates a sample and traces one input in the inspector, then prints one
line and exits 0; anything that fails or hangs prints
what and exits 1. Installers' CI runs it on the installed app; a teacher can run it on a lab
machine. It uses temporary settings and a temporary runs folder, so it changes nothing.
"""

import math
import sys
import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QIcon

from ..resources import resource_path

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

STEPS = 20  # training steps: enough for the loss to fall, a few seconds on a laptop CPU
STAGE_TIMEOUT = 240.0  # seconds any one stage may take before the self-test calls it hung
POLL_MS = 20


@dataclass
class Stage:
    name: str
    start: object  # () -> None
    done: object  # () -> bool
    began: float = 0.0
    seconds: float = 0.0


class SelfTest(QObject):
    """Drives ``window`` through load → train → generate → inspect; ``finished(code, line)`` follows."""

    finished = Signal(int, str)

    def __init__(self, window, runs_root, started: float, steps: int = STEPS):
        super().__init__(window)
        self.window, self.runs_root, self.started = window, runs_root, started
        self.steps = steps
        self.errors: list[str] = []
        self.font_ms = 0.0  # how long the check that Chinese is not drawn as boxes took
        self.stages = [Stage("load", lambda: None, self._loaded),
                       Stage("fonts", self._check_fonts, lambda: True),
                       Stage("train", self._train, self._trained),
                       Stage("generate", self._generate, self._generated),
                       Stage("inspect", self._inspect, self._inspected)]
        self.index = -1
        self.window_seconds = 0.0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._poll)

    def start(self) -> None:
        self.window_seconds = time.monotonic() - self.started
        if QIcon(str(resource_path("icons/playground.svg"))).pixmap(32, 32).isNull():
            self._fail(translate("SelfTest", "the app's icons cannot be drawn (resources or Qt's SVG plugin are "
                                             "missing)"))
            return
        self.window.panels_ready.connect(self._listen)
        self.window.load_failed.connect(lambda message: self.errors.append(message))
        if self.window.workspace is not None:
            self._listen()
        self._next()
        self.timer.start(POLL_MS)

    def _listen(self) -> None:
        """Any error the window would show (a worker's exception, a refused file) fails the self-test."""
        self.window.workspace.error.connect(lambda message, _details="": self.errors.append(message))

    # --- the stages ---------------------------------------------------------------------------
    def _loaded(self) -> bool:
        ws = self.window.workspace
        if ws is None:
            return False
        data, model = self.window.panel("data"), self.window.panel("model")
        return (ws.core.recipe is not None and data.info is not None and not data.is_busy()
                and model.summary is not None and not data.jobs_running() and not model.jobs_running())

    def _check_fonts(self) -> None:
        """The interface in Chinese must not be boxes: a CJK font must be installed (the .deb depends on one)."""
        from .font_check import chinese_rendering_problem

        began = time.perf_counter()
        problem = chinese_rendering_problem(self.window.font())
        self.font_ms = (time.perf_counter() - began) * 1000
        if problem:
            self.errors.append(problem)

    def _train(self) -> None:
        train = self.window.panel("train")
        train.runs_root = self.runs_root
        self.window.workspace.set_train_config(max_steps=self.steps, eval_interval=self.steps)
        self.window.show_panel("train")
        train.start()

    def _trained(self) -> bool:
        state = self.window.panel("train").state
        if state in ("stopped", "diverged"):
            raise SelfTestFailure(translate("SelfTest", "training ended as '{state}'").format(state=state))
        return state == "finished"

    def _generate(self) -> None:
        generate = self.window.panel("generate")
        self.window.show_panel("generate")
        if generate.is_pair_task():
            generate.pick_example(0)
        generate.generate()

    def _generated(self) -> bool:
        generate = self.window.panel("generate")
        return not generate.is_generating() and bool(generate.token_view.steps)  # <eos> alone adds no text

    def _inspect(self) -> None:
        self.window.show_panel("inspect")
        inspect = self.window.panel("inspect")
        if not inspect.text.text():  # a built-in text starts with an empty box (which traces nothing): type its example
            inspect.text.setText("the cat sees")
        inspect.trace_input()

    def _inspected(self) -> bool:
        inspect = self.window.panel("inspect")
        return not inspect.is_tracing() and inspect.inspection is not None

    # --- the loop -----------------------------------------------------------------------------
    def _poll(self) -> None:
        stage = self.stages[self.index]
        try:
            if self.errors:
                raise SelfTestFailure(self.errors[0])
            if stage.done():
                stage.seconds = time.monotonic() - stage.began
                self._next()
            elif time.monotonic() - stage.began > STAGE_TIMEOUT:
                raise SelfTestFailure(translate("SelfTest", "'{stage}' did not finish in {seconds} s").format(
                    stage=stage.name, seconds=f"{STAGE_TIMEOUT:.0f}"))
        except Exception as e:  # noqa: BLE001  (any failure is the report, never a hang)
            self._fail(f"{stage.name}: {e}")

    def _next(self) -> None:
        self.index += 1
        if self.index == len(self.stages):
            self._finish(0, self.report())
            return
        stage = self.stages[self.index]
        stage.began = time.monotonic()
        stage.start()

    def _fail(self, message: str) -> None:
        self._finish(1, translate("SelfTest", "playground self-test FAILED: {message}").format(message=message))

    def _finish(self, code: int, line: str) -> None:
        self.timer.stop()
        if self.window.workspace is not None:
            self.window.workspace.core.dirty = False  # the self-test's model is not the user's to save
        self.finished.emit(code, line)


    def report(self) -> str:
        """One line: what ran, how long each stage took, what the model did."""
        import torch

        from .. import __version__

        ws = self.window.workspace
        losses = [row["loss"] for row in ws.core.history if row.get("kind") == "step"]
        if len(losses) < self.steps or not all(math.isfinite(v) for v in losses):
            raise SelfTestFailure(translate("SelfTest", "training recorded {n} of {steps} steps").format(
                n=len(losses), steps=self.steps))
        secs = {s.name: s.seconds for s in self.stages}
        sample = self.window.panel("generate").output_text()
        stages = len(self.window.panel("inspect").inspection.trace.records)
        line = translate("SelfTest", "playground self-test passed: {version}, torch {torch}, window {window} s, "
                                     "ready {ready} s, trained {task} {steps} steps (loss {first} -> {last}) in "
                                     "{train} s, generated {chars} characters in {generate} s, traced {stages} "
                                     "stages in {inspect} s; total {total} s")
        return line.format(version=__version__, torch=torch.__version__, window=f"{self.window_seconds:.2f}",
                           ready=f"{secs['load']:.1f}", task=ws.core.recipe.task.name, steps=len(losses),
                           first=f"{losses[0]:.2f}", last=f"{losses[-1]:.2f}", train=f"{secs['train']:.1f}",
                           chars=len(sample), generate=f"{secs['generate']:.1f}", stages=stages,
                           inspect=f"{secs['inspect']:.1f}", total=f"{time.monotonic() - self.started:.1f}")


class SelfTestFailure(RuntimeError):
    pass


def report_and_quit(app, window, code: int, line: str) -> None:
    """Print the self-test's line (stderr on failure), close the window and end the app with ``code``."""
    print(line, file=sys.stdout if code == 0 else sys.stderr, flush=True)
    window.close()
    app.exit(code)
