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
