import json
import re
from html.parser import HTMLParser

import keras
import numpy as np
import pytest
from IPython.display import HTML

import vae_helpers as vh


class _Block(HTMLParser):
    """The explorer div's attributes, its note text and its JSON payload."""

    def __init__(self, markup):
        super().__init__()
        self.attributes, self.note, self.payload, self._in = {}, "", None, None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "data-vae-explorer" in attrs:
            self.attributes = attrs
        elif tag == "p" and attrs.get("class") == "vae-explorer-note":
            self._in = "note"
        elif tag == "script" and attrs.get("type") == "application/json":
            self._in = "payload"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "note":
            self.note += data
        elif self._in == "payload":
            self.payload = json.loads(data)


def test_kl_explorer_carries_its_sliders_and_the_closed_form_kl():
    block = vh.web.kl_explorer(mean=1.5, log_var=-0.5)
    assert isinstance(block, HTML)
    parsed = _Block(block.data)
    assert parsed.attributes == {"class": "vae-explorer", "data-vae-explorer": "kl"}
    assert parsed.payload["mean"] == {"value": 1.5, "min": -3.0, "max": 3.0, "step": 0.1}
    assert parsed.payload["log_var"] == {"value": -0.5, "min": -4.0, "max": 2.0, "step": 0.1}
    expected = 0.5 * (1.5**2 + np.exp(-0.5) - 1.0 + 0.5)
    assert parsed.payload["kl"] == pytest.approx(expected, rel=1e-6)
    assert f"KL(q || p) = {expected:.3f} nats" in parsed.note


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"mean": 3.5}, ValueError, "mean must be"),
        ({"log_var": -4.5}, ValueError, "log_var must be"),
        ({"mean": "1"}, TypeError, "mean must be"),
        ({"log_var": float("nan")}, ValueError, "log_var must be"),
    ],
)
def test_kl_explorer_rejects_starting_values_off_its_sliders(kwargs, error, message):
    with pytest.raises(error, match=message):
        vh.web.kl_explorer(**kwargs)


def test_explorer_html_keeps_markup_in_the_payload_inside_its_script_element():
    payload = {"label": "</script><script>alert(1)</script>", "value": 1.0}
    markup = vh.web.explorer_html("kl", payload, note="a <b>note</b> & more").data
    assert markup.count("</script>") == 1 and "<script>" not in markup
    parsed = _Block(markup)
    assert parsed.payload == payload
    assert parsed.note == "a <b>note</b> & more"


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        ([1.0], TypeError, "payload must be a dict"),
        ({"value": float("nan")}, ValueError, "finite numbers"),
        ({"value": object()}, ValueError, "payload must be JSON"),
    ],
)
def test_explorer_html_rejects_payloads_that_are_not_finite_json(payload, error, message):
    with pytest.raises(error, match=re.escape(message)):
        vh.web.explorer_html("kl", payload, note="")


@pytest.mark.parametrize("dtype", ["float16", "float32", "uint8"])
def test_packed_arrays_unpack_to_the_same_values_and_shape(dtype):
    values = np.round(np.random.default_rng(0).random((3, 5, 2)) * 200)
    unpacked = vh.web.unpack_array(vh.web.pack_array(values, dtype))
    assert unpacked.shape == values.shape and unpacked.dtype.name == dtype
    np.testing.assert_array_equal(unpacked, values.astype(dtype))


@pytest.mark.parametrize(
    ("values", "dtype", "error", "message"),
    [
        ([1.0, float("inf")], "float32", ValueError, "array must hold finite numbers; got 1 NaN"),
        (["a"], "float32", TypeError, "must be an array of bools, ints or floats; got a list"),
        (np.array(["a"]), "uint8", TypeError, "got an array of dtype <U1"),
        ("1.0", "float32", TypeError, "array must be an array of bools, ints or floats; got str"),
        ([1.0], "float64", ValueError, "dtype must be"),
        ([1.0, 70000.0], "float16", ValueError, r"\[-65504, 65504\].*got values in \[1, 70000\]"),
        ([0.0, 1e39], "float32", ValueError, "the range of float32; got values in"),
        (np.array([0, 256]), "uint8", ValueError, r"\[0, 255\], the range of uint8.*\[0, 256\]"),
        (np.array([-1, 3]), "uint8", ValueError, r"got values in \[-1, 3\]"),
        ([0.0, 2.5], "uint8", ValueError, "array must hold whole numbers for uint8; got 2.5"),
    ],
)
def test_pack_array_rejects_what_the_page_cannot_read(values, dtype, error, message):
    with pytest.raises(error, match=message):
        vh.web.pack_array(values, dtype)


def test_pack_array_keeps_the_extremes_of_each_packed_dtype():
    for values, dtype in [([-65504.0, 65504.0], "float16"), ([0, 255], "uint8"), ([True], "uint8")]:
        unpacked = vh.web.unpack_array(vh.web.pack_array(np.array(values), dtype))
        np.testing.assert_array_equal(unpacked, values)


@pytest.fixture(scope="module")
def vae2():
    return vh.build_dense_vae(latent_dim=2, hidden_units=(32,), seed=0)


def _forward(layers, z):
    """The decoder forward pass the page computes, from the packed layers."""
    activations = np.asarray(z, dtype=np.float64)
    for layer in layers:
        kernel = vh.web.unpack_array(layer["kernel"]).astype(np.float64)
        activations = activations @ kernel + vh.web.unpack_array(layer["bias"])
        if layer["activation"] == "relu":
            activations = np.maximum(activations, 0.0)
    return 1.0 / (1.0 + np.exp(-activations))


def test_latent_explorer_exports_a_decoder_that_draws_the_models_digits(vae2):
    payload = _Block(vh.web.latent_explorer(vae2, span=3.0).data).payload
    assert [layer["activation"] for layer in payload["layers"]] == ["relu", "linear"]
    assert [layer["kernel"]["shape"] for layer in payload["layers"]] == [[2, 32], [32, 784]]
    z = np.array([[0.0, 0.0], [-2.5, 1.2], [3.0, -3.0]])
    page = _forward(payload["layers"], z)
    python = vae2.decode(z.astype(np.float32)).reshape(-1, 784)
    assert np.abs(255 * page - 255 * python).max() <= 0.5  # float16 weights: far under 2 levels
    assert payload["z"][0] == {"value": 0.0, "min": -3.0, "max": 3.0, "step": 0.1}


def test_latent_explorer_checks_are_the_models_probabilities_at_three_places_per_slider(vae2):
    checks = _Block(vh.web.latent_explorer(vae2).data).payload["checks"]
    positions = np.array([check["z"] for check in checks])
    assert len(set(positions[:, 0])) >= 3 and len(set(positions[:, 1])) >= 3
    assert np.all(np.abs(positions) <= 3.0)
    assert np.allclose(positions / 0.1, np.round(positions / 0.1))  # on the sliders' grid
    expected = vae2.decode(positions.astype(np.float32)).reshape(-1, 784)
    for check, row in zip(checks, expected):
        np.testing.assert_allclose(vh.web.unpack_array(check["probabilities"]), row, atol=1e-3)


def test_latent_explorer_needs_sliders_at_least_one_step_long(vae2):
    with pytest.raises(ValueError, match="span must be a finite number >= 0.1; got 0.05"):
        vh.web.latent_explorer(vae2, span=0.05)


def test_latent_explorer_refuses_models_the_page_cannot_run():
    with pytest.raises(ValueError, match="2-d latent space"):
        vh.web.latent_explorer(vh.build_dense_vae(latent_dim=3, hidden_units=(8,)))
    with pytest.raises(TypeError, match="take no labels"):
        vh.web.latent_explorer(vh.build_conditional_vae(latent_dim=2, hidden_units=(8,)))
    z = keras.Input(shape=(2,))
    hidden = keras.layers.Dense(8, activation="tanh")(z)
    decoder = keras.Model(z, keras.layers.Dense(784)(hidden))
    tanh_vae = vh.VAE(vh.build_dense_encoder(2, (8,)), decoder)
    with pytest.raises(ValueError, match="relu or linear activations.*'tanh'"):
        vh.web.latent_explorer(tanh_vae)


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(3)
    is_anomaly = (rng.random(500) < 0.7).astype(int)
    scores = rng.normal(100.0, 15.0, 500) + 25.0 * is_anomaly
    return rng.random((500, 28, 28)), is_anomaly, scores


def test_threshold_explorer_carries_the_scores_truth_and_slider_grid(scored):
    x, is_anomaly, scores = scored
    payload = _Block(vh.web.threshold_explorer(x, is_anomaly, scores, 120.0).data).payload
    np.testing.assert_array_equal(vh.web.unpack_array(payload["scores"]), scores.astype("f4"))
    np.testing.assert_array_equal(vh.web.unpack_array(payload["is_anomaly"]), is_anomaly)
    low, high = np.percentile(scores.astype("f4"), [1.0, 99.9])
    step = payload["step"]
    assert step == pytest.approx((high - low) / 200)
    assert 120.0 + payload["k_min"] * step == pytest.approx(low, abs=step / 2)
    assert 120.0 + payload["k_max"] * step == pytest.approx(high, abs=step / 2)


def test_threshold_explorer_ships_exactly_the_images_some_position_shows(scored):
    x, is_anomaly, scores = scored
    payload = _Block(vh.web.threshold_explorer(x, is_anomaly, scores, 120.0, num_images=4).data)
    payload = payload.payload
    values = scores.astype("f4").astype(np.float64)
    wanted = set()
    for k in range(payload["k_min"], payload["k_max"] + 1):
        flagged = np.flatnonzero(values > 120.0 + k * payload["step"])
        wanted.update(flagged[np.argsort(values[flagged], kind="stable")][:4].tolist())
    assert payload["image_indices"] == sorted(wanted)
    images = vh.web.unpack_array(payload["images"])
    pixels = x.reshape(-1, 784).astype(np.float32)  # the package holds images as float32
    expected = np.round(pixels[payload["image_indices"]] * np.float32(255))
    np.testing.assert_array_equal(images, expected)


def test_threshold_explorer_rejects_scores_that_do_not_match_the_images(scored):
    x, is_anomaly, scores = scored
    with pytest.raises(ValueError, match="one entry per image"):
        vh.web.threshold_explorer(x[:10], is_anomaly, scores, 120.0)
    with pytest.raises(ValueError, match="both normal"):
        vh.web.threshold_explorer(x, np.ones_like(is_anomaly), scores, 120.0)
