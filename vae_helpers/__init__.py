"""Tested helpers for the VAE book: data, models, losses, metrics, denoisers, inpainting,
generation, embeddings, anomaly scores, plots and widgets."""

# ruff: noqa: F401
# Every name imported below is exported: ``__all__`` is derived from these imports, so a name
# is listed once, here, and a helper only the tests need stays in its module.

from types import ModuleType as _ModuleType

from . import web as web  # explorers that run in the book's web pages (vh.web.*)
from .anomaly import (
    SCORE_NAMES,
    anomaly_scores,
    auroc,
    auroc_table,
    detection_report,
    elbo_terms,
    png_bits,
    roc_curves,
    threshold_at_percentile,
)
from .backend import supported_steps_per_execution
from .conditional import ConditionalVAE, build_conditional_vae
from .config import by_mode, run_mode, runtime_summary, seed_everything
from .data import (
    ChecksumError,
    add_gaussian_noise,
    binarize,
    binarized_dataset,
    load_fashion_mnist,
    load_mnist,
    one_class_split,
)
from .demos import TrainingProgress, glue, shows_error
from .denoisers import DENOISERS, denoise_images, denoising_sweep, tune_denoiser
from .distributed import (
    DistributedVAE,
    build_distributed_vae,
    mirrored_strategy,
    run_workers,
    split_cpu,
    tf_config,
    tfrecord_dataset,
    train_data_parallel,
    train_multi_worker,
    write_tfrecord_shards,
)
from .embedding import encode_dataset, evaluate_embedding
from .generation import lerp, normal_grid, slerp
from .inpainting import (
    HALVES,
    apply_mask,
    half_mask,
    inpaint_biharmonic,
    inpaint_iterative,
    inpaint_once,
    inpaint_samples,
    random_mask,
    square_mask,
)
from .losses import bernoulli_nll, importance_weighted_nll, kl_divergence, monte_carlo_kl
from .metrics import active_units, psnr, ssim
from .models import (
    VAE,
    Autoencoder,
    KLWarmup,
    Sampling,
    build_conv_decoder,
    build_conv_encoder,
    build_conv_vae,
    build_dense_autoencoder,
    build_dense_decoder,
    build_dense_encoder,
    build_dense_vae,
)
from .plots.anomaly import plot_ranked_images, plot_roc_curves, plot_threshold_decision
from .plots.denoising import (
    plot_denoised_images,
    plot_denoiser_comparison,
    plot_denoising_sweep,
    plot_posterior_samples,
)
from .plots.images import plot_image_grid, plot_image_rows
from .plots.inpainting import plot_inpainting_comparison, plot_inpainting_samples
from .plots.latent import (
    plot_embeddings,
    plot_latent_manifold,
    plot_posterior_vs_prior,
    plot_temperature_rows,
)
from .plots.training import plot_training_curves
from .sample_quality import (
    build_mnist_classifier,
    classifier_outputs,
    frechet_distance,
    score_samples,
)
from .widgets import denoising_explorer, kl_explorer, latent_explorer, threshold_explorer

__all__ = sorted(
    (
        name
        for name, value in globals().items()
        if not name.startswith("_") and not isinstance(value, _ModuleType)
    ),
    key=str.lower,
)
