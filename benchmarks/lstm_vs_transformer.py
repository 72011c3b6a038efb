"""The seed's LSTM against the Transformer on toy English: about the same parameters, the same wall time (prints figures).

Run: OMP_WAIT_POLICY=PASSIVE python benchmarks/lstm_vs_transformer.py [--seconds 150] [--threads 2]

Both train on the built-in *grammar* dataset with its default settings (the Transformer is its
default model; the LSTM has the same width and one layer, its hidden size chosen to match the
Transformer's parameter count) for the same wall time, then report the validation loss, steps,
tokens per second and a sample from the same prompt and seed.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def lstm_matching(recipe, layers: int) -> dict:
    """LSTM settings with the Transformer's width and about its parameter count."""
    from playground.core.limits import parameter_count
    from playground.core.model import ModelConfig

    target = parameter_count(recipe.model)
    base = {**recipe.model.to_dict(), "family": "lstm", "n_layer": layers, "tie_weights": False}
    best = min(range(8, 2049, 8), key=lambda h: abs(parameter_count(ModelConfig(**{**base, "lstm_hidden": h}))
                                                    - target))
    return {"family": "lstm", "n_layer": layers, "lstm_hidden": best, "tie_weights": False}


def train_for(recipe, seconds: float) -> dict:
    from playground.core.model import build_model, count_parameters
    from playground.core.sample import SampleConfig, continued_text, generate
    from playground.core.train import Trainer

    import torch

    torch.manual_seed(0)
    model = build_model(recipe.model)
    recipe.train.lr_decay_steps = recipe.train.lr_decay_steps or recipe.train.max_steps  # the dataset's schedule
    recipe.train.max_steps = 100_000  # stopped by the clock
    recipe.train.eval_interval = 100_000
    trainer = Trainer(model, recipe.task, recipe.train)
    started, steps, speed = time.perf_counter(), 0, 0.0
    for record in trainer.run():
        if record.kind == "step":
            steps, speed = record.step, record.tokens_per_second
            if time.perf_counter() - started >= seconds:
                trainer.request_stop()
    elapsed = time.perf_counter() - started
    trainer._stop.clear()  # the clock stopped the run; the evaluation must not stop too
    val_loss = trainer.evaluate()["val_loss"]
    tok = recipe.task.tokenizer
    prompt = tok.encode_ids("the cat")
    out = generate(model, tok, prompt, SampleConfig(max_new_tokens=120, temperature=0.8, seed=1))
    sample = continued_text(tok, prompt, [s.id for s in out], "the cat")
    return {"parameters": count_parameters(model), "steps": steps, "seconds": elapsed, "val_loss": val_loss,
            "tokens_per_second": speed, "sample": sample}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lstm-layers", type=int, default=1)
    args = parser.parse_args()

    import torch

    from playground.core.recipes import recipe_for_dataset

    torch.set_num_threads(args.threads)
    transformer = recipe_for_dataset("grammar", train={"device": "cpu"})
    lstm = recipe_for_dataset("grammar", model=lstm_matching(transformer, args.lstm_layers), train={"device": "cpu"})
    for name, recipe in (("Transformer", transformer), ("LSTM", lstm)):
        r = train_for(recipe, args.seconds)
        cfg = recipe.model
        shape = (f"{cfg.n_layer} layers, d_model {cfg.d_model}, {cfg.n_head} heads" if cfg.family == "transformer"
                 else f"{cfg.n_layer} LSTM layer(s), d_model {cfg.d_model}, hidden {cfg.hidden_size}")
        print(f"{name} ({shape}): {r['parameters']:,} parameters, {r['steps']} steps in {r['seconds']:.0f} s "
              f"({r['tokens_per_second']:,.0f} tokens/s), validation loss {r['val_loss']:.3f}")
        print(f"  sample: {r['sample']!r}")


if __name__ == "__main__":
    main()
