"""Chapter 1 writes the Gaussian KL and the Sampling layer; the package's twins agree."""

import numpy as np
from teaching import teaching_namespace

import vae_helpers as vh

TAUGHT = teaching_namespace("01_theory")


def test_the_taught_kl_equals_the_package_kl():
    rng = np.random.default_rng(0)
    mean = rng.normal(size=(64, 40)).astype(np.float32)
    log_var = rng.normal(scale=2.0, size=(64, 40)).astype(np.float32)
    taught = np.asarray(TAUGHT["kl_divergence"](mean, log_var))
    np.testing.assert_allclose(taught, np.asarray(vh.kl_divergence(mean, log_var)), rtol=1e-6)


def test_the_taught_sampling_layer_draws_what_the_package_layer_draws():
    rng = np.random.default_rng(1)
    mean = rng.normal(size=(256, 8)).astype(np.float32)
    log_var = rng.normal(size=(256, 8)).astype(np.float32)
    taught = TAUGHT["Sampling"](seed=7)((mean, log_var))
    packaged = vh.Sampling(seed=7)((mean, log_var))
    np.testing.assert_allclose(np.asarray(taught), np.asarray(packaged), rtol=1e-6, atol=1e-6)
