"""Small recipes shared by the core tests."""

from playground.core.recipes import recipe_for_text

TEXT = "the cat sat on the mat. the dog sat on the log. a cat and a dog.\n" * 40

TINY_MODEL = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)


def tiny_text_recipe(steps=20, **train):
    return recipe_for_text(TEXT, is_text=True, model=TINY_MODEL,
                           train={**dict(max_steps=steps, batch_size=4, eval_interval=5, eval_batches=2,
                                         warmup_steps=2), **train})
