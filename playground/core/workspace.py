"""The workspace: what the user is working on — data, tokenizer, model, training — in one object.

The GUI, the command line and the tests drive the same Workspace; the Qt layer only wraps it
with signals. It never imports Qt.

    ws = Workspace()
    ws.use_dataset("reversal")          # task, tokenizer, default model and training settings
    ws.set_model_config(n_layer=3)      # rebuilds the (untrained) model
    trainer = ws.new_trainer()          # records go to ws.history as they arrive
"""

from dataclasses import replace
from pathlib import Path

from .datasets import get_dataset
from .errors import ConfigError
from .i18n import _
from .limits import check_fits
from .model import ModelConfig, Transformer, build_model
from .recipes import Recipe, match_architecture, recipe_for_dataset, recipe_for_text
from .snapshots import SnapshotStore
from .tasks import LMTask
from .text import Cleaning
from .train import TrainConfig, Trainer, short_run_warmup

DEFAULT_DATASET = "grammar"


def missing_file_for_tokenizer(path: str) -> str:
    return _("The text file {path} is missing, so a tokenizer cannot be trained on it. Put the file back, or "
             "open it again from where it is now; the model still trains on the tokens saved in the "
             "session.").format(path=path)


class Workspace:
    """Holds the current recipe (task + configs), the model, and the training history."""

    def __init__(self):
        self.recipe: Recipe | None = None
        self.model: Transformer | None = None
        self.trainer: Trainer | None = None
        self.history: list[dict] = []  # records of the current model's training, as dicts
        self.trained_steps = 0
        self.dirty = False  # trained weights not yet saved
        self.snapshots = SnapshotStore()  # the weights at earlier steps of this model's training

    # --- data --------------------------------------------------------------------------
    def use_model_folder(self, folder: str | Path) -> Recipe:
        """Show a pretrained model (a Hugging Face GPT-2 folder, see ``hf_gpt2``): to tokenize with, inspect
        and generate from. It has no data of its own, and it is not trained or changed here."""
        import numpy as np

        from .hf_gpt2 import load_gpt2

        checkpoint = load_gpt2(folder)
        no_data = np.zeros(0, dtype=np.uint32)
        task = LMTask(checkpoint.tokenizer, no_data, no_data, name=Path(folder).resolve().name)
        spec = {"pretrained": str(Path(folder).resolve()), "tokenizer": "bpe", "text": ""}  # no text of its own
        self.set_recipe(Recipe(task, checkpoint.model.cfg, TrainConfig(), spec))
        self.model = checkpoint.model
        return self.recipe

    @property
    def pretrained(self) -> str | None:
        """The folder of the pretrained model this workspace shows, or None."""
        return self.recipe.spec.get("pretrained") if self.recipe else None

    def pretrained_refusal(self) -> str | None:
        """Why this model cannot be trained or changed here, and what to do instead; None when it can."""
        if not self.pretrained:
            return None
        return _("This is the pretrained model from {folder}: you can tokenize with it, inspect it and generate "
                 "from it, but not train or change it here. To train a model of your own, choose a dataset or "
                 "open a text file.").format(folder=self.pretrained)

    def refuse_pretrained(self) -> None:
        """Training or changing a pretrained model is refused, saying what to do instead."""
        if refusal := self.pretrained_refusal():
            raise ConfigError(refusal)

    def set_recipe(self, recipe: Recipe) -> None:
        """Adopt a recipe prepared elsewhere (e.g. built in a worker thread)."""
        self.recipe = recipe
        self._reset_model()

    def use_dataset(self, name: str = DEFAULT_DATASET, seed: int = 0, tokenizer_kind: str | None = None,
                    vocab_size: int | None = None) -> Recipe:
        self.recipe = recipe_for_dataset(name, seed, tokenizer_kind, vocab_size)
        self._reset_model()
        return self.recipe

    def use_text(self, source: str | Path, is_text: bool = False, cleaning: Cleaning | None = None,
                 tokenizer_kind: str = "char", vocab_size: int | None = None) -> Recipe:
        self.recipe = recipe_for_text(source, tokenizer_kind, vocab_size, cleaning, is_text=is_text)
        self._reset_model()
        return self.recipe

    def retokenize(self, kind: str, vocab_size: int | None = None) -> Recipe:
        """Same data, new tokenizer (the model is rebuilt for the new vocabulary)."""
        self.set_recipe(self.recipe_with_tokenizer(kind, vocab_size))
        return self.recipe

    def recipe_with_tokenizer(self, kind: str, vocab_size: int | None = None) -> Recipe:
        """The current data with a new tokenizer; the workspace is left as it is (safe in a worker).

        The model and training settings carry over; only the vocabulary (and, for examples
        that now need more tokens, the context length) follows the new tokenizer.
        """
        recipe = self.require_recipe()
        self.refuse_pretrained()
        spec = recipe.spec
        missing = self.missing_text_file()
        if missing:
            raise ConfigError(missing_file_for_tokenizer(missing))
        model = {k: v for k, v in recipe.model.to_dict().items() if k not in ("vocab_size", "pad_id")}
        keep = dict(model=model, train=recipe.train.to_dict())
        if spec.get("dataset"):
            return recipe_for_dataset(spec["dataset"], spec.get("seed", 0), kind, vocab_size, **keep)
        cleaning = Cleaning(**spec["cleaning"]) if spec.get("cleaning") else None
        is_text = spec.get("text") is not None
        source = spec["text"] if is_text else spec["text_file"]
        return recipe_for_text(source, kind, vocab_size, cleaning, spec.get("val_fraction", 0.1),
                               is_text=is_text, **keep)

    def missing_text_file(self) -> str | None:
        """The text file the data was read from, if it is gone (a session still holds its tokens)."""
        path = self.recipe.spec.get("text_file") if self.recipe else None
        return path if path and not Path(path).is_file() else None

    @property
    def dataset(self):
        spec = self.recipe.spec if self.recipe else {}
        return get_dataset(spec["dataset"]) if spec.get("dataset") else None

    def require_recipe(self) -> Recipe:
        if self.recipe is None:
            raise ConfigError(_("choose a built-in dataset or open a text file first"))
        return self.recipe

    # --- model -------------------------------------------------------------------------
    def set_model_config(self, **changes) -> ModelConfig:
        """Change model settings; the tokenizer fixes vocab_size and pad_id."""
        recipe = self.require_recipe()
        self.refuse_pretrained()
        tok = recipe.task.tokenizer
        cfg = ModelConfig.from_dict({**recipe.model.to_dict(), **changes, "vocab_size": tok.vocab_size,
                                     "pad_id": tok.pad_id})
        task = match_architecture(recipe.task, cfg.architecture)
        if task is not recipe.task and task.longest() > cfg.block_size:
            cfg = replace(cfg, block_size=task.longest())  # a decoder reads source and target in one sequence
        task.check(cfg.block_size)
        check_fits(cfg, recipe.train.batch_size, training=True)  # too big to train here: refused with the estimate
        recipe.task, recipe.model = task, cfg
        self._reset_model()
        return cfg

    def set_train_config(self, **changes) -> TrainConfig:
        """Change training settings; fewer steps shorten the warm-up as the command line does
        (``short_run_warmup``), unless ``warmup_steps`` is given too."""
        recipe = self.require_recipe()
        if "max_steps" in changes and "warmup_steps" not in changes:
            changes["warmup_steps"] = short_run_warmup(changes["max_steps"], recipe.train.warmup_steps)
        recipe.train = TrainConfig.from_dict({**recipe.train.to_dict(), **changes})
        return recipe.train

    def ensure_model(self) -> Transformer:
        if self.model is None:
            recipe = self.require_recipe()
            self.model = build_model(recipe.model, seed=recipe.train.seed)  # the same first weights every time
        return self.model

    def _reset_model(self) -> None:
        self.model, self.trainer = None, None
        self.history, self.trained_steps, self.dirty = [], 0, False
        self.snapshots.clear()

    # --- training ----------------------------------------------------------------------
    def new_trainer(self, run_dir=None, pause_switch=None, **train_changes) -> Trainer:
        """A trainer that continues the current model (its steps add to the history)."""
        recipe = self.require_recipe()
        self.refuse_pretrained()
        train = replace(recipe.train, **train_changes) if train_changes else recipe.train
        # the app trains eagerly (compile off) even when a checkpoint of a compiled CLI run set its recipe
        train = replace(train, max_steps=self.trained_steps + train.max_steps, compile="off")
        trainer = Trainer(self.ensure_model(), recipe.task, train, run_dir, recipe.spec, pause_switch)
        if self.trainer is not None:  # keep the optimizer's moments and the best evaluation across start/stop
            trainer.optimizer.load_state_dict(self.trainer.optimizer.state_dict())
            trainer.best = self.trainer.best
        trainer.step = self.trained_steps
        trainer.record_hooks.append(self.snapshots.on_record)
        if not len(self.snapshots):  # the first snapshot: the weights training starts from
            self.snapshots.capture(trainer.model, self.trained_steps)
        self.trainer = trainer
        return trainer

    def apply_backward_step(self, bt) -> dict:
        """Make Inspect's recorded training step (a ``backward.BackwardTrace`` on this model now) the model's
        next step: its weights, the trainer's moments and step count, and a step record in the history (and
        the run's metrics.jsonl) with the step's loss, learning rate and gradient norm; returns that record.

        One example rather than a batch, timed by no one: its tokens/s is 0 and its elapsed time the last step's.
        """
        from dataclasses import asdict

        from .backward import apply_step
        from .train import StepRecord

        self.refuse_pretrained()
        model = self.ensure_model()
        apply_step(model, bt, self.trainer.optimizer if self.trainer is not None else None)
        last = next((r for r in reversed(self.history) if r.get("kind") == "step"), None)
        record = StepRecord(self.trained_steps + 1, bt.loss_before, bt.lr, bt.grad_norm, 0.0,
                            last["elapsed"] if last else 0.0, str(next(model.parameters()).device))
        row = {**asdict(record), "source": "inspect"}  # one example stepped by hand, not a training batch
        if self.trainer is not None:
            self.trainer.count_step(row)
        self.record(row)
        return row

    def record(self, row: dict) -> None:
        """Called with each record (as a dict) while training runs."""
        if row.get("kind") == "event" and row.get("event") == "diverged":
            # the model went back to the step of its last good evaluation: so does its history
            timed = ("step", "eval", "health", "attention")
            self.history = [r for r in self.history if r.get("kind") not in timed or r["step"] <= row["step"]]
            self.trained_steps = row["step"]
        self.history.append(row)
        if row.get("kind") == "step":
            self.trained_steps = row["step"]
            self.dirty = True
