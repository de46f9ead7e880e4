"""How good is the book's dense VAE? Held-out negative ELBO and importance-weighted NLL.

Trains in full mode and reports, in nats per test image, with the data variant, epochs and
wall time (JSON, default benchmarks/results/quality.json):
  - "book": the one-hidden-layer model and settings chapter 2 trained before it moved to two
    hidden layers and KL warm-up (784-512-40, batch 512, 16 steps per call, 50 epochs, Adam
    2e-3; chapter 2 now computes its own model's bound) on dynamically binarised MNIST; test
    negative ELBO (z sampled) and the importance-weighted NLL with k = 5000 (Burda et al.
    2016, whose one-stochastic-layer VAE reports 86.76 nats on this data variant).
  - "pytorch-example": the PyTorch examples' VAE setting (784-400-20, grey-level MNIST scored
    with binary cross-entropy, batch 128, 10 epochs, Adam 1e-3; it reports a test loss of about
    105.6), trained here with the same per-example loss.
Usage: python benchmarks/quality.py [--settings book pytorch-example] [--iw-images N]
"""

import argparse
import json
import time
from pathlib import Path

import keras
import numpy as np

import vae_helpers as vh

SETTINGS = {
    "book": {
        "data": "dynamically binarised MNIST (test set binarised once, seed 2)",
        "latent_dim": 40,
        "hidden_units": (512,),
        "epochs": 50,
        "batch_size": 512,
        "steps_per_execution": 16,
        "learning_rate": 2e-3,
        "binarised": True,
    },
    "pytorch-example": {
        "data": "grey-level MNIST scored with binary cross-entropy (not a normalised likelihood)",
        "latent_dim": 20,
        "hidden_units": (400,),
        "epochs": 10,
        "batch_size": 128,
        "steps_per_execution": 1,
        "learning_rate": 1e-3,
        "binarised": False,
    },
}


def evaluate_setting(name, iw_images, iw_samples):
    setting = SETTINGS[name]
    vh.seed_everything(0)
    (x_train, _), (x_test, _) = vh.load_mnist()
    vae = vh.build_dense_vae(setting["latent_dim"], setting["hidden_units"], seed=0)
    vae.compile(
        optimizer=keras.optimizers.Adam(setting["learning_rate"]),
        steps_per_execution=setting["steps_per_execution"],
    )
    start = time.perf_counter()
    if setting["binarised"]:
        train = vh.binarized_dataset(x_train, setting["batch_size"], seed=0)
        vae.fit(train, epochs=setting["epochs"], shuffle=False, verbose=0)
        x_test = vh.binarize(x_test, seed=2)
    else:
        vae.fit(x_train, batch_size=setting["batch_size"], epochs=setting["epochs"], verbose=0)
    train_seconds = time.perf_counter() - start
    test = vae.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
    result = {
        **{key: value for key, value in setting.items() if key != "hidden_units"},
        "hidden_units": list(setting["hidden_units"]),
        "train_images": len(x_train),
        "train_seconds": train_seconds,
        "test_negative_elbo": test["loss"],
        "test_reconstruction": test["reconstruction"],
        "test_kl": test["kl"],
    }
    if setting["binarised"] and iw_images:
        subset = np.random.default_rng(0).choice(len(x_test), iw_images, replace=False)
        start = time.perf_counter()
        nll = vh.importance_weighted_nll(vae, x_test[subset], num_samples=iw_samples)
        result.update(
            iw_samples=iw_samples,
            iw_images=iw_images,
            iw_nll=float(np.mean(nll)),
            iw_seconds=time.perf_counter() - start,
        )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--iw-images", type=int, default=10_000, help="test images for IW NLL")
    parser.add_argument("--iw-samples", type=int, default=5000)
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "quality.json"
    )
    args = parser.parse_args()
    results = {}
    for name in args.settings:
        results[name] = evaluate_setting(name, args.iw_images, args.iw_samples)
        print(name, json.dumps(results[name], indent=2), flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
