"""Tested helpers for the VAE book: data, models, losses, metrics, embeddings, plots, widgets."""

from .config import by_mode, is_quick, run_mode, runtime_summary, seed_everything
from .data import (
    ChecksumError,
    add_gaussian_noise,
    binarize,
    binarized_dataset,
    load_mnist,
)
from .demos import shows_error
from .denoisers import DENOISERS, Tuning, denoise_images, denoiser_defaults, tune_denoiser
from .embedding import encode_dataset, evaluate_embedding
from .losses import bernoulli_nll, importance_weighted_nll, kl_divergence, monte_carlo_kl
from .metrics import active_units, psnr, ssim
from .models import (
    VAE,
    Autoencoder,
    Sampling,
    build_conv_encoder,
    build_conv_vae,
    build_dense_autoencoder,
    build_dense_decoder,
    build_dense_encoder,
    build_dense_vae,
)
from .plotting import (
    plot_denoised_images,
    plot_denoiser_comparison,
    plot_denoising_sweep,
    plot_embeddings,
    plot_image_grid,
    plot_image_rows,
    plot_posterior_samples,
    plot_posterior_vs_prior,
    plot_reconstructions,
    plot_training_curves,
)
from .widgets import denoising_explorer, kl_explorer

__all__ = [
    "DENOISERS",
    "VAE",
    "Autoencoder",
    "ChecksumError",
    "Sampling",
    "active_units",
    "Tuning",
    "add_gaussian_noise",
    "bernoulli_nll",
    "binarize",
    "binarized_dataset",
    "build_conv_encoder",
    "build_conv_vae",
    "build_dense_autoencoder",
    "build_dense_decoder",
    "build_dense_encoder",
    "build_dense_vae",
    "by_mode",
    "importance_weighted_nll",
    "denoise_images",
    "denoiser_defaults",
    "denoising_explorer",
    "encode_dataset",
    "evaluate_embedding",
    "is_quick",
    "kl_divergence",
    "kl_explorer",
    "load_mnist",
    "monte_carlo_kl",
    "plot_denoised_images",
    "plot_denoiser_comparison",
    "plot_denoising_sweep",
    "plot_embeddings",
    "plot_image_grid",
    "plot_image_rows",
    "plot_posterior_samples",
    "plot_posterior_vs_prior",
    "plot_reconstructions",
    "plot_training_curves",
    "psnr",
    "run_mode",
    "runtime_summary",
    "seed_everything",
    "shows_error",
    "ssim",
    "tune_denoiser",
]
