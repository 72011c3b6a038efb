"""Small workspaces for the panel tests: built-in datasets with tiny models, built once per process."""

import copy
import functools

from playground.app.qworkspace import QWorkspace
from playground.core.recipes import recipe_for_dataset

TINY_MODEL = dict(n_layer=1, n_head=2, d_model=32, d_ff=64, dropout=0.0)
TINY_TRAIN = dict(max_steps=60, batch_size=16, lr=3e-3, warmup_steps=5, eval_interval=20, eval_batches=2,
                  eval_examples=8)


@functools.cache
def _recipe(name: str):
    model = dict(TINY_MODEL, block_size=32) if name == "grammar" else TINY_MODEL
    return recipe_for_dataset(name, seed=0, model=model, train=TINY_TRAIN)


def tiny_workspace(name: str = "grammar", **train) -> QWorkspace:
    """A QWorkspace on a built-in dataset with a one-layer model; the task is shared, the settings are not."""
    ws = QWorkspace()
    ws.set_recipe(copy.copy(_recipe(name)))
    if train:
        ws.set_train_config(**train)
    return ws
