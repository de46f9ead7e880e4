"""Masks, inpainting methods and the missing-region metrics."""

import numpy as np
import pytest
from skimage.metrics import structural_similarity

import vae_helpers as vh


def _digits(prototype_digits, count=6):
    return prototype_digits[:count]


def test_square_mask_removes_a_centred_square_of_the_promised_size():
    mask = vh.square_mask(14)
    assert mask.shape == (28, 28) and mask.dtype == np.float32
    assert int((mask == 0).sum()) == 14 * 14
    rows, cols = np.nonzero(mask == 0)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (7, 20, 7, 20)
    assert int((vh.square_mask(5) == 0).sum()) == 25
    corner = vh.square_mask(4, top=0, left=24)
    assert np.all(corner[:4, 24:] == 0) and int((corner == 0).sum()) == 16


@pytest.mark.parametrize("which", vh.HALVES)
def test_half_mask_removes_half_the_pixels_on_the_named_side(which):
    mask = vh.half_mask(which)
    assert int((mask == 0).sum()) == 392
    region = {"left": mask[:, :14], "right": mask[:, 14:], "top": mask[:14], "bottom": mask[14:]}
    assert np.all(region[which] == 0)


def test_random_mask_misses_the_requested_fraction_in_every_image_and_repeats_with_a_seed():
    masks = vh.random_mask(0.5, num_images=5, seed=0)
    assert masks.shape == (5, 28, 28)
    assert np.all((masks == 0).sum(axis=(1, 2)) == 392)
    assert not np.array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks, vh.random_mask(0.5, num_images=5, seed=0))
    assert np.all((vh.random_mask(0.25, 3, seed=1) == 0).sum(axis=(1, 2)) == 196)
    mixed = vh.random_mask([0.0, 0.5, 1.0], 3, seed=2)
    np.testing.assert_array_equal((mixed == 0).sum(axis=(1, 2)), [0, 392, 784])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: vh.square_mask(0), "side"),
        (lambda: vh.square_mask(29), "side"),
        (lambda: vh.square_mask(10, top=20), "top"),
        (lambda: vh.square_mask(10, left=-1), "left"),
        (lambda: vh.random_mask([0.5, 0.5], 3), "fraction_missing"),
        (lambda: vh.half_mask("middle"), "which"),
        (lambda: vh.random_mask(1.5, 2), "fraction_missing"),
        (lambda: vh.random_mask(0.5, 0), "num_images"),
    ],
)
def test_mask_makers_reject_bad_arguments_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_apply_mask_fills_only_the_missing_pixels_in_the_input_layout(images):
    square = images.reshape(-1, 28, 28, 1)
    masked = vh.apply_mask(square, vh.square_mask(10), fill=0.5)
    assert masked.shape == square.shape
    missing = vh.square_mask(10) == 0
    assert np.all(masked[:, missing, 0] == 0.5)
    np.testing.assert_array_equal(masked[:, ~missing], square[:, ~missing])


@pytest.mark.parametrize(
    "mask, message",
    [
        (np.ones((27, 28)), "shape"),
        (np.ones((3, 784)), "shape"),  # one mask per image, but 12 images
        (np.full((28, 28), 0.5), "only 0"),
        (np.full((28, 28), 2.0), "only 0"),
    ],
)
def test_bad_masks_are_rejected_naming_the_argument(images, mask, message):
    with pytest.raises(ValueError, match=f"mask must .*{message}"):
        vh.apply_mask(images, mask)
    with pytest.raises(ValueError, match="mask"):
        vh.psnr(images, images, mask=mask)


def test_boolean_and_per_image_masks_are_accepted(images):
    per_image = vh.random_mask(0.5, len(images), seed=0).astype(bool)
    masked = vh.apply_mask(images, per_image)
    assert np.all(masked[~per_image.reshape(len(images), -1)] == 0)


@pytest.mark.parametrize("method", ["once", "iterative", "biharmonic"])
def test_every_method_returns_the_visible_pixels_unchanged(
    method, trained_tiny_vae, prototype_digits
):
    x = _digits(prototype_digits).reshape(-1, 28, 28)
    mask = vh.random_mask(0.5, len(x), seed=2)
    functions = {
        "once": lambda: vh.inpaint_once(trained_tiny_vae, x, mask),
        "iterative": lambda: vh.inpaint_iterative(trained_tiny_vae, x, mask, steps=3),
        "biharmonic": lambda: vh.inpaint_biharmonic(x, mask),
    }
    filled = functions[method]()
    assert filled.shape == x.shape and filled.dtype == np.float32
    visible = mask == 1
    np.testing.assert_array_equal(filled[visible], x[visible])
    assert 0.0 <= filled.min() and filled.max() <= 1.0
    assert not np.array_equal(filled[~visible], x[~visible] * 0)  # the hole was filled


def test_samples_keep_visible_pixels_and_differ_between_chains(trained_tiny_vae, prototype_digits):
    x = _digits(prototype_digits, 3)
    mask = vh.half_mask("top")
    samples = vh.inpaint_samples(trained_tiny_vae, x, mask, num_samples=4, steps=2, seed=0)
    assert samples.shape == (3, 4, 28, 28)
    visible = mask == 1
    np.testing.assert_array_equal(
        samples[:, :, visible], np.repeat(x.reshape(3, 1, 28, 28), 4, 1)[:, :, visible]
    )
    assert not np.allclose(samples[:, 0], samples[:, 1])
    again = vh.inpaint_samples(trained_tiny_vae, x, mask, num_samples=4, steps=2, seed=0)
    np.testing.assert_array_equal(samples, again)


def test_one_iteration_is_the_single_pass(trained_tiny_vae, prototype_digits):
    x = _digits(prototype_digits)
    mask = vh.square_mask(12)
    np.testing.assert_allclose(
        vh.inpaint_iterative(trained_tiny_vae, x, mask, steps=1),
        vh.inpaint_once(trained_tiny_vae, x, mask),
    )


def test_biharmonic_fills_a_constant_image_with_the_constant():
    x = np.full((2, 784), 0.4, dtype=np.float32)
    filled = vh.inpaint_biharmonic(x, vh.square_mask(8))
    np.testing.assert_allclose(filled, 0.4, atol=1e-5)


def test_masked_psnr_is_the_mse_over_the_missing_pixels_only(images):
    mask = vh.square_mask(10)
    missing = (mask == 0).reshape(-1)
    test = images.copy()
    test[:, missing] = np.clip(test[:, missing] + 0.1, 0, 1)
    test[:, ~missing] = 1.0 - test[:, ~missing]  # visible pixels: huge error, must be ignored
    mse = ((images[:, missing] - test[:, missing]) ** 2).mean(axis=1)
    np.testing.assert_allclose(vh.psnr(images, test, mask=mask), 10 * np.log10(1 / mse), rtol=1e-5)


def test_masked_ssim_averages_the_ssim_map_over_the_missing_pixels(images):
    mask = vh.half_mask("left")
    test = np.clip(images + 0.05, 0, 1)
    _, ssim_map = structural_similarity(
        images[0].reshape(28, 28), test[0].reshape(28, 28), data_range=1, full=True
    )
    expected = ssim_map[:, :14].mean()
    assert vh.ssim(images, test, mask=mask)[0] == pytest.approx(expected, rel=1e-6)


def test_masked_psnr_ignores_the_visible_pixels_and_a_perfect_fill_scores_inf(images):
    mask = vh.square_mask(14)
    visible = (mask == 1).reshape(-1)
    fill = images * 0.9
    scrambled = np.where(visible, 1.0 - images, fill)  # same fill, wrong visible pixels
    np.testing.assert_allclose(
        vh.psnr(images, fill, mask=mask), vh.psnr(images, scrambled, mask=mask)
    )
    perfect_fill = np.where(visible, 0.0, images)
    assert np.all(np.isinf(vh.psnr(images, perfect_fill, mask=mask)))


def test_masked_metrics_need_a_missing_region(images):
    with pytest.raises(ValueError, match="mask must leave at least one missing pixel"):
        vh.psnr(images, images, mask=np.ones((28, 28)))
    with pytest.raises(ValueError, match="mask must leave at least one missing pixel"):
        vh.ssim(images, images, mask=np.ones((28, 28)))


def test_inpainting_plots_draw_one_row_per_method_and_one_per_digit(
    trained_tiny_vae, prototype_digits
):
    x = _digits(prototype_digits, 4)
    mask = vh.square_mask(12)
    fig = vh.plot_inpainting_comparison(
        x,
        mask,
        {
            "biharmonic": vh.inpaint_biharmonic(x, mask),
            "VAE": vh.inpaint_once(trained_tiny_vae, x, mask),
        },
        num_images=3,
    )
    assert len(fig.axes) == 4 * 3
    samples = vh.inpaint_samples(trained_tiny_vae, x[:2], mask, num_samples=3, steps=1, seed=0)
    fig = vh.plot_inpainting_samples(x[:2], mask, samples)
    assert len(fig.axes) == 2 * (2 + 3)
    with pytest.raises(ValueError, match="samples must have shape"):
        vh.plot_inpainting_samples(x[:3], mask, samples)
    with pytest.raises(ValueError, match="inpainted"):
        vh.plot_inpainting_comparison(x, mask, {})
    titled = vh.plot_inpainting_comparison(x, mask, {"copy": x}, num_images=2, title="square")
    assert titled._suptitle.get_text() == "square"
