"""What the lens costs on the default model: logit lens, one attribution, and held-out head ablation (prints figures).

Run: OMP_WAIT_POLICY=PASSIVE python benchmarks/lens_bench.py
"""

import statistics
import time

import torch

from playground.core.lens import ablation_loss, logit_attribution, logit_lens
from playground.core.model import build_model
from playground.core.recipes import recipe_for_text
from playground.core.trace import trace

TEXT = "the cat sat on the mat. the dog sat on the log. a cat and a dog.\n" * 200


def median_ms(fn, repeats: int = 5) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    recipe = recipe_for_text(TEXT, is_text=True)  # the default text model
    task, tok = recipe.task, recipe.task.tokenizer
    torch.manual_seed(0)
    model = build_model(recipe.model).eval()
    tr = trace(model, tok.encode_ids(TEXT[:64]))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; default model (4 layers × 4 heads, "
          f"d 128), 64 tokens, median of 5")
    print(f"logit lens        {median_ms(lambda: logit_lens(model, tr)):8.1f} ms")
    print(f"attribution       {median_ms(lambda: logit_attribution(model, tr, -1, 1, 2)):8.1f} ms")
    for batches in (4, 8):
        one = median_ms(lambda: ablation_loss(model, task, {"decoder.0.attn": {0}}, batches=batches,
                                              per_head=False), repeats=3)
        table = median_ms(lambda: ablation_loss(model, task, {"decoder.0.attn": {0}}, batches=batches),
                          repeats=1)
        print(f"ablation, {batches} batches of 16 × 64: with/without {one:8.1f} ms   "
              f"with the 16-head table {table:8.1f} ms")


if __name__ == "__main__":
    main()
