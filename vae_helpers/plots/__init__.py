"""Figures the chapters share, one module per topic.

Every plot draws what it is given, precomputed arrays and numbers, and computes nothing: the
caller runs the models and the metrics (chapters do it in a line or two, or with a function
of the domain module, such as :func:`~vae_helpers.anomaly.roc_curves`) and hands the results
over. Images are ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` arrays in [0, 1]. A
one-panel plot takes an optional Matplotlib ``ax``, a plot of several panels an optional
``fig``, to draw on instead of a new figure; each returns the ``Figure`` it drew on.

- :mod:`.images`: grids and labelled rows of images;
- :mod:`.training`: training curves;
- :mod:`.latent`: a posterior against the prior, the latent manifold, temperature rows and
  embeddings;
- :mod:`.denoising`: denoised images, method comparisons, noise sweeps, posterior samples;
- :mod:`.inpainting`: inpainting comparisons and completions;
- :mod:`.anomaly`: ROC curves, ranked images, threshold decisions.
"""
