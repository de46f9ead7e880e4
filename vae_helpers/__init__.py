"""Tested helpers for the VAE book: data, models, losses, metrics, plots and widgets."""

from .config import by_mode, is_quick, run_mode, runtime_summary, seed_everything
from .data import (
    ChecksumError,
    add_gaussian_noise,
    binarize,
    binarized_dataset,
    load_mnist,
)
from .demos import shows_error
from .losses import bernoulli_nll, importance_weighted_nll, kl_divergence, monte_carlo_kl
from .metrics import active_units
from .models import (
    VAE,
    Sampling,
    build_dense_decoder,
    build_dense_encoder,
    build_dense_vae,
)
from .plotting import (
    plot_denoised_images,
    plot_image_grid,
    plot_image_rows,
    plot_posterior_vs_prior,
    plot_reconstructions,
    plot_training_curves,
)
from .widgets import kl_explorer

__all__ = [
    "VAE",
    "ChecksumError",
    "Sampling",
    "active_units",
    "add_gaussian_noise",
    "bernoulli_nll",
    "binarize",
    "binarized_dataset",
    "build_dense_decoder",
    "build_dense_encoder",
    "build_dense_vae",
    "by_mode",
    "importance_weighted_nll",
    "is_quick",
    "kl_divergence",
    "kl_explorer",
    "load_mnist",
    "monte_carlo_kl",
    "plot_denoised_images",
    "plot_image_grid",
    "plot_image_rows",
    "plot_posterior_vs_prior",
    "plot_reconstructions",
    "plot_training_curves",
    "run_mode",
    "runtime_summary",
    "seed_everything",
    "shows_error",
]
