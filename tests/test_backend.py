import gc
import weakref

import keras
import numpy as np
from keras import ops

from vae_helpers.backend import compile_function, compiled_for, supported_steps_per_execution


def _softplus_sum(x):
    return ops.sum(ops.softplus(x), axis=-1)


def test_a_compiled_function_computes_what_the_plain_one_does():
    x = np.random.default_rng(0).normal(size=(5, 7)).astype("float32")
    compiled = compile_function(_softplus_sum)
    np.testing.assert_allclose(
        ops.convert_to_numpy(compiled(x)), ops.convert_to_numpy(_softplus_sum(x)), rtol=1e-6
    )


def test_a_compiled_function_accepts_a_new_shape():
    compiled = compile_function(_softplus_sum)
    for shape in [(2, 3), (4, 3), (4, 9)]:
        x = np.zeros(shape, dtype="float32")
        np.testing.assert_allclose(
            ops.convert_to_numpy(compiled(x)), np.full(shape[0], shape[1] * np.log(2.0)), rtol=1e-6
        )


def test_compiled_for_builds_once_per_owner_and_lets_a_deleted_owner_go():
    builds = []

    def build(layer):
        builds.append(layer)
        return lambda x: layer(x)

    first, second = keras.layers.Dense(2), keras.layers.Dense(2)
    x = np.ones((3, 4), dtype="float32")
    first(x), second(x)  # built outside the compiled function, as a trained decoder is
    assert compiled_for(first, build) is compiled_for(first, build)
    assert compiled_for(second, build) is not compiled_for(first, build)
    assert len(builds) == 2
    np.testing.assert_allclose(
        ops.convert_to_numpy(compiled_for(first, build)(x)),
        ops.convert_to_numpy(first(x)),
        rtol=1e-6,
    )
    first_alive = weakref.ref(first)
    del first
    gc.collect()
    assert first_alive() is None


def test_steps_per_execution_is_kept_except_on_pytorch(monkeypatch):
    for backend, expected in [("tensorflow", 16), ("jax", 16), ("torch", 1)]:
        monkeypatch.setattr(keras.config, "backend", lambda backend=backend: backend)
        assert supported_steps_per_execution(16) == expected


def test_the_running_backend_compiles_a_model_with_the_supported_steps():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=supported_steps_per_execution(4))
    history = model.fit(np.ones((16, 3)), np.zeros((16, 1)), batch_size=2, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
