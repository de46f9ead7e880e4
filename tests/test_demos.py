import re

import numpy as np
import pytest

import vae_helpers as vh


def test_shows_error_prints_the_real_error_and_keeps_it(capsys):
    with vh.shows_error(KeyError, ZeroDivisionError) as caught:
        _ = 1 / 0
    assert isinstance(caught.error, ZeroDivisionError)
    printed = capsys.readouterr().out
    assert printed.startswith("ZeroDivisionError: division by zero\n(raised in ")
    assert "test_demos.py" in printed


def test_shows_error_fails_when_the_block_no_longer_fails():
    with pytest.raises(AssertionError, match="expected the block to raise ValueError"):
        with vh.shows_error(ValueError):
            pass


def test_shows_error_lets_other_errors_through():
    with pytest.raises(KeyError):
        with vh.shows_error(ValueError):
            raise KeyError("other")


def test_shows_error_finds_the_expected_error_inside_a_wrapping_one(capsys):
    with vh.shows_error(AttributeError) as caught:
        try:
            raise AttributeError("no attribute 'random_normal'")
        except AttributeError:
            raise RuntimeError("Unable to automatically build the model")  # noqa: B904
    assert isinstance(caught.error, AttributeError)
    assert capsys.readouterr().out.startswith("AttributeError: no attribute 'random_normal'\n")


def test_shows_error_needs_at_least_one_exception_class():
    message = "expected must name one or more exception classes; got none"
    with pytest.raises(ValueError, match=message):
        with vh.shows_error():
            pass


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        (("ValueError",), r"expected\[0\] must be an exception class; got str 'ValueError'"),
        ((KeyError, int), r"expected\[1\] must be an exception class; got the class int"),
        ((ValueError("x"),), r"expected\[0\] must be an exception class; got ValueError"),
    ],
)
def test_shows_error_needs_exception_classes(expected, message):
    with pytest.raises(TypeError, match=message):
        with vh.shows_error(*expected):
            pass


def test_glue_stores_the_value_for_the_book_when_myst_nb_is_installed(monkeypatch):
    glue_module = pytest.importorskip("myst_nb.ext.glue")
    shown = []
    monkeypatch.setattr(
        glue_module, "ipy_display", lambda *args, **kwargs: shown.append((args, kwargs))
    )
    vh.glue("answer", 42, display=False)
    ((bundle,), kwargs) = shown[0]
    assert kwargs["metadata"]["scrapbook"]["name"] == "answer"
    assert bundle == {"application/papermill.record/text/plain": "42"}


def test_glue_stores_a_numpy_scalar_as_the_python_number_the_book_can_format(monkeypatch):
    glue_module = pytest.importorskip("myst_nb.ext.glue")
    shown = []
    monkeypatch.setattr(
        glue_module, "ipy_display", lambda *args, **kwargs: shown.append((args, kwargs))
    )
    vh.glue("mean", np.float64(91.5), display=False)
    vh.glue("count", np.int64(7), display=False)
    assert [args[0] for args, _ in shown] == [
        {"application/papermill.record/text/plain": "91.5"},
        {"application/papermill.record/text/plain": "7"},
    ]


def test_glue_without_myst_nb_shows_the_value_or_nothing(monkeypatch):
    shown = []
    monkeypatch.setattr(vh.demos.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(vh.demos, "show", shown.append)
    vh.glue("hidden", 1.5, display=False)
    vh.glue("shown", 2.5)
    assert shown == [2.5]


def test_glue_needs_a_name():
    with pytest.raises(TypeError, match="name must be a str; got int 3"):
        vh.glue(3, 1.0)
    with pytest.raises(ValueError, match="name must be a non-empty str; got ''"):
        vh.glue("", 1.0)


class _Handle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, obj):
        self.shown.append(obj.data)


def test_training_progress_redraws_one_line_and_ends_with_a_summary(monkeypatch, tiny_vae):
    shown = []

    def fake_show(obj, display_id=False):
        shown.append(obj.data)
        return _Handle(shown)

    monkeypatch.setattr(vh.demos, "show", fake_show)
    x = np.random.default_rng(0).random((64, 784), dtype=np.float32).round()
    tiny_vae.fit(x, epochs=3, batch_size=32, verbose=0, callbacks=[vh.TrainingProgress("tiny")])
    assert shown[0] == "tiny: starting 3 epochs"
    assert [line.split(" | ")[1] for line in shown[1:4]] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert re.fullmatch(r"tiny \| 3 epochs \| loss \d+\.\d\d \| \d+ s", shown[-1])


def test_training_progress_prints_one_placeholder_outside_ipython(monkeypatch, capsys, tiny_vae):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setattr(InteractiveShell, "_instance", None, raising=False)  # no IPython shell
    x = np.random.default_rng(0).random((64, 784), dtype=np.float32).round()
    tiny_vae.fit(x, epochs=2, batch_size=32, verbose=0, callbacks=[vh.TrainingProgress("tiny")])
    assert capsys.readouterr().out == "<IPython.core.display.Pretty object>\n"


def test_training_progress_needs_a_text_label():
    with pytest.raises(TypeError, match="label must be a str; got int 3"):
        vh.TrainingProgress(3)
    with pytest.raises(ValueError, match="label must be a non-empty str; got ''"):
        vh.TrainingProgress("")
