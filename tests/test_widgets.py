import vae_helpers as vh


def test_kl_explorer_redraws_for_new_slider_values(drawn_figures):
    explorer = vh.kl_explorer(mean=0.0, log_var=0.0)
    sliders = {child.description: child for child in explorer.children[:2]}
    assert set(sliders) == {"mean", "log-variance"}
    first_picture = bytes(explorer.children[-1].value)
    assert first_picture.startswith(b"\x89PNG")
    sliders["mean"].value = 2.0
    assert drawn_figures[-1].axes[0].get_title().endswith("KL(q || p) = 2.000 nats")
    assert bytes(explorer.children[-1].value) != first_picture
