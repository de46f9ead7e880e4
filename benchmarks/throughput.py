"""How fast does the book's dense VAE train on each Keras backend, against plain PyTorch?

One run measures, side by side, each in its own subprocess of this script (a Keras backend
must be chosen before keras is imported):
  (a) the dense float32 matmul rate of each library (GFLOP/s, median of repeats); the best of
      them is taken as the machine's rate;
  (b) training throughput (whole-epoch images/s, median over the timed epochs after a warm-up
      epoch) of the dense 784-512-40 VAE most chapters train (`vh.build_dense_vae(seed=0)`,
      Adam, the same pre-binarised images) at batch 128 and 512 on every installed Keras backend
      (tensorflow, jax, torch), with jit_compile on and off and steps_per_execution 1 and 16
      where the backend has them; TensorFlow adds the tf.data pipeline the chapters train on
      (`vh.binarized_dataset`, tf.data's autotuner off), the same pipeline under Keras'
      mixed_bfloat16 dtype policy (bfloat16 matmuls, float32 weights and loss), and op
      determinism; and, on TensorFlow, every epoch's time of chapter 2's training (its
      784-512-512-40 model, batch 512, 50,000 images) with tf.data's autotuner off and on;
  (c) the same model written plainly in PyTorch and run eagerly, as the reference;
  (d) the importance-weighted bound's decoder-evaluation rate (`vh.importance_weighted_nll`,
      k = 5000) for the one-layer decoder and for chapter 2's two-layer one;
  (e) ceilings, what no trainer setting can beat: the same model's gradient alone (no
      optimiser, no metrics, no Keras trainer; compiled where the backend compiles) at each
      batch, and the compiled decoder's logits alone at the bound's pass shape (no likelihood);
  (f) ratios: each training row against the PyTorch reference at the same batch, and the
      achieved FLOP rate (training: 3 x forward matmul FLOPs per image) over the matmul rate.
A backend that is not installed is skipped with a note (benchmarks/requirements.txt has them).

Prints a table and writes JSON (default benchmarks/results/throughput.json).
Usage: python benchmarks/throughput.py [--quick] [--output PATH]
       python benchmarks/throughput.py --backend jax [--quick] [--json]   (one backend only)
"""

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

KERAS_BACKENDS = ("tensorflow", "jax", "torch")
REFERENCE = "pytorch-eager"  # the plain PyTorch reference, run as one more "backend"
MODULE = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", REFERENCE: "torch"}
PIXELS, HIDDEN, LATENT = 784, 512, 40
CHAPTER_2_HIDDEN = (HIDDEN, HIDDEN)  # chapter 2's model, whose bound the book computes at k = 5000
DECODER_FLOPS = 2 * (LATENT * HIDDEN + HIDDEN * PIXELS)  # forward matmul FLOPs per decoding
FORWARD_FLOPS = 2 * (PIXELS * HIDDEN + HIDDEN * 2 * LATENT) + DECODER_FLOPS
TRAINING_FLOPS = 3 * FORWARD_FLOPS  # per image: forward + backward (about twice the forward)
BATCHES = (128, 512)
# the TensorFlow-only pipelines: as the chapters train, and with bfloat16 matmuls (CPUs with
# AMX or AVX512-BF16 run them faster)
TF_DATA_PIPELINES = ("tf.data", "tf.data+bf16")


def sizes(quick):
    """How much each measurement does: tiny with --quick (a smoke test), else the real run."""
    return {
        "images_per_epoch": 2048 if quick else 20480,
        "timed_epochs": 1 if quick else 3,
        "matmul_size": 1024 if quick else 2048,
        "matmul_repeats": 5 if quick else 15,
        "iw_samples": 1000 if quick else 5000,
        "iw_calls": 1 if quick else 3,  # timed calls, each of 15 images (5 passes of 3)
        "autotune_images": 2048 if quick else 50_000,  # chapter 2's epoch
        "autotune_epochs": 2 if quick else 8,  # timed, after a warm-up epoch
    }


# ---------------------------------------------------------------- shared measurements


def median_gflops(matmul, size, repeats):
    """Median GFLOP/s of ``matmul()``, one synchronised (size x size) @ (size x size)."""
    matmul()  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        matmul()
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times) / 1e9


def matmul_gflops(library, size, repeats):
    """The float32 matmul rate of ``library`` (tensorflow, jax or torch)."""
    if library == "tensorflow":
        import tensorflow as tf

        a, b = tf.random.normal((size, size)), tf.random.normal((size, size))
        run = tf.function(lambda: tf.linalg.matmul(a, b))
        return median_gflops(lambda: run().numpy(), size, repeats)
    if library == "jax":
        import jax

        a = jax.random.normal(jax.random.key(0), (size, size))
        b = jax.random.normal(jax.random.key(1), (size, size))
        run = jax.jit(jax.numpy.matmul)
        return median_gflops(lambda: run(a, b).block_until_ready(), size, repeats)
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    return median_gflops(lambda: torch.mm(a, b), size, repeats)


def training_images(count):
    """The first ``count`` MNIST training images, binarised once (seed 0), flat float32."""
    import vae_helpers as vh

    (x_train, _), _ = vh.load_mnist()
    return vh.binarize(x_train[:count], seed=0).reshape(-1, PIXELS)


def versions(names):
    """Installed version of each distribution in ``names``."""
    return {name: importlib.metadata.version(name) for name in names}


def cpu_model():
    """The CPU's model name, where /proc/cpuinfo says it (Linux), else platform's guess."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def progress(message):
    """One line on stderr, so that --json keeps stdout for the result."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- Keras backends


def keras_grid(backend, quick):
    """(pipeline, op_determinism, batch, steps_per_execution, jit_compile) rows for a backend.

    PyTorch's Keras trainer needs steps_per_execution 1; its jit_compile is torch.compile,
    which compiles for about a minute on a 2-core CPU, so --quick leaves it out.
    TensorFlow's op determinism is process-wide and turns XLA off, so those rows come last.
    """
    jits = {"tensorflow": (False, True), "jax": (True, False), "torch": (False, True)}[backend]
    if backend == "torch" and quick:
        jits = (False,)
    steps = (1,) if backend == "torch" else (1, 16)
    rows = [("numpy", False, b, s, j) for b in BATCHES for s in steps for j in jits]
    if backend == "tensorflow":
        rows += [(p, False, b, 16, False) for p in TF_DATA_PIPELINES for b in BATCHES]
        rows += [("numpy", True, b, s, False) for b in BATCHES for s in steps]
    return rows


def keras_images_per_second(x, pipeline, batch, steps, jit, epochs):
    """Median whole-epoch images/s of ``fit`` over the epochs after a warm-up epoch."""
    import keras

    import vae_helpers as vh
    from vae_helpers.distributed import EpochTimes

    keras.utils.set_random_seed(0)
    keras.config.set_dtype_policy("mixed_bfloat16" if pipeline.endswith("bf16") else "float32")
    vae = vh.build_dense_vae(seed=0)
    keras.config.set_dtype_policy("float32")
    vae.compile(optimizer=keras.optimizers.Adam(1e-3), steps_per_execution=steps, jit_compile=jit)
    timer = EpochTimes()
    if pipeline.startswith("tf.data"):  # re-binarises every epoch, from the grey-level images
        (x_train, _), _ = vh.load_mnist()
        data = vh.binarized_dataset(x_train[: len(x)], batch_size=batch, seed=0)
        vae.fit(data, epochs=epochs + 1, shuffle=False, verbose=0, callbacks=[timer])
    else:
        vae.fit(x, batch_size=batch, epochs=epochs + 1, verbose=0, callbacks=[timer])
    training_flops = 3 * matmul_flops(vae.encoder, vae.decoder)  # forward + backward
    assert training_flops == TRAINING_FLOPS, "the book's model changed: update the constants"
    return len(x) / statistics.median(timer.seconds[1:])


def matmul_flops(*models):
    """Forward matmul FLOPs per example of every Dense layer of ``models``."""
    import keras

    kernels = [
        layer.kernel.shape
        for model in models
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    return sum(2 * rows * columns for rows, columns in kernels)


def autotune_epoch_seconds(images, epochs):
    """Every epoch's seconds of chapter 2's training with tf.data's autotuner off and on.

    Chapter 2's model, batch size, optimiser and pipeline (``vh.binarized_dataset``, which
    turns the autotuner off), ``epochs`` timed epochs after a warm-up one, each setting in a
    fresh model. Stalls show in single epochs, which a median hides: hence every epoch.
    """
    import keras
    import tensorflow as tf

    import vae_helpers as vh
    from vae_helpers.distributed import EpochTimes

    (x_train, _), _ = vh.load_mnist()
    seconds = {}
    for autotune in (False, True):
        keras.utils.set_random_seed(0)
        vae = vh.build_dense_vae(hidden_units=CHAPTER_2_HIDDEN, seed=0)
        vae.compile(optimizer=keras.optimizers.Adam(2e-3), steps_per_execution=16)
        data = vh.binarized_dataset(x_train[:images], batch_size=512, seed=0)
        options = tf.data.Options()
        options.autotune.enabled = autotune
        timer = EpochTimes()
        vae.fit(
            data.with_options(options),
            epochs=epochs + 1,
            shuffle=False,
            verbose=0,
            callbacks=[timer],
        )
        seconds["autotune_on" if autotune else "autotune_off"] = timer.seconds[1:]
    return {"images": images, "batch_size": 512, "epoch_seconds": seconds}


def iw_evaluations_per_second(model, samples, calls):
    """Decoder evaluations/s of ``vh.importance_weighted_nll`` (median over timed calls) for
    the dense VAE ``model``, in a row with the decoder's FLOPs per evaluation.

    Each call scores 15 images in 5 passes of 3 images x ``samples`` decodings, the same
    shape every pass, so the warm-up call has compiled everything the timed calls run.
    """
    import vae_helpers as vh

    (_, _), (x_test, _) = vh.load_mnist()
    per_call = 15

    def score(images):
        return vh.importance_weighted_nll(model, images, samples, batch_size=3 * samples, seed=0)

    score(x_test[:3])  # warm-up: compiles the decoding step
    rates = []
    for call in range(calls):
        images = x_test[per_call * call : per_call * (call + 1)]
        start = time.perf_counter()
        score(images)
        rates.append(per_call * samples / (time.perf_counter() - start))
    return {
        "images": per_call * calls,
        "samples": samples,
        "evaluations_per_second": statistics.median(rates),
        "decoder_flops_per_evaluation": matmul_flops(model.decoder),
    }


def gradient_images_per_second(x, batch, epochs):
    """Median whole-epoch images/s of the dense VAE's gradient alone: the book's loss on the
    model's outputs, differentiated, nothing applied (TensorFlow: ``tf.function``; JAX:
    ``jax.jit`` over ``stateless_call``; PyTorch: eager autograd). The ceiling of any trainer."""
    import keras
    from keras import ops

    import vae_helpers as vh

    keras.utils.set_random_seed(0)
    vae = vh.build_dense_vae(seed=0)
    vae(x[:1])

    def loss(outputs, images):
        reconstruction = vh.bernoulli_nll(images, outputs["logits"])
        return ops.mean(reconstruction + vh.kl_divergence(outputs["mean"], outputs["log_var"]))

    backend = keras.config.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function
        def gradient(images):
            with tf.GradientTape() as tape:
                value = loss(vae(images), images)
            return tape.gradient(value, vae.trainable_variables)

        arrays = tf.constant(x)
    elif backend == "jax":
        import jax

        def stateless_loss(trainable, non_trainable, images):
            outputs, non_trainable = vae.stateless_call(trainable, non_trainable, images)
            return loss(outputs, images), non_trainable

        step = jax.jit(jax.grad(stateless_loss, has_aux=True))
        state = {"non_trainable": [v.value for v in vae.non_trainable_variables]}
        trainable = [v.value for v in vae.trainable_variables]

        def gradient(images):
            grads, state["non_trainable"] = step(trainable, state["non_trainable"], images)
            return grads

        arrays = jax.numpy.asarray(x)
    else:
        import torch

        def gradient(images):
            for variable in vae.trainable_variables:
                variable.value.grad = None
            loss(vae(images), images).backward()
            return [v.value.grad for v in vae.trainable_variables]

        arrays = torch.from_numpy(x)
    seconds = []
    for _ in range(epochs + 1):  # the first is the warm-up (and the trace)
        start = time.perf_counter()
        for first in range(0, len(x), batch):
            grads = gradient(arrays[first : first + batch])
        ops.convert_to_numpy(grads[-1])  # wait for the last step
        seconds.append(time.perf_counter() - start)
    return len(x) / statistics.median(seconds[1:])


def decoder_logits_per_second(decoder, samples, calls):
    """Latent samples/s the compiled decoder turns into logits alone (summed, so that nothing
    is left out), in passes of 3 x ``samples``, the bound's shape: its ceiling."""
    import keras
    from keras import ops

    from vae_helpers.backend import compile_function  # as the bound compiles its decoding

    weights = [variable.value for variable in decoder.trainable_variables]

    def summed_logits(weights, z):
        logits, _ = decoder.stateless_call(weights, [], z)
        return ops.sum(logits)

    decode = compile_function(summed_logits)
    z = keras.random.normal((3 * samples, LATENT), seed=0)
    ops.convert_to_numpy(decode(weights, z))  # warm-up: compiles
    rates = []
    for _ in range(calls):
        start = time.perf_counter()
        for _ in range(5):  # as one timed call of the bound: 5 passes
            total = decode(weights, z)
        ops.convert_to_numpy(total)
        rates.append(5 * 3 * samples / (time.perf_counter() - start))
    return statistics.median(rates)


def run_keras(backend, quick):
    """Every measurement for one Keras backend (KERAS_BACKEND is set by the caller)."""
    import keras

    if keras.config.backend() != backend:
        raise SystemExit(f"KERAS_BACKEND is {keras.config.backend()!r}, expected {backend!r}")
    import vae_helpers as vh

    size = sizes(quick)
    # first, while TensorFlow's process-wide op determinism is still off, as the chapters run
    bounds = []
    for hidden_units in ((HIDDEN,), CHAPTER_2_HIDDEN):
        progress(f"  {backend}: importance-weighted bound, hidden units {hidden_units} ...")
        model = vh.build_dense_vae(hidden_units=hidden_units, seed=0)
        bound = iw_evaluations_per_second(model, size["iw_samples"], size["iw_calls"])
        logits = decoder_logits_per_second(model.decoder, size["iw_samples"], size["iw_calls"])
        bounds.append(
            {"hidden_units": list(hidden_units)}
            | bound
            | {"logits_only_evaluations_per_second": logits}
        )
    autotune = None
    if backend == "tensorflow":
        progress(f"  {backend}: chapter 2's epochs with tf.data's autotuner off and on ...")
        autotune = autotune_epoch_seconds(size["autotune_images"], size["autotune_epochs"])
    x = training_images(size["images_per_epoch"])
    rows = []
    for batch in BATCHES:
        progress(f"  {backend}: gradient alone, batch {batch} ...")
        rate = gradient_images_per_second(x, batch, size["timed_epochs"])
        rows.append({"pipeline": "gradient alone", "batch_size": batch, "images_per_second": rate})
    for pipeline, deterministic, batch, steps, jit in keras_grid(backend, quick):
        if deterministic:
            import tensorflow as tf

            tf.config.experimental.enable_op_determinism()
        progress(f"  {backend}: {pipeline} batch {batch} steps {steps} jit {jit} ...")
        rate = keras_images_per_second(x, pipeline, batch, steps, jit, size["timed_epochs"])
        rows.append(
            {
                "pipeline": pipeline,
                "op_determinism": deterministic,
                "batch_size": batch,
                "steps_per_execution": steps,
                "jit_compile": jit,
                "images_per_second": rate,
            }
        )
    library = MODULE[backend]
    return {
        "versions": versions(["keras", library] + (["jaxlib"] if backend == "jax" else [])),
        "threads": thread_count(backend),
        "matmul_gflops": matmul_gflops(library, size["matmul_size"], size["matmul_repeats"]),
        "training": rows,
        "importance_weighted": bounds,
    } | ({"tf_data_autotune": autotune} if autotune else {})


def thread_count(backend):
    """The intra-op thread count the library reports (None where it has no such setting)."""
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
    if backend in ("torch", REFERENCE):
        import torch

        return torch.get_num_threads()
    return None


# ---------------------------------------------------------------- PyTorch eager reference


def torch_vae():
    """The book's dense VAE written plainly in PyTorch: 784-512-(40+40) and 40-512-784, ReLU."""
    import torch
    from torch import nn

    class DenseVAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(
                nn.Linear(PIXELS, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 2 * LATENT)
            )
            self.decoder = nn.Sequential(
                nn.Linear(LATENT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, PIXELS)
            )

        def loss(self, x):
            """Negative ELBO: Bernoulli NLL from logits + analytic KL, summed per example,
            averaged over the batch (log_var clipped to [-20, 20] as the book's VAE does)."""
            mean, log_var = self.encoder(x).chunk(2, dim=1)
            log_var = log_var.clamp(-20.0, 20.0)
            z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
            logits = self.decoder(z)
            nll = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none")
            kl = -0.5 * (1.0 + log_var - mean.square() - log_var.exp())
            return (nll.sum(dim=1) + kl.sum(dim=1)).mean()

    return DenseVAE()


def torch_images_per_second(x, batch, epochs):
    """Median whole-epoch images/s of a plain Adam loop (reshuffled each epoch, as fit does)."""
    import torch

    torch.manual_seed(0)
    model = torch_vae()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds = []
    for _ in range(epochs + 1):  # the first is the warm-up
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for first in range(0, len(x), batch):
            optimizer.zero_grad(set_to_none=True)
            model.loss(x[order[first : first + batch]]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    return len(x) / statistics.median(seconds[1:])


def run_reference(quick):
    """The PyTorch eager reference at each batch size."""
    import torch

    size = sizes(quick)
    x = torch.from_numpy(training_images(size["images_per_epoch"]))
    rows = []
    for batch in BATCHES:
        progress(f"  {REFERENCE}: batch {batch} ...")
        rate = torch_images_per_second(x, batch, size["timed_epochs"])
        rows.append({"batch_size": batch, "images_per_second": rate})
    return {
        "versions": versions(["torch"]),
        "threads": thread_count(REFERENCE),
        "matmul_gflops": matmul_gflops("torch", size["matmul_size"], size["matmul_repeats"]),
        "training": rows,
    }


# ---------------------------------------------------------------- one run, every backend


def run_backend(name, quick):
    """Launch this script for one backend in a subprocess; its JSON result, or None."""
    if importlib.util.find_spec(MODULE[name]) is None:
        print(f"skipped {name}: {MODULE[name]} is not installed (benchmarks/requirements.txt)")
        return None
    command = [sys.executable, __file__, "--backend", name, "--json"] + ["--quick"] * quick
    env = dict(os.environ, KERAS_BACKEND=name if name in KERAS_BACKENDS else "torch")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    progress(f"measuring {name} ...")
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        print(f"skipped {name}: its run failed (exit {done.returncode}; see the error above)")
        return None
    progress(f"  {name} took {time.perf_counter() - start:.0f} s")
    return json.loads(done.stdout.strip().splitlines()[-1])


def combine(results, quick):
    """Everything in one record: per-row FLOP rates and ratios added."""
    machine_gflops = max(result["matmul_gflops"] for result in results.values())
    reference = {
        row["batch_size"]: row["images_per_second"]
        for row in results.get(REFERENCE, {}).get("training", [])
    }
    training, bounds = [], []
    for name, result in results.items():
        for row in result["training"]:
            gflops = row["images_per_second"] * TRAINING_FLOPS / 1e9
            base = reference.get(row["batch_size"])
            training.append(
                {"backend": name}
                | ({"pipeline": "torch tensors"} if name == REFERENCE else {})
                | row
                | {
                    "training_gflops": gflops,
                    "fraction_of_matmul": gflops / machine_gflops,
                    "vs_pytorch_eager": row["images_per_second"] / base if base else None,
                }
            )
        for bound in result.get("importance_weighted", []):
            flops = bound["decoder_flops_per_evaluation"] / 1e9
            gflops = bound["evaluations_per_second"] * flops
            logits_gflops = bound["logits_only_evaluations_per_second"] * flops
            bounds.append(
                {"backend": name}
                | bound
                | {
                    "decoder_gflops": gflops,
                    "fraction_of_matmul": gflops / machine_gflops,
                    "logits_only_fraction_of_matmul": logits_gflops / machine_gflops,
                }
            )
    return {
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "cpu_model": cpu_model(),
            "python": platform.python_version(),
        },
        "versions": {name: result["versions"] for name, result in results.items()},
        "threads": {name: result["threads"] for name, result in results.items()},
        "settings": sizes(quick) | {"quick": quick, "batch_sizes": list(BATCHES)},
        "matmul_gflops": {name: result["matmul_gflops"] for name, result in results.items()}
        | {"machine": machine_gflops},
        "training_flops_per_image": TRAINING_FLOPS,
        "training": training,
        "importance_weighted": bounds,
    } | (
        {"tf_data_autotune": results["tensorflow"]["tf_data_autotune"]}
        if "tensorflow" in results
        else {}
    )


def print_tables(record):
    """The compact side-by-side tables."""
    rates = record["matmul_gflops"]
    print("\nfloat32 matmul GFLOP/s: " + ", ".join(f"{k} {v:.1f}" for k, v in rates.items()))
    print(
        f"\n{'backend':<13} {'pipeline':<16} {'determ':>6} {'batch':>5} {'steps':>5} "
        f"{'jit':>5} {'images/s':>9} {'GFLOP/s':>8} {'matmul':>6} {'vs eager':>8}"
    )
    for row in sorted(record["training"], key=lambda row: row["batch_size"]):
        ratio = row["vs_pytorch_eager"]
        print(
            f"{row['backend']:<13} {row['pipeline']:<16} "
            f"{str(row.get('op_determinism', '-')):>6} {row['batch_size']:>5} "
            f"{row.get('steps_per_execution', '-'):>5} {str(row.get('jit_compile', '-')):>5} "
            f"{row['images_per_second']:>9,.0f} {row['training_gflops']:>8.1f} "
            f"{row['fraction_of_matmul']:>6.0%} {f'{ratio:.2f}x' if ratio else '-':>8}"
        )
    print(
        f"\n{'backend':<13} {'decoder':<16} {'images':>6} {'samples':>7} {'decodings/s':>12} "
        f"{'GFLOP/s':>8} {'matmul':>6} {'logits alone/s':>14} {'matmul':>6}"
    )
    for row in record["importance_weighted"]:
        decoder = "-".join(str(size) for size in [LATENT, *row["hidden_units"], PIXELS])
        print(
            f"{row['backend']:<13} {decoder:<16} {row['images']:>6} {row['samples']:>7} "
            f"{row['evaluations_per_second']:>12,.0f} {row['decoder_gflops']:>8.1f} "
            f"{row['fraction_of_matmul']:>6.0%} "
            f"{row['logits_only_evaluations_per_second']:>14,.0f} "
            f"{row['logits_only_fraction_of_matmul']:>6.0%}"
        )
    if "tf_data_autotune" in record:
        autotune = record["tf_data_autotune"]
        print(f"\nchapter 2's epochs ({autotune['images']:,} images, batch 512), seconds:")
        for setting, seconds in autotune["epoch_seconds"].items():
            each = " ".join(f"{value:.2f}" for value in seconds)
            print(f"  {setting:<13} mean {statistics.mean(seconds):.2f}, each: {each}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "throughput.json"
    )
    parser.add_argument(
        "--backend",
        choices=KERAS_BACKENDS + (REFERENCE,),
        help="measure this one only, here (set KERAS_BACKEND to match for a Keras backend)",
    )
    parser.add_argument("--json", action="store_true", help="with --backend: print JSON only")
    args = parser.parse_args()

    if args.backend:
        if importlib.util.find_spec(MODULE[args.backend]) is None:
            raise SystemExit(f"{MODULE[args.backend]} is not installed")
        if args.backend == REFERENCE:
            result = run_reference(args.quick)
        else:
            os.environ["KERAS_BACKEND"] = args.backend  # before anything imports keras
            result = run_keras(args.backend, args.quick)
        print(json.dumps(result) if args.json else json.dumps(result, indent=2))
        return

    results = {}
    for name in KERAS_BACKENDS + (REFERENCE,):
        result = run_backend(name, args.quick)
        if result is not None:
            results[name] = result
    if not results:
        raise SystemExit("no backend could be measured")
    record = combine(results, args.quick)
    print_tables(record)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
