"""What depends on the Keras backend that runs the book: compiling a function, and how many
training steps one call may run.

Everything else in the package is written with ``keras.ops`` and runs unchanged on
TensorFlow, JAX and PyTorch.
"""

import weakref

import keras

from .validation import check_scalar

_compiled = weakref.WeakKeyDictionary()


def compile_function(function):
    """``function`` compiled for the running Keras backend.

    TensorFlow: ``tf.function(jit_compile=True)`` (XLA); JAX: ``jax.jit``; PyTorch: run as it
    is (``torch.compile`` needs a C++ toolchain and compiles for minutes). The function must
    take and return tensors only; it is traced again for each new input shape.
    """
    backend = keras.config.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=True, reduce_retracing=False)
    if backend == "jax":
        import jax

        return jax.jit(function)
    return function


def compiled_for(owner, build):
    """``compile_function(build(owner))``, made once per ``owner`` (e.g. a decoder) and
    dropped with it: ``build`` receives a weak proxy, so the cache never keeps ``owner``
    alive."""
    if owner not in _compiled:
        _compiled[owner] = compile_function(build(weakref.proxy(owner)))
    return _compiled[owner]


def supported_steps_per_execution(steps):
    """``steps`` where the running backend can run that many training steps per call
    (``Model.compile(steps_per_execution=...)``): TensorFlow and JAX; 1 on PyTorch, whose
    Keras trainer runs one step per call.

    ``steps`` is a positive int.
    """
    steps = check_scalar(steps, "steps", int, low=1)
    return 1 if keras.config.backend() == "torch" else steps
