import matplotlib.pyplot as plt

import vae_helpers as vh


def test_kl_explorer_redraws_for_new_slider_values(monkeypatch):
    titles = []
    monkeypatch.setattr(plt, "show", lambda: titles.append(plt.gcf().axes[0].get_title()))
    explorer = vh.kl_explorer(mean=0.0, log_var=0.0)
    sliders = {child.description: child for child in explorer.children[:2]}
    assert set(sliders) == {"mean", "log-variance"}
    sliders["mean"].value = 2.0
    assert titles[-1].endswith("KL(q || p) = 2.000 nats")
