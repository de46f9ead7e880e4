"""Interactive explorers for Jupyter and Colab (each chapter also shows a static figure)."""

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .plotting import plot_posterior_vs_prior


def kl_explorer(mean=1.0, log_var=-1.0):
    """Sliders for a 1-d posterior's mean and log-variance, redrawing it against the prior."""

    def redraw(mean, log_var):
        plot_posterior_vs_prior(mean, log_var)
        plt.show()

    return widgets.interactive(
        redraw,
        mean=widgets.FloatSlider(value=mean, min=-3.0, max=3.0, step=0.1, description="mean"),
        log_var=widgets.FloatSlider(
            value=log_var, min=-4.0, max=2.0, step=0.1, description="log-variance"
        ),
    )
