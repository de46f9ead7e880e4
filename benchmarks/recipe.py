"""Which training recipe buys the book's main model the best likelihood per second of training?

Each candidate recipe trains on the book's training split (the first 50,000 MNIST training
images, dynamically binarised) and stops at fixed epochs to measure the importance-weighted
bound on -log p(x) (``vh.importance_weighted_nll``, k samples) on the first test images
(binarised once, seed 2, as chapter 2 does). The result is a curve of IW NLL against seconds of
training (evaluation time excluded) per recipe, so recipes of different cost compare at equal
time. Candidates (all Adam, latent dimension 40, seed 0):
  dense-512            one hidden layer (784-512-40), batch 512, learning rate 2e-3
  dense-512-512        two hidden layers of 512 in the encoder and in the decoder
  dense-512-512-cosine the same, its learning rate decayed to 0 by a cosine over all its epochs
  dense-512-512-bf16   the same trained under Keras' mixed_bfloat16 dtype policy (bfloat16
                       matmuls, float32 weights and loss), scored by a float32 copy
  dense-512-512-long   two hidden layers, trained to 160 epochs: where does the curve level off?
  dense-512-512-warmup the same with KL warm-up (``vh.KLWarmup``): the KL weight rises linearly
                       from 0 to 1 over the first 20 epochs (Bowman et al. 2016; Sønderby et
                       al. 2016); chapter 2's recipe
  conv-32-64           a convolutional encoder (filters 32 and 64) with the one-layer dense
                       decoder (``vh.build_conv_vae``), batch 128, rate 1e-3
  conv-deconv-warmup   chapter 2's convolutional VAE: the same encoder and its mirror image of
                       transposed convolutions (``vh.build_conv_decoder``), batch 128, rate
                       1e-3, KL warm-up over the first 10 epochs
Each recipe records whether TensorFlow's op determinism was on (it costs speed on a CPU).
Prints a table and writes JSON (default benchmarks/results/recipe.json). Run it on an
otherwise idle machine: the curves' x-axis is wall time.
Usage: python benchmarks/recipe.py [--quick] [--recipes NAME ...] [--output PATH]
(--recipes re-measures only those; the other recipes' stored results in PATH are kept.)
"""

import argparse
import json
import platform
import time
from pathlib import Path

import keras
from tensorflow.python.framework.config import is_op_determinism_enabled  # as Keras does

import vae_helpers as vh

TRAIN_IMAGES = 50_000
LATENT_DIM = 40
DENSE_EPOCHS, LONG_EPOCHS, CONV_EPOCHS = (5, 10, 20, 40), (40, 80, 120, 160), (1, 2, 4, 8, 16)
CONV_FILTERS = (32, 64)


def dense(hidden_units, dtype_policy="float32"):
    """A builder of the dense VAE whose layers compute in ``dtype_policy``."""

    def build():
        keras.config.set_dtype_policy(dtype_policy)
        try:
            return vh.build_dense_vae(LATENT_DIM, hidden_units, seed=0)
        finally:
            keras.config.set_dtype_policy("float32")

    return build


# name: (builder, batch size, learning rate, cosine decay, KL warm-up epochs, checkpoint epochs)
RECIPES = {
    "dense-512": (dense((512,)), 512, 2e-3, False, 0, DENSE_EPOCHS),
    "dense-512-512": (dense((512, 512)), 512, 2e-3, False, 0, DENSE_EPOCHS),
    "dense-512-512-cosine": (dense((512, 512)), 512, 2e-3, True, 0, DENSE_EPOCHS),
    "dense-512-512-bf16": (dense((512, 512), "mixed_bfloat16"), 512, 2e-3, False, 0, DENSE_EPOCHS),
    "dense-512-512-long": (dense((512, 512)), 512, 2e-3, False, 0, LONG_EPOCHS),
    "dense-512-512-warmup": (dense((512, 512)), 512, 2e-3, False, 20, LONG_EPOCHS),
    "conv-32-64": (
        lambda: vh.build_conv_vae(LATENT_DIM, CONV_FILTERS, seed=0),
        128,
        1e-3,
        False,
        0,
        CONV_EPOCHS,
    ),
    "conv-deconv-warmup": (
        lambda: vh.VAE(
            vh.build_conv_encoder(LATENT_DIM, CONV_FILTERS),
            vh.build_conv_decoder(LATENT_DIM, CONV_FILTERS),
            seed=0,
        ),
        128,
        1e-3,
        False,
        10,
        DENSE_EPOCHS,
    ),
}
QUICK_EPOCHS = (1, 2)


def sizes(quick):
    """Evaluation size: tiny with --quick (a smoke test), else the real run."""
    return {"iw_images": 100 if quick else 1_000, "iw_samples": 20 if quick else 200}


def run_recipe(name, x_train, x_test_binary, quick):
    """Train one recipe; return its curve [(epoch, training seconds, IW NLL), ...]."""
    build, batch_size, learning_rate, cosine, warmup, checkpoints = RECIPES[name]
    checkpoints = QUICK_EPOCHS if quick else checkpoints
    vh.seed_everything(0)
    vae = build()
    callbacks = [vh.KLWarmup(warmup)] if warmup else []
    steps = (len(x_train) // batch_size + (len(x_train) % batch_size > 0)) * checkpoints[-1]
    rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps) if cosine else learning_rate
    vae.compile(
        optimizer=keras.optimizers.Adam(rate),
        steps_per_execution=vh.supported_steps_per_execution(16),
    )
    dataset = vh.binarized_dataset(x_train, batch_size=batch_size, seed=0)
    evaluation = sizes(quick)
    curve, trained_seconds, done = [], 0.0, 0
    for epoch in checkpoints:
        start = time.perf_counter()
        vae.fit(
            dataset, epochs=epoch, initial_epoch=done, shuffle=False, verbose=0, callbacks=callbacks
        )
        trained_seconds += time.perf_counter() - start
        done = epoch
        nll = vh.importance_weighted_nll(
            in_float32(vae),
            x_test_binary[: evaluation["iw_images"]],
            evaluation["iw_samples"],
            seed=0,
        )
        curve.append({"epoch": epoch, "seconds": trained_seconds, "iw_nll": float(nll.mean())})
        print(f"{name:>22}  epoch {epoch:>3}  {trained_seconds:7.0f} s  IW NLL {nll.mean():.2f}")
    return {
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "cosine_decay": cosine,
        "kl_warmup_epochs": warmup,
        "op_determinism": is_op_determinism_enabled(),
        "dtype_policy": vae.decoder.dtype_policy.name,
        "parameters": sum(int(keras.ops.size(w)) for w in vae.trainable_weights),
        "curve": curve,
    }


def in_float32(vae):
    """``vae`` itself, or for a mixed-precision recipe a float32 copy to score at full precision."""
    if vae.decoder.dtype_policy.name == "float32":
        return vae
    hidden_units = tuple(layer.units for layer in vae.encoder.layers[1:-2])
    twin = dense(hidden_units)()
    twin.set_weights(vae.get_weights())
    return twin


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test, not a measurement")
    parser.add_argument("--recipes", nargs="*", choices=list(RECIPES), default=list(RECIPES))
    parser.add_argument("--output", default="benchmarks/results/recipe.json")
    args = parser.parse_args()
    (x_train_all, _), (x_test, _) = vh.load_mnist()
    x_train = x_train_all[: 2_048 if args.quick else TRAIN_IMAGES]
    x_test_binary = vh.binarize(x_test, seed=2)
    output = Path(args.output)
    stored = json.loads(output.read_text())["recipes"] if output.exists() else {}
    measured = {name: run_recipe(name, x_train, x_test_binary, args.quick) for name in args.recipes}
    results = {
        "machine": {"platform": platform.platform(), "processor": platform.processor()},
        "backend": keras.config.backend(),
        "quick": args.quick,
        "evaluation": {
            **sizes(args.quick),
            "data": "first test images, binarised once (seed 2)",
            "bound": "importance-weighted NLL, nats per image (upper bound on -log p(x))",
        },
        "recipes": {**stored, **measured},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
