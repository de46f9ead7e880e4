"""How fast does the book's dense VAE train here, and how close is that to the machine's peak?

Measures, in one process and with the threads training uses:
  (a) the dense float32 matmul rate (GFLOP/s, median of repeats);
  (b) training throughput (images/s) of the 784-512-40 VAE over a grid of batch sizes,
      steps_per_execution and jit_compile, for the two input pipelines (a tf.data pipeline that
      re-binarises each epoch, and a pre-binarised NumPy array), first without and then with
      TensorFlow's op determinism (which the chapters enable, and under which Keras turns XLA
      off: `jit_compile=True` is not measured there);
  (c) the achieved training FLOP rate (3 x forward matmul FLOPs per image) as a share of (a).

Prints a table and writes JSON (default benchmarks/results/throughput.json).
Usage: python benchmarks/throughput.py [--quick] [--output PATH]
"""

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import keras
import tensorflow as tf

import vae_helpers as vh
from vae_helpers.distributed import EpochTimes


def matmul_gflops(size=2048, repeats=15):
    """Median GFLOP/s of a float32 (size x size) @ (size x size) matmul."""
    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    matmul = tf.function(lambda: tf.linalg.matmul(a, b))
    matmul().numpy()  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        matmul().numpy()
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times) / 1e9


def training_flops_per_image(vae):
    """3 x the forward matmul FLOPs of every Dense layer (forward + backward)."""
    dense = [
        layer
        for part in (vae.encoder, vae.decoder)
        for layer in part.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    forward = sum(2 * layer.kernel.shape[0] * layer.kernel.shape[1] for layer in dense)
    return 3 * forward


def images_per_second(x, pipeline, batch_size, steps_per_execution, jit_compile, epochs):
    """Median images/s over the epochs after a warm-up epoch (which includes tracing)."""
    keras.utils.set_random_seed(0)
    vae = vh.build_dense_vae(seed=0)
    vae.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    timer = EpochTimes()
    if pipeline == "tf.data":
        data = vh.binarized_dataset(x, batch_size=batch_size, seed=0)
        vae.fit(data, epochs=epochs + 1, shuffle=False, verbose=0, callbacks=[timer])
    else:
        data = vh.binarize(x, seed=0)
        vae.fit(data, batch_size=batch_size, epochs=epochs + 1, verbose=0, callbacks=[timer])
    return len(x) / statistics.median(timer.seconds[1:]), training_flops_per_image(vae)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small grid, for a smoke test")
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "throughput.json"
    )
    args = parser.parse_args()

    (x_train, _), _ = vh.load_mnist()
    x = x_train[: 4096 if args.quick else 20480]
    epochs = 1 if args.quick else 3
    batch_sizes = [128, 512] if args.quick else [64, 128, 256, 512, 1024]
    steps = [1, 8] if args.quick else [1, 16]

    peak = matmul_gflops(repeats=5 if args.quick else 15)
    print(f"dense float32 matmul: {peak:.1f} GFLOP/s")
    rows = []
    grid = [
        (deterministic, pipeline, batch, step, jit)
        for deterministic in (False, True)
        for pipeline in ("tf.data", "numpy")
        for batch in batch_sizes
        for step in steps
        for jit in ((False,) if deterministic else (False, True))
    ]
    print(
        f"{'determ.':>7} {'pipeline':>8} {'batch':>5} {'steps':>5} {'xla':>5} "
        f"{'images/s':>9} {'GFLOP/s':>8} {'peak':>6}"
    )
    for deterministic, pipeline, batch, step, jit in grid:
        if deterministic:  # one way only: the grid runs every non-deterministic row first
            tf.config.experimental.enable_op_determinism()
        rate, flops = images_per_second(x, pipeline, batch, step, jit, epochs)
        gflops = rate * flops / 1e9
        rows.append(
            {
                "op_determinism": deterministic,
                "pipeline": pipeline,
                "batch_size": batch,
                "steps_per_execution": step,
                "jit_compile": jit,
                "images_per_second": rate,
                "training_gflops": gflops,
                "fraction_of_matmul_peak": gflops / peak,
            }
        )
        print(
            f"{str(deterministic):>7} {pipeline:>8} {batch:>5} {step:>5} {str(jit):>5} "
            f"{rate:>9,.0f} {gflops:>8.1f} {gflops / peak:>6.0%}"
        )

    result = {
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "gpus": len(tf.config.list_physical_devices("GPU")),
        },
        "matmul_gflops": peak,
        "training_flops_per_image": training_flops_per_image(vh.build_dense_vae()),
        "images_per_epoch": len(x),
        "timed_epochs": epochs,
        "grid": rows,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
