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


@pytest.mark.parametrize("expected", [(), ("ValueError",), (int,)])
def test_shows_error_needs_exception_classes(expected):
    with pytest.raises(ValueError, match="expected must name one or more exception classes"):
        with vh.shows_error(*expected):
            pass


def test_glue_stores_the_value_for_the_book_when_myst_nb_is_installed(monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda *args, **kwargs: shown.append((args, kwargs))
    )
    vh.glue("answer", 42, display=False)
    ((bundle,), kwargs) = shown[0]
    assert kwargs["metadata"]["scrapbook"]["name"] == "answer"
    assert bundle == {"application/papermill.record/text/plain": "42"}


def test_glue_without_myst_nb_shows_the_value_or_nothing(monkeypatch):
    shown = []
    monkeypatch.setattr(vh.demos.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(vh.demos, "show", shown.append)
    vh.glue("hidden", 1.5, display=False)
    vh.glue("shown", 2.5)
    assert shown == [2.5]


def test_glue_needs_a_name():
    with pytest.raises(TypeError, match="name must be a non-empty str; got int 3"):
        vh.glue(3, 1.0)
