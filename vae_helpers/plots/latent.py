"""The latent space: a posterior against the prior, the decoded latent manifold, samples at
several temperatures, and 2-d embeddings of the test images.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from ..validation import (
    as_array,
    as_class_labels,
    as_finite_matrix,
    as_mapping,
    as_square_images,
    check_same_length,
    check_scalar,
    check_sequence,
)
from ._common import (
    axes_to_draw_on,
    check_ax,
    check_fig,
    check_rows,
    check_title,
    figure_to_draw_on,
    image_rows,
)


def plot_posterior_vs_prior(mean, log_var, kl=None, ax=None):
    """Draw the density of N(mean, exp(log_var)) against the prior N(0, 1).

    ``kl``, when given, is ``KL(q || p)`` in nats (e.g. from
    :func:`~vae_helpers.kl_divergence`), shown in the title. Draws on ``ax`` when given.
    """
    mean = check_scalar(mean, "mean", float)
    log_var = check_scalar(log_var, "log_var", float)
    kl = check_scalar(kl, "kl", float, none_ok=True)
    check_ax(ax)
    ax = axes_to_draw_on(ax, (6, 3.2))
    std = math.exp(0.5 * log_var)
    grid = np.linspace(min(-4.0, mean - 4 * std), max(4.0, mean + 4 * std), 600)
    ax.plot(grid, stats.norm.pdf(grid), color="gray", label="prior p(z) = N(0, 1)")
    ax.fill_between(grid, stats.norm.pdf(grid, mean, std), alpha=0.4, label="q(z|x)")
    title = f"q = N({mean:.2f}, exp({log_var:.2f}))"
    if kl is not None:
        title += f": KL(q || p) = {kl + 0.0:.3f} nats"  # + 0.0 turns -0.0 into 0.0
    ax.set_title(title)
    ax.set_xlabel("z")
    ax.set_ylabel("density")
    ax.legend(loc="upper right")
    return ax.figure


def plot_latent_manifold(tiles, means=None, labels=None, ax=None):
    """Tile the images decoded from a 2-d latent plane's inverse-CDF grid into one picture.

    ``tiles`` holds the ``grid_size**2`` decoded images of
    :func:`~vae_helpers.generation.normal_grid` in its order (``model.decode(normal_grid(n))``).
    That grid is evenly spaced in prior probability, so the axes show Phi(z), the Normal CDF
    of each coordinate. ``means``, an ``(N, 2)`` array of encoded means, are overlaid at
    Phi(mean), coloured by ``labels`` when given (one per row of ``means``).
    """
    tiles = as_square_images(tiles, "tiles")
    grid_size = math.isqrt(len(tiles))
    if grid_size**2 != len(tiles):
        raise ValueError(
            "tiles must hold grid_size**2 images, one per point of normal_grid(grid_size); "
            f"got {len(tiles)}."
        )
    if means is not None:
        means = as_finite_matrix(means, "means")
        if means.shape[1] != 2:
            raise ValueError(f"means must have shape (N, 2); got shape {means.shape}.")
        if labels is not None:
            labels = as_class_labels(labels, "labels", len(means))
    elif labels is not None:
        raise ValueError(
            "labels colour the points of means, so they need means; got labels without means."
        )
    check_ax(ax)
    new = ax is None
    ax = axes_to_draw_on(ax, (7.5, 7))
    picture = tiles.reshape(grid_size, grid_size, 28, 28).transpose(0, 2, 1, 3)
    picture = picture.reshape(grid_size * 28, grid_size * 28)
    ax.imshow(picture, cmap="gray", vmin=0.0, vmax=1.0, extent=(0, 1, 0, 1))
    if means is not None:
        position = stats.norm.cdf(means)  # where each mean lies on the Phi axes
        points = ax.scatter(position[:, 0], position[:, 1], c=labels, cmap="tab10", s=3, alpha=0.5)
        if labels is not None:
            ax.figure.colorbar(points, ax=ax, label="digit", ticks=range(10), fraction=0.04)
    ax.set_xlabel(r"$\Phi(z_1)$")
    ax.set_ylabel(r"$\Phi(z_2)$")
    ax.set_title(f"decoded {grid_size}x{grid_size} inverse-CDF grid")
    if new:
        ax.figure.tight_layout()
    return ax.figure


def plot_temperature_rows(samples, temperatures, fig=None):
    """One row of samples per temperature, titled ``T = t``.

    ``samples`` is a list of image arrays, one per temperature in ``temperatures`` (numbers
    >= 0), all equally long: e.g. the same prior draws scaled by each temperature,
    ``[vae.sample(12, seed=2, temperature=t) for t in temperatures]``.
    """
    temperatures = check_sequence(temperatures, "temperatures", float, min_length=1, low=0)
    titles = [f"T = {t:g}" for t in temperatures]
    rows, titles = check_rows(samples, titles, "samples", "temperatures")
    check_fig(fig)
    return image_rows(rows, titles, fig=fig)


def plot_embeddings(embeddings, labels, title=None, point_size=2.0, fig=None):
    """Scatter 2-d embeddings side by side, each point coloured by its digit, one legend.

    ``embeddings`` maps a panel title to an ``(N, 2)`` array (e.g. a method's embedding of
    the test images); ``labels`` holds the N digits (any integer class labels). Draws on
    ``fig`` when given.
    """
    as_mapping(embeddings, "embeddings", "panel title to an (N, 2) array")
    labels = as_array(labels, "labels", "a 1-d array of class labels", "iuU")
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels must be a non-empty 1-d array; got shape {labels.shape}.")
    check_title(title)
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
    check_fig(fig)
    classes = np.unique(labels)
    colours = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
    fig = figure_to_draw_on(fig, (3.6 * len(points), 3.8))
    axes = fig.subplots(1, len(points), squeeze=False)
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
