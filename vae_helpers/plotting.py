"""Figures the chapters share: image grids, reconstructions, denoising, inpainting, training
curves, the latent manifold, embeddings, ROC curves and anomaly decisions.

Every function takes images as ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` arrays in
[0, 1] and returns the Matplotlib ``Figure`` it drew.
"""

from collections.abc import Callable

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from scipy import stats
from sklearn.metrics import ConfusionMatrixDisplay, roc_auc_score, roc_curve

from .anomaly import check_anomaly_labels, detection_report
from .data import add_gaussian_noise
from .generation import normal_grid
from .inpainting import apply_mask
from .losses import kl_divergence
from .metrics import psnr
from .models import VAE, Autoencoder
from .validation import (
    IMAGE_PIXELS,
    SEED_RULE,
    as_array,
    as_class_labels,
    as_finite_vector,
    as_flat_images,
    as_mapping,
    as_square_images,
    check_instance,
    check_model,
    check_same_length,
    check_scalar,
    check_sequence,
)


def _image_rows(rows, titles, suptitle=None, panel_titles=None):
    """Draw equally long lists of (28, 28) images as labelled rows.

    ``panel_titles``, when given, holds one list of titles per row, one per image.
    """
    num_rows, num_cols = len(rows), len(rows[0])
    row_height = 1.25 if panel_titles is None else 1.55
    fig, axes = plt.subplots(
        num_rows, num_cols, figsize=(1.1 * num_cols, row_height * num_rows), squeeze=False
    )
    for row_index, (axis_row, images, title) in enumerate(zip(axes, rows, titles)):
        for col_index, (axis, image) in enumerate(zip(axis_row, images)):
            axis.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
            axis.set_xticks([])
            axis.set_yticks([])
            if panel_titles is not None:
                axis.set_title(panel_titles[row_index][col_index], fontsize=8)
        axis_row[0].set_ylabel(title, rotation=0, ha="right", va="center", fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def _check_title(title, name="title"):
    return check_scalar(title, name, str, none_ok=True)


def _check_ax(ax):
    return check_instance(ax, "ax", (Axes, type(None)), "a Matplotlib Axes or None")


def _check_num_images(num_images, available, data_name):
    num_images = check_scalar(num_images, "num_images", int, low=1)
    if num_images > available:
        raise ValueError(
            f"num_images must be at most the {available} images in {data_name}; got {num_images}."
        )
    return num_images


def model_outputs(model, x):
    """Images a model makes from ``x``, as ``(N, 784)`` probabilities.

    Uses ``model.reconstruct`` when the model has one (``VAE``, ``Autoencoder``); otherwise
    ``model.predict`` on ``x`` shaped as the model's input, whose output must be pixel values
    in [0, 1]. A ``ConditionalVAE`` is refused: it needs labels.
    """
    flat = as_flat_images(x, "x")
    expected = "a vae_helpers VAE or Autoencoder, or a keras Model"
    check_instance(model, "model", keras.Model, expected)
    if getattr(model, "takes_labels", False):
        check_model(model, "model", (VAE, Autoencoder))  # refuses it: it needs labels
    if hasattr(model, "reconstruct"):
        return as_flat_images(model.reconstruct(flat), "model output")
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1:
        raise ValueError(
            "model must be a keras Model with one known input (built on keras.Input) taking "
            f"28x28 images; got a {type(model).__name__} without one."
        )
    input_shape = tuple(model.inputs[0].shape[1:])
    if int(np.prod(input_shape)) != IMAGE_PIXELS:
        raise ValueError(
            f"model must take 28x28 images; its input shape is {(None,) + input_shape}."
        )
    outputs = model.predict(flat.reshape((-1,) + input_shape), verbose=0)
    outputs = np.asarray(outputs).reshape(len(flat), -1)
    if outputs.shape[1] != IMAGE_PIXELS:
        raise ValueError(f"model must output 784 pixels per image; got {outputs.shape[1]}.")
    if outputs.min() < 0.0 or outputs.max() > 1.0:
        raise ValueError(
            "model must output pixel probabilities in [0, 1] (apply a sigmoid to logits); "
            f"got values in [{outputs.min():g}, {outputs.max():g}]."
        )
    return outputs


def _method_rows(outputs, outputs_name, reference, reference_name, num_images):
    """Each method's first ``num_images`` outputs as 28x28 images, checked against ``reference``.

    ``outputs`` maps a method's name to its images (one per image of ``reference``). Returns
    the rows in the mapping's order and the checked ``num_images``.
    """
    as_mapping(outputs, outputs_name, "method name to its images")
    num_images = _check_num_images(num_images, len(reference), reference_name)
    rows = {}
    for name, images in outputs.items():
        square = as_square_images(images, f"{outputs_name}[{name!r}]")
        check_same_length(reference, square, reference_name, f"{outputs_name}[{name!r}]")
        rows[name] = square[:num_images]
    return rows, num_images


def plot_image_grid(images, ncols=10, title=None):
    """Show images in a grid ``ncols`` wide."""
    images = as_square_images(images, "images")
    ncols = min(check_scalar(ncols, "ncols", int, low=1), len(images))
    _check_title(title)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.1 * nrows), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, image in zip(axes.flat, images):
        axis.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_image_rows(rows, row_titles, title=None):
    """Show equally long batches of images as labelled rows, e.g. samples from several models.

    ``rows`` is a list of image arrays, each ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``
    with the same ``n``; ``row_titles`` names each row.
    """
    check_instance(rows, "rows", (list, tuple), "a list of image arrays, one per row")
    images = [as_square_images(row, f"rows[{index}]") for index, row in enumerate(rows)]
    row_titles = check_sequence(row_titles, "row_titles", str)
    _check_title(title)
    if not images or len(row_titles) != len(images):
        raise ValueError(
            "rows and row_titles must be non-empty and equally long; "
            f"got {len(images)} rows and {len(row_titles)} titles."
        )
    if len({len(row) for row in images}) != 1:
        raise ValueError(
            f"rows must each hold the same number of images; got {[len(row) for row in images]}."
        )
    return _image_rows(images, list(row_titles), title)


def plot_reconstructions(model, x, num_images=10):
    """Show ``num_images`` inputs (top row) above the model's reconstructions."""
    num_images = _check_num_images(num_images, len(as_flat_images(x, "x")), "x")
    originals = as_square_images(x, "x")[:num_images]
    reconstructions = model_outputs(model, originals).reshape(originals.shape)
    return _image_rows([originals, reconstructions], ["input", "reconstruction"])


def plot_denoised_images(model, x_clean, x_noisy, num_images=10):
    """Show noisy inputs, the model's denoised outputs and the clean images, one row each.

    Accepts flat ``(N, 784)`` arrays as the older tutorials pass them, or image-shaped
    arrays; ``model`` is a ``VAE`` or any Keras model mapping images to images in [0, 1].
    """
    clean = as_square_images(x_clean, "x_clean")
    noisy = as_square_images(x_noisy, "x_noisy")
    check_same_length(clean, noisy, "x_clean", "x_noisy")
    num_images = _check_num_images(num_images, len(clean), "x_clean")
    clean, noisy = clean[:num_images], noisy[:num_images]
    denoised = model_outputs(model, noisy).reshape(noisy.shape)
    return _image_rows([noisy, denoised, clean], ["noisy", "denoised", "clean"])


def plot_denoiser_comparison(x_clean, x_noisy, denoised, num_images=8):
    """The same digits through every method: noisy, one row per method, then clean.

    ``denoised`` maps a method's name to its outputs for ``x_noisy`` (as many images as
    ``x_clean``, any accepted layout, values in [0, 1]); rows follow its order.
    """
    clean = as_square_images(x_clean, "x_clean")
    noisy = as_square_images(x_noisy, "x_noisy")
    check_same_length(clean, noisy, "x_clean", "x_noisy")
    rows, num_images = _method_rows(denoised, "denoised", clean, "x_clean", num_images)
    return _image_rows(
        [noisy[:num_images], *rows.values(), clean[:num_images]], ["noisy", *rows, "clean"]
    )


def plot_denoising_sweep(x_clean, denoisers, noise_factors, index=0, seed=0):
    """One digit at several noise levels, through every denoiser, each panel with its PSNR.

    Row by row, image ``index`` of ``x_clean`` gets Gaussian noise of each factor in
    ``noise_factors`` (clipped to [0, 1], seeded by ``seed``); ``denoisers`` maps a name to
    a function ``f(x_noisy, noise_factor)`` returning the denoised images. Columns: noisy,
    each denoiser in order, clean.
    """
    clean = as_square_images(x_clean, "x_clean")
    check_scalar(index, "index", int, low=0, high=len(clean) - 1)
    _check_denoisers(denoisers)
    check_sequence(noise_factors, "noise_factors", float, min_length=1, scalar_ok=True, low=0)
    check_scalar(seed, "seed", int, **SEED_RULE)
    noise_factors = list(np.atleast_1d(noise_factors))
    digit = clean[index : index + 1]
    rows, panel_titles = [], []
    for noise_factor in noise_factors:
        noisy = add_gaussian_noise(digit, float(noise_factor), seed=seed)
        images = [noisy] + [
            as_square_images(denoise(noisy, float(noise_factor)), f"output of {name!r}")
            for name, denoise in denoisers.items()
        ]
        scores = [psnr(digit, image)[0] for image in images]
        rows.append([image[0] for image in images] + [digit[0]])
        names = ["noisy", *denoisers]
        panel_titles.append(
            [f"{name}\n{score:.1f} dB" for name, score in zip(names, scores)] + ["clean"]
        )
    titles = [f"noise {float(factor):.2f}" for factor in noise_factors]
    return _image_rows(rows, titles, panel_titles=panel_titles)


def _check_denoisers(denoisers):
    """``denoisers`` maps names to functions ``f(x_noisy, noise_factor)``."""
    as_mapping(denoisers, "denoisers", "name to a function f(x_noisy, noise_factor)")
    for name, denoise in denoisers.items():
        check_instance(denoise, f"denoisers[{name!r}]", Callable, "a function")


def plot_posterior_samples(model, x_clean, x_noisy, num_images=6, num_samples=5, seed=0):
    """Noisy inputs, ``num_samples`` decoded draws z ~ q(z|x_noisy) each, and the clean images.

    ``model`` is a ``VAE``; each sample row shows one draw per digit, so reading down a column
    shows the spread of clean digits the model finds plausible for that noisy input.
    """
    check_model(model, "model", (VAE,))
    clean = as_square_images(x_clean, "x_clean")
    noisy = as_square_images(x_noisy, "x_noisy")
    check_same_length(clean, noisy, "x_clean", "x_noisy")
    num_images = _check_num_images(num_images, len(clean), "x_clean")
    samples = model.sample_posterior(noisy[:num_images], num_samples, seed=seed)
    rows = [noisy[:num_images]] + [samples[:, k] for k in range(samples.shape[1])]
    titles = ["noisy"] + [f"sample {k + 1}" for k in range(samples.shape[1])] + ["clean"]
    return _image_rows(rows + [clean[:num_images]], titles)


_CURVE_ORDER = ["loss", "reconstruction", "kl"]


def plot_training_curves(history):
    """Plot each tracked quantity per epoch, with its ``val_`` twin when present.

    ``history`` is the ``History`` that ``fit`` returns or its ``.history`` dict.
    """
    curves = getattr(history, "history", history)
    check_instance(curves, "history", dict, "a keras History or a dict of lists")
    if not curves or all(name.startswith("val_") for name in curves):
        raise ValueError(
            f"history must be a keras History or a non-empty dict of lists; got {history!r}."
        )
    for name, values in curves.items():
        values = as_array(values, f"history[{name!r}]", "a list of numbers, one per epoch", "iuf")
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(
                f"history[{name!r}] must be a 1-d list of at least one number, one per epoch; "
                f"got shape {values.shape}."
            )
    for name in curves:
        if f"val_{name}" in curves and len(curves[f"val_{name}"]) != len(curves[name]):
            raise ValueError(
                f"history[{f'val_{name}'!r}] must hold as many epochs as history[{name!r}]; "
                f"got {len(curves[f'val_{name}'])} and {len(curves[name])}."
            )
    names = sorted(
        (name for name in curves if not name.startswith("val_")),
        key=lambda name: _CURVE_ORDER.index(name) if name in _CURVE_ORDER else len(_CURVE_ORDER),
    )
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3), squeeze=False)
    for axis, name in zip(axes[0], names):
        epochs = np.arange(1, len(curves[name]) + 1)
        axis.plot(epochs, curves[name], label="train")
        if f"val_{name}" in curves:
            axis.plot(epochs, curves[f"val_{name}"], label="validation")
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.set_ylabel("nats per image")
        axis.legend()
    fig.tight_layout()
    return fig


def plot_posterior_vs_prior(mean, log_var, ax=None):
    """Draw the density of N(mean, exp(log_var)) against the prior N(0, 1) and give the KL."""
    check_scalar(mean, "mean", float)
    check_scalar(log_var, "log_var", float)
    _check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    std = float(np.exp(0.5 * log_var))
    grid = np.linspace(min(-4.0, mean - 4 * std), max(4.0, mean + 4 * std), 600)
    kl = float(kl_divergence([[mean]], [[log_var]])[0]) + 0.0  # + 0.0 turns -0.0 into 0.0
    ax.plot(grid, stats.norm.pdf(grid), color="gray", label="prior p(z) = N(0, 1)")
    ax.fill_between(grid, stats.norm.pdf(grid, mean, std), alpha=0.4, label="q(z|x)")
    ax.set_title(f"q = N({mean:.2f}, exp({log_var:.2f})): KL(q || p) = {kl:.3f} nats")
    ax.set_xlabel("z")
    ax.set_ylabel("density")
    ax.legend(loc="upper right")
    return ax.figure


def plot_latent_manifold(model, grid_size=15, x=None, labels=None):
    """Decode a 2-d VAE's latent plane on the inverse-CDF grid, as one tiled picture.

    The grid is :func:`~vae_helpers.generation.normal_grid`: evenly spaced in prior
    probability, so the axes show Phi(z), the Normal CDF of each coordinate. With images
    ``x`` (``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``), their encoded means are
    overlaid at Phi(mean), coloured by ``labels`` when given (one per image of ``x``).
    """
    check_model(model, "model", (VAE,))
    if model.latent_dim != 2:
        raise ValueError(f"model must have a 2-d latent space; got latent_dim={model.latent_dim}.")
    grid_size = check_scalar(grid_size, "grid_size", int, low=1)
    if x is not None:
        count = len(as_flat_images(x, "x"))
        if labels is not None:
            as_class_labels(labels, "labels", count)
    elif labels is not None:
        raise ValueError("labels colour the images of x, so they need x; got labels without x.")
    tiles = model.decode(normal_grid(grid_size)).reshape(grid_size, grid_size, 28, 28)
    picture = tiles.transpose(0, 2, 1, 3).reshape(grid_size * 28, grid_size * 28)
    fig, ax = plt.subplots(figsize=(7.5, 7))
    ax.imshow(picture, cmap="gray", vmin=0.0, vmax=1.0, extent=(0, 1, 0, 1))
    if x is not None:
        mean, _ = model.encode(x)
        position = stats.norm.cdf(mean)
        colours = None if labels is None else np.asarray(labels)
        points = ax.scatter(position[:, 0], position[:, 1], c=colours, cmap="tab10", s=3, alpha=0.5)
        if labels is not None:
            fig.colorbar(points, ax=ax, label="digit", ticks=range(10), fraction=0.04)
    ax.set_xlabel(r"$\Phi(z_1)$")
    ax.set_ylabel(r"$\Phi(z_2)$")
    ax.set_title(f"decoded {grid_size}x{grid_size} inverse-CDF grid")
    fig.tight_layout()
    return fig


def plot_temperature_rows(model, temperatures, num_images=10, seed=0):
    """One row of prior samples per temperature, the same draws scaled by each temperature.

    ``model`` is a ``VAE`` (a conditional one needs labels: use its ``sample``);
    ``temperatures`` is a non-empty list of numbers >= 0.
    """
    check_model(model, "model", (VAE,))
    check_sequence(temperatures, "temperatures", float, min_length=1, low=0)
    check_scalar(num_images, "num_images", int, low=1)
    check_scalar(seed, "seed", int, **SEED_RULE)
    rows = [model.sample(num_images, seed=seed, temperature=float(t)) for t in temperatures]
    return _image_rows(rows, [f"T = {float(t):g}" for t in temperatures])


def plot_embeddings(embeddings, labels, title=None, point_size=2.0):
    """Scatter 2-d embeddings side by side, each point coloured by its digit, one legend.

    ``embeddings`` maps a panel title to an ``(N, 2)`` array (e.g. a method's embedding of
    the test images); ``labels`` holds the N digits (any integer class labels).
    """
    as_mapping(embeddings, "embeddings", "panel title to an (N, 2) array")
    labels = as_array(labels, "labels", "a 1-d array of class labels", "iuU")
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels must be a non-empty 1-d array; got shape {labels.shape}.")
    _check_title(title)
    check_scalar(point_size, "point_size", float, low=0, open_low=True)
    points = {}
    for name, embedding in embeddings.items():
        shown = f"embeddings[{name!r}]"
        array = as_array(embedding, shown, "a numeric (N, 2) array", "iuf").astype(np.float32)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(f"{shown} must have shape (N, 2); got {array.shape}.")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{shown} must be finite; got NaN or infinite values.")
        check_same_length(array, labels, shown, "labels")
        points[name] = array
    classes = np.unique(labels)
    colours = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
    fig, axes = plt.subplots(1, len(points), figsize=(3.6 * len(points), 3.8), squeeze=False)
    for axis, (name, array) in zip(axes[0], points.items()):
        for index, label in enumerate(classes):
            chosen = labels == label
            axis.scatter(
                *array[chosen].T, s=point_size, color=colours(index), label=str(label), lw=0
            )
        axis.set_title(name)
        axis.set_xticks([])
        axis.set_yticks([])
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="center right", title="digit", markerscale=10 / point_size**0.5)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 0.93, 1))
    return fig


def _score_array(scores, count, name):
    return as_finite_vector(scores, name, count, "finite scores, one per image")


def plot_roc_curves(is_anomaly, scores, title=None, ax=None):
    """ROC curves of several anomaly scores on the same images, each labelled with its AUROC.

    ``is_anomaly`` holds 1 (or True) for anomalies and 0 for normal images; ``scores`` maps
    a score's name to one value per image, higher meaning more anomalous.
    """
    as_mapping(scores, "scores", "score name to one score per image")
    _check_title(title)
    _check_ax(ax)
    checked = {
        name: check_anomaly_labels(is_anomaly, values, f"scores[{name!r}]")
        for name, values in scores.items()
    }
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.2))
    for name, (labels, values) in checked.items():
        false_positive, true_positive, _ = roc_curve(labels, values)
        area = float(roc_auc_score(labels, values))
        ax.plot(false_positive, true_positive, label=f"{name} (AUROC {area:.3f})")
    ax.plot([0, 1], [0, 1], color="gray", linestyle=":", label="chance (AUROC 0.5)")
    ax.set_xlabel("false-positive rate (normal images flagged)")
    ax.set_ylabel("true-positive rate (anomalies flagged)")
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_ranked_images(x, scores, num_images=8, title=None):
    """The ``num_images`` highest-scoring (most anomalous) and lowest-scoring images of ``x``.

    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``; ``scores`` holds one score
    per image (higher = more anomalous), shown above each image.
    """
    images = as_square_images(x, "x")
    values = _score_array(scores, len(images), "scores")
    num_images = _check_num_images(num_images, len(images), "x")
    _check_title(title)
    order = np.argsort(values, kind="stable")
    picks = [order[::-1][:num_images], order[:num_images]]
    rows = [images[pick] for pick in picks]
    panel_titles = [[f"{values[i]:.1f}" for i in pick] for pick in picks]
    return _image_rows(rows, ["most\nanomalous", "least\nanomalous"], title, panel_titles)


def plot_threshold_decision(x, is_anomaly, scores, threshold, num_images=8):
    """What flagging ``score > threshold`` does: score histograms, confusion matrix, examples.

    Top left, the scores of normal and anomalous images with the threshold; top right, the
    confusion matrix with precision, recall and F1; below, the flagged images whose scores
    lie closest above the threshold (the borderline calls), each titled with its score and
    whether it really is an anomaly. ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or
    ``(N, 28, 28, 1)``; ``is_anomaly`` holds 1 for anomalies and 0 for normal images.
    """
    images = as_square_images(x, "x")
    values = _score_array(scores, len(images), "scores")
    num_images = check_scalar(num_images, "num_images", int, low=1)
    report = detection_report(is_anomaly, values, threshold)
    labels = np.asarray(is_anomaly).astype(bool)
    fig = plt.figure(figsize=(1.2 * max(num_images, 8), 5.6))
    grid = fig.add_gridspec(2, num_images, height_ratios=[2.6, 1.0])
    split = num_images // 2 + num_images % 2
    histogram = fig.add_subplot(grid[0, :split])
    bins = np.linspace(values.min(), np.percentile(values, 99.5), 60)
    histogram.hist(values[~labels], bins=bins, alpha=0.6, density=True, label="normal")
    histogram.hist(values[labels], bins=bins, alpha=0.6, density=True, label="anomaly")
    histogram.axvline(threshold, color="black", linestyle="--", label="threshold")
    histogram.set_xlabel("score (nats)")
    histogram.set_ylabel("density")
    histogram.legend(fontsize=8)
    matrix = fig.add_subplot(grid[0, split:])
    ConfusionMatrixDisplay(report["confusion"], display_labels=["normal", "anomaly"]).plot(
        ax=matrix, colorbar=False, values_format="d"
    )
    matrix.set_xlabel("flagged as")
    matrix.set_ylabel("truly")
    matrix.set_title(
        f"precision {report['precision']:.2f}, recall {report['recall']:.2f}, "
        f"F1 {report['f1']:.2f}",
        fontsize=9,
    )
    flagged = np.flatnonzero(values > threshold)
    borderline = flagged[np.argsort(values[flagged], kind="stable")][:num_images]
    for column in range(num_images):
        axis = fig.add_subplot(grid[1, column])
        axis.axis("off")
        if column < len(borderline):
            index = borderline[column]
            axis.imshow(images[index], cmap="gray", vmin=0.0, vmax=1.0)
            truth = "anomaly" if labels[index] else "NORMAL"
            axis.set_title(f"{values[index]:.1f}\n{truth}", fontsize=8)
    fig.suptitle(
        f"threshold {threshold:.1f}: {report['flagged']} of {len(values)} flagged "
        "(below: the flagged images closest to the threshold)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def plot_inpainting_comparison(x_true, mask, inpainted, num_images=8, title=None):
    """The same digits through every inpainting method: masked input, one row per method,
    then the originals.

    ``mask`` is 1 where visible, 0 where missing (one mask or one per image); the masked row
    shows the missing region in mid-grey. ``inpainted`` maps a method's name to its outputs
    for ``x_true`` (same number of images, any accepted layout); rows follow its order.
    ``title``, when given, goes above the figure.
    """
    true = as_square_images(x_true, "x_true")
    _check_title(title)
    rows, num_images = _method_rows(inpainted, "inpainted", true, "x_true", num_images)
    masked = apply_mask(true, mask, fill=0.5)[:num_images]
    return _image_rows(
        [masked, *rows.values(), true[:num_images]], ["masked", *rows, "original"], title
    )


def plot_inpainting_samples(x_true, mask, samples):
    """One row per digit: the original, the masked input (missing in grey), then each of its
    completions side by side.

    ``samples`` is ``(N, num_samples, 28, 28)`` as :func:`~vae_helpers.inpaint_samples` returns
    for ``x_true`` and ``mask``.
    """
    true = as_square_images(x_true, "x_true")
    samples = as_array(samples, "samples", "an array of float images in [0, 1]", "bf")
    samples = samples.astype(np.float32, copy=False)
    if samples.ndim != 4 or samples.shape[0] != len(true) or samples.shape[2:] != true.shape[1:]:
        raise ValueError(
            f"samples must have shape ({len(true)}, num_samples, 28, 28) for x_true; "
            f"got shape {samples.shape}."
        )
    as_flat_images(samples.reshape(-1, IMAGE_PIXELS), "samples")  # finite, in [0, 1]
    masked = apply_mask(true, mask, fill=0.5)
    rows = [
        [original, shown, *completions]
        for original, shown, completions in zip(true, masked, samples)
    ]
    titles = [["original", "masked"] + [f"sample {k + 1}" for k in range(samples.shape[1])]] * len(
        rows
    )
    return _image_rows(rows, [f"digit {k + 1}" for k in range(len(rows))], panel_titles=titles)
