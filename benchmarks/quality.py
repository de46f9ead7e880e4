"""How good is the book's dense VAE? Held-out negative ELBO and importance-weighted NLL, per seed.

Trains in full mode and reports, in nats per test image, with the data variant, epochs and
wall time (JSON, default benchmarks/results/quality.json; settings not run keep their stored
results):
  - "chapter-2": chapter 2's model and recipe (784-512-512-40, KL warm-up over 20 epochs,
    160 epochs on the first 50,000 training images, batch 512, 16 steps per call, Adam 2e-3) on
    dynamically binarised MNIST; test negative ELBO (z sampled) and the importance-weighted
    NLL with k = 5000 on all 10,000 test images, binarised once with seed 2 (Burda et al. 2016,
    whose one-stochastic-layer VAE reports 86.76 nats on this protocol). Run with --seeds to
    see how much the headline number moves with the seed (initial weights, the sampling noise,
    the training images' binarisation and order); chapter 2 itself trains seed 0 with a
    validation pass per epoch, which draws from the same noise generator, so its run is not
    bit-identical to seed 0 here.
  - "one-layer": the model chapter 2 trained before (784-512-40, 50 epochs, all 60,000
    training images, no warm-up).
  - "pytorch-example": the PyTorch examples' VAE setting (784-400-20, grey-level MNIST scored
    with binary cross-entropy, batch 128, 10 epochs, Adam 1e-3; it reports a test loss of about
    105.6), trained here with the same per-example loss.
Usage: python benchmarks/quality.py [--settings NAME ...] [--seeds 0 1 2] [--iw-images N]
"""

import argparse
import json
import time
from pathlib import Path

import keras
import numpy as np

import vae_helpers as vh

BINARISED = "dynamically binarised MNIST (test set binarised once, seed 2)"
SETTINGS = {
    "chapter-2": {
        "data": BINARISED,
        "latent_dim": 40,
        "hidden_units": (512, 512),
        "epochs": 160,
        "kl_warmup_epochs": 20,
        "batch_size": 512,
        "steps_per_execution": 16,
        "learning_rate": 2e-3,
        "binarised": True,
        "train_images": 50_000,
    },
    "one-layer": {
        "data": BINARISED,
        "latent_dim": 40,
        "hidden_units": (512,),
        "epochs": 50,
        "kl_warmup_epochs": 0,
        "batch_size": 512,
        "steps_per_execution": 16,
        "learning_rate": 2e-3,
        "binarised": True,
        "train_images": 60_000,
    },
    "pytorch-example": {
        "data": "grey-level MNIST scored with binary cross-entropy (not a normalised likelihood)",
        "latent_dim": 20,
        "hidden_units": (400,),
        "epochs": 10,
        "kl_warmup_epochs": 0,
        "batch_size": 128,
        "steps_per_execution": 1,
        "learning_rate": 1e-3,
        "binarised": False,
        "train_images": 60_000,
    },
}
METRICS = ("test_negative_elbo", "test_reconstruction", "test_kl", "iw_nll")


def train_and_evaluate(setting, seed, iw_images, iw_samples):
    """One run of ``setting`` from ``seed``: its times and numbers, in nats per test image."""
    vh.seed_everything(seed)
    (x_train, _), (x_test, _) = vh.load_mnist()
    x_train = x_train[: setting["train_images"]]
    vae = vh.build_dense_vae(setting["latent_dim"], setting["hidden_units"], seed=seed)
    vae.compile(
        optimizer=keras.optimizers.Adam(setting["learning_rate"]),
        steps_per_execution=vh.supported_steps_per_execution(setting["steps_per_execution"]),
    )
    warmup = setting["kl_warmup_epochs"]
    callbacks = [vh.KLWarmup(warmup)] if warmup else []
    start = time.perf_counter()
    if setting["binarised"]:
        train = vh.binarized_dataset(x_train, setting["batch_size"], seed=seed)
        vae.fit(train, epochs=setting["epochs"], shuffle=False, verbose=0, callbacks=callbacks)
        x_test = vh.binarize(x_test, seed=2)
    else:
        vae.fit(x_train, batch_size=setting["batch_size"], epochs=setting["epochs"], verbose=0)
    run = {"seed": seed, "train_seconds": time.perf_counter() - start}
    test = vae.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
    run.update(
        test_negative_elbo=test["loss"],
        test_reconstruction=test["reconstruction"],
        test_kl=test["kl"],
    )
    if setting["binarised"] and iw_images:
        start = time.perf_counter()
        nll = vh.importance_weighted_nll(vae, x_test[:iw_images], iw_samples, seed=3)
        run.update(iw_nll=float(nll.mean()), iw_seconds=time.perf_counter() - start)
    return run


def summary(runs):
    """Mean and sample standard deviation (ddof 1; none for one run) of each metric over runs."""
    result = {}
    for metric in METRICS:
        values = [run[metric] for run in runs if metric in run]
        if values:
            sd = float(np.std(values, ddof=1)) if len(values) > 1 else None
            result[metric] = {"mean": float(np.mean(values)), "sd": sd, "runs": len(values)}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--iw-images", type=int, default=10_000, help="test images for IW NLL")
    parser.add_argument("--iw-samples", type=int, default=5000)
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "quality.json"
    )
    args = parser.parse_args()
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    for name in args.settings:
        setting = SETTINGS[name]
        runs = []
        for seed in args.seeds:
            runs.append(train_and_evaluate(setting, seed, args.iw_images, args.iw_samples))
            print(name, json.dumps(runs[-1]), flush=True)
        evaluation = {"iw_images": args.iw_images, "iw_samples": args.iw_samples}
        results[name] = {
            "setting": {**setting, "hidden_units": list(setting["hidden_units"])},
            "evaluation": evaluation if setting["binarised"] else {},
            "backend": keras.config.backend(),
            "runs": runs,
            "summary": summary(runs),
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n")
        print(name, json.dumps(results[name]["summary"], indent=2), flush=True)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
