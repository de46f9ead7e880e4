"""The built HTML book, opened in headless Chromium as a reader would see it.

Needs a built book and Debian's chromium and chromium-driver. VAE_BOOK_BUILD names the build:
`quick` (the default; `make book-quick` executes every chapter in quick mode into
_build/quick/_build/html) or `committed` (`make book-committed` builds the pages from the
committed full-mode outputs, executing nothing, into _build/committed/_build/html);
VAE_BOOK_HTML points at any other built folder. Outside CI a missing browser or book skips
these tests; in CI (CI=true) it fails them. Full-page screenshots land in
_build/screenshots/<build>/ for people to look at, with pictures of each in-page explorer in
two positions.

The pages must work on their own: they load nothing from another host (MathJax and the
ipywidgets manager are served from the build), their math is typeset, every stored widget view
renders, and the explorers that run in the page compute what Python computes.
"""

import base64
import functools
import http.server
import json
import os
import re
import shutil
import threading
import zlib
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = os.environ.get("VAE_BOOK_BUILD", "quick")
HTML = Path(os.environ.get("VAE_BOOK_HTML", ROOT / "_build" / BUILD / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots" / BUILD
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
CHAPTERS = [
    entry["file"]
    for entry in yaml.safe_load((ROOT / "_toc.yml").read_text())["chapters"]
    if entry["file"].startswith("chapters/")
]

_missing = [
    reason
    for reason, absent in [
        ("chromium and chromium-driver are not installed", not (CHROMIUM and CHROMEDRIVER)),
        (f"no built book in {HTML} (run `make book-{BUILD}`)", not (HTML / "intro.html").is_file()),
    ]
    if absent
]
if _missing and os.environ.get("CI") == "true":
    pytest.fail("browser test cannot run in CI: " + "; ".join(_missing), pytrace=False)
pytestmark = pytest.mark.skipif(bool(_missing), reason="; ".join(_missing))


@pytest.fixture(scope="module")
def site():
    """Serve the built book on loopback; yields its base URL."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _chapter_title(chapter):
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    heading = next(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return re.match(r"#\s+(.+)", heading).group(1).strip()


def _figure_cells(chapter):
    """Code cells that declare a figure (alt text in their metadata)."""
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    return [cell for cell in notebook.cells if cell.metadata.get("mystnb", {}).get("image")]


def _open(browser, url):
    browser.get(url)
    # Scroll through the page so lazily loaded images load, then wait until all have.
    browser.execute_script(
        "for (const img of document.images) { img.loading = 'eager'; }"
        "window.scrollTo(0, document.body.scrollHeight);"
    )
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all([...document.images].map(img => img.complete ? null :"
        " new Promise(r => { img.onload = img.onerror = r; }))).then(() => done());"
    )


def _save_full_page(browser, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"captureBeyondViewport": True, "fromSurface": True}
    )
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def _settle(browser, timeout=60):
    """Wait until MathJax has typeset the page and every stored widget view has rendered (or
    30 s have passed); return the number of widget views, or why MathJax failed."""
    browser.set_script_timeout(timeout)
    return browser.execute_async_script(
        "const [selector, done] = arguments;"
        "const views = () => [...document.querySelectorAll(selector)];"
        "const drawn = () => views().every(v => v.parentElement.querySelector('.jupyter-widgets'));"
        "const typeset = window.MathJax?.startup ? MathJax.startup.promise : Promise.resolve();"
        "const start = Date.now();"
        "typeset.then(function poll() {"
        "  if (drawn() || Date.now() - start > 30000) { done(views().length); }"
        "  else { setTimeout(poll, 100); }"
        "}, error => done('MathJax failed: ' + error));",
        WIDGET_VIEW,
    )


def _foreign_requests(browser):
    """URLs the page fetched, or names in its markup, that are not on the loopback host."""
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat("
        "  [...document.querySelectorAll('script[src], img[src], iframe[src], source[src]')]"
        "    .map(e => e.src),"
        "  [...document.querySelectorAll('link[rel=stylesheet], link[rel=preload]')]"
        "    .map(e => e.href));"
    )
    return sorted({url for url in urls if urlparse(url).hostname not in ("127.0.0.1", None)})


def _untypeset_math(browser):
    """Math the page still shows as TeX source: .math elements MathJax did not replace, and
    text outside code that still holds a \\( or \\[ delimiter."""
    return browser.execute_script(
        "const raw = [...document.querySelectorAll('article .math')]"
        "  .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80));"
        "const walker = document.createTreeWalker(document.querySelector('article'),"
        "  NodeFilter.SHOW_TEXT);"
        "for (let node = walker.nextNode(); node; node = walker.nextNode()) {"
        "  if (node.parentElement.closest('pre, code, script, style, .highlight')) continue;"
        "  if (/\\\\[(\\[]/.test(node.textContent)) raw.push(node.textContent.slice(0, 80));"
        "}"
        "return raw;"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_renders_for_a_reader(site, browser, chapter):
    from selenium.webdriver.common.by import By

    _open(browser, f"{site}/{chapter}.html")
    widget_views = _settle(browser)
    screenshot = _save_full_page(browser, Path(chapter).name)
    assert screenshot.stat().st_size > 10_000

    title = _chapter_title(chapter)
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text.rstrip("#").strip() == title

    unexpected_errors = browser.execute_script(
        "return [...document.querySelectorAll('.cell_output .traceback, .cell_output .stderr')]"
        ".filter(e => !e.closest('.tag_raises-exception')).map(e => e.innerText.slice(0, 300));"
    )
    assert not unexpected_errors, f"{chapter} shows error or stderr output: {unexpected_errors}"
    body = browser.find_element(By.TAG_NAME, "body").text
    for unrendered in ("{glue", "{cite", "{admonition"):
        assert unrendered not in body, f"{chapter} shows unrendered markup {unrendered!r}"

    images = browser.execute_script(
        "return [...document.images].map(i => [i.currentSrc, i.naturalWidth]);"
    )
    assert images, f"{chapter} has no images"
    unlabelled = browser.execute_script(  # a widget's picture is a control, not a figure
        "return [...document.querySelectorAll('.cell_output img:not(.jupyter-widgets img)')]"
        ".filter(i => !i.alt || i.alt.endsWith('.png')).map(i => i.currentSrc);"
    )
    assert not unlabelled, f"figures without alt text: {unlabelled}"
    figures = browser.execute_script("return document.querySelectorAll('.cell_output img').length;")
    expected = len(_figure_cells(chapter))
    assert figures >= expected, (
        f"{chapter} shows {figures} figures, its notebook declares {expected}"
    )
    broken = [src for src, width in images if width == 0 and urlparse(src).hostname == "127.0.0.1"]
    assert not broken, f"images that did not load: {broken}"

    # The page works on its own: nothing from another host, math typeset, widgets drawn.
    assert not _foreign_requests(browser), f"{chapter} loads from other hosts"
    assert not _untypeset_math(browser), f"{chapter} shows math as TeX source"
    assert isinstance(widget_views, int), widget_views
    unrendered = browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(v => !v.parentElement"
        "  .querySelector('.jupyter-widgets :is(img, input, .widget-slider)')).length;",
        WIDGET_VIEW,
    )
    assert not unrendered, f"{unrendered} of {widget_views} stored widget views did not render"

    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")]
    assert any(href.endswith(f"_sources/{chapter}.ipynb") for href in links), "no .ipynb download"
    assert CONFIG["repository"]["url"] in links, "no repository button"
    colab = [href for href in links if href.startswith(CONFIG["launch_buttons"]["colab_url"])]
    assert colab, "no Colab launch button"


@pytest.mark.parametrize("page", ["intro", "bibliography", "execution_report"])
def test_pages_beside_the_chapters_work_without_other_hosts(site, browser, page):
    _open(browser, f"{site}/{page}.html")
    assert isinstance(_settle(browser), int)
    assert not _foreign_requests(browser), f"{page} loads from other hosts"
    assert not _untypeset_math(browser), f"{page} shows math as TeX source"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_colab_launch_links_open_notebooks_that_exist(chapter):
    page = (HTML / f"{chapter}.html").read_text()
    repository = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    prefix = f"{CONFIG['launch_buttons']['colab_url']}/github/{repository}/blob/"
    links = re.findall(r'href="(' + re.escape(prefix) + r'[^"]+)"', page)
    assert links, f"{chapter} has no Colab launch link"
    for link in links:
        branch, _, path = link[len(prefix) :].partition("/")
        assert branch == CONFIG["repository"]["branch"]
        assert (ROOT / path).is_file(), f"launch link points at a missing notebook: {path}"


def test_widget_state_is_embedded_for_the_static_page():
    page = (HTML / "chapters" / "01_theory.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" in page


def _explorer(browser, kind):
    """The in-page explorer ``kind`` once built (see _static/vae-explorers.js)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    selector = f'.vae-explorer[data-vae-explorer="{kind}"]'
    WebDriverWait(browser, 30).until(
        lambda driver: driver.execute_script(
            "const e = document.querySelector(arguments[0]);"
            "return e && ['true', 'failed'].includes(e.dataset.vaeReady);",
            selector,
        )
    )
    root = browser.find_element(By.CSS_SELECTOR, selector)
    assert root.get_attribute("data-vae-ready") == "true", root.text
    return root


def _move_slider(browser, root, label, value):
    """Set the range input labelled ``label`` to ``value`` as a reader's drag would."""
    browser.execute_script(
        'const input = arguments[0].querySelector(`input[aria-label="${arguments[1]}"]`);'
        "input.value = arguments[2];"
        "input.dispatchEvent(new Event('input', {bubbles: true}));",
        root,
        label,
        value,
    )


def _payload(root):
    """The numbers the chapter's run gave the explorer (its JSON block)."""
    from selenium.webdriver.common.by import By

    data = root.find_element(By.CSS_SELECTOR, "script.vae-explorer-data")
    return json.loads(data.get_attribute("textContent"))


def _unpack(packed):
    """An array as vae_helpers.web.pack_array packs it: base64 of zlib of byte planes."""
    dtype = np.dtype({"float16": "<f2", "float32": "<f4", "uint8": "u1"}[packed["dtype"]])
    planes = np.frombuffer(zlib.decompress(base64.b64decode(packed["data"])), np.uint8)
    return planes.reshape(dtype.itemsize, -1).T.copy().view(dtype).reshape(packed["shape"])


def _canvas_grey(browser, canvas):
    """The red channel of a 28 x 28 canvas, as 784 grey levels."""
    rgba = browser.execute_script(
        "return Array.from(arguments[0].getContext('2d').getImageData(0, 0, 28, 28).data);", canvas
    )
    return np.array(rgba, dtype=np.float64)[::4]


def _shown(root, name):
    from selenium.webdriver.common.by import By

    return float(
        root.find_element(By.CSS_SELECTOR, f'.vae-explorer-value[data-name="{name}"]').text
    )


def _drawing(root):
    from selenium.webdriver.common.by import By

    return root.find_element(By.CSS_SELECTOR, "svg, canvas").get_attribute("innerHTML")


def _save_element(browser, root, name):
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", root)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(root.screenshot_as_png)
    return path


def test_kl_explorer_in_the_page_shows_the_closed_form_kl(site, browser):
    """Each slider moved to three positions: the drawing changes and the KL shown equals
    0.5 * (mean**2 + exp(log_var) - 1 - log_var) to 3 decimals."""
    from selenium.webdriver.common.by import By

    _open(browser, f"{site}/chapters/01_theory.html")
    root = _explorer(browser, "kl")
    fixed = {"mean": 1.0, "log-variance": -1.0}
    moves = [("mean", v) for v in (-2.5, 0.0, 1.7)] + [
        ("log-variance", v) for v in (-3.2, 0.0, 1.5)
    ]
    drawings = {_drawing(root)}
    for label, value in moves:
        for other, start in fixed.items():
            _move_slider(browser, root, other, start)
        _move_slider(browser, root, label, value)
        shown_values = [float(v.text) for v in root.find_elements(By.CSS_SELECTOR, "output")]
        mean, log_var = shown_values
        assert {"mean": mean, "log-variance": log_var}[label] == pytest.approx(value)
        closed_form = 0.5 * (mean**2 + np.exp(log_var) - 1.0 - log_var)
        assert abs(_shown(root, "kl") - closed_form) <= 0.0005 + 1e-9, (label, value)
        drawing = _drawing(root)
        assert drawing not in drawings, f"the drawing did not change for {label} = {value}"
        drawings.add(drawing)

    for position, (mean, log_var) in enumerate([(1.5, 0.0), (-0.5, -2.0)], start=1):
        _move_slider(browser, root, "mean", mean)
        _move_slider(browser, root, "log-variance", log_var)
        assert _save_element(browser, root, f"kl_explorer_{position}").stat().st_size > 5_000


@pytest.mark.skipif(BUILD == "committed", reason="the committed-outputs build executes nothing")
def test_execution_report_lists_every_chapter_as_executed():
    page = (HTML / "execution_report.html").read_text()
    table = page[page.index("<table") : page.index("</table>")]
    rows = re.findall(r"<tr.*?</tr>", table, flags=re.S)
    for chapter in CHAPTERS:
        row = next((r for r in rows if chapter in r), None)
        assert row, f"{chapter} is missing from the execution report"
        assert "✅" in row, f"{chapter} did not execute cleanly: {re.sub('<[^>]+>', ' ', row)}"


def test_latent_explorer_in_the_page_draws_the_python_decoders_digit(site, browser):
    """Each z slider moved to three positions: the canvas changes, and its grey levels are the
    Python decoder's probabilities at the same z, times 255, within 2 levels."""
    from selenium.webdriver.common.by import By

    _open(browser, f"{site}/chapters/05_generation.html")
    root = _explorer(browser, "latent")
    checks = _payload(root)["checks"]
    assert len({c["z"][0] for c in checks}) >= 3 and len({c["z"][1] for c in checks}) >= 3
    canvas = root.find_element(By.CSS_SELECTOR, "canvas")
    drawn = [_canvas_grey(browser, canvas).tobytes()]
    for check in checks:
        for label, value in zip(("z1", "z2"), check["z"]):
            _move_slider(browser, root, label, value)
        grey = _canvas_grey(browser, canvas)
        expected = 255.0 * _unpack(check["probabilities"]).astype(np.float64)
        difference = np.abs(grey - expected).max()
        assert difference <= 2.0, f"z = {check['z']}: {difference:.2f} grey levels off"
        assert grey.tobytes() not in drawn, f"the digit did not change at z = {check['z']}"
        drawn.append(grey.tobytes())

    for position, z in enumerate([checks[0]["z"], checks[-1]["z"]], start=1):
        for label, value in zip(("z1", "z2"), z):
            _move_slider(browser, root, label, value)
        assert _save_element(browser, root, f"latent_explorer_{position}").stat().st_size > 2_000


def test_threshold_explorer_in_the_page_matches_scikit_learn(site, browser):
    """The threshold slider moved to three positions: the flagged count, precision, recall and
    F1 shown are scikit-learn's on the page's scores, and the images shown are the flagged
    ones closest above the threshold."""
    from selenium.webdriver.common.by import By
    from sklearn.metrics import precision_recall_fscore_support

    _open(browser, f"{site}/chapters/07_anomaly_detection.html")
    root = _explorer(browser, "threshold")
    payload = _payload(root)
    scores = _unpack(payload["scores"]).astype(np.float64)
    is_anomaly = _unpack(payload["is_anomaly"]).astype(int)
    images = dict(zip(payload["image_indices"], _unpack(payload["images"])))
    k_min, k_max = payload["k_min"], payload["k_max"]
    positions = sorted({k_min, k_min // 2, k_max // 2, k_max} - {0})[:3]
    assert len(positions) == 3, positions
    drawings = {_drawing(root)}
    for k in positions:
        _move_slider(browser, root, "threshold", k)
        threshold = payload["threshold"] + k * payload["step"]
        flagged = scores > threshold
        precision, recall, f1, _ = precision_recall_fscore_support(
            is_anomaly, flagged.astype(int), average="binary", zero_division=0.0
        )
        assert int(_shown(root, "flagged")) == flagged.sum()
        for name, expected in [("precision", precision), ("recall", recall), ("f1", f1)]:
            assert abs(_shown(root, name) - expected) <= 0.0005 + 1e-9, (name, threshold)
        borderline = np.flatnonzero(flagged)[np.argsort(scores[flagged], kind="stable")]
        cards = root.find_elements(By.CSS_SELECTOR, ".vae-explorer-card")
        shown = [int(card.get_attribute("data-index")) for card in cards]
        assert shown == borderline[: payload["num_images"]].tolist()
        first = _canvas_grey(browser, cards[0].find_element(By.CSS_SELECTOR, "canvas"))
        assert np.array_equal(first, images[shown[0]]), "the first flagged image is not its digit"
        drawing = _drawing(root)
        assert drawing not in drawings, f"the histogram did not move for threshold {threshold}"
        drawings.add(drawing)

    for position, k in enumerate([0, positions[-1]], start=1):
        _move_slider(browser, root, "threshold", k)
        assert _save_element(browser, root, f"threshold_explorer_{position}").stat().st_size > 5_000


def test_in_page_explorers_add_under_a_megabyte_to_their_page():
    pages = [HTML / f"{chapter}.html" for chapter in CHAPTERS]
    blocks = {
        page.name: [
            len(block.encode())
            for block in re.findall(
                r'<div class="vae-explorer".*?</script></div>', page.read_text(), flags=re.S
            )
        ]
        for page in pages
    }
    assert any(blocks.values()), "no in-page explorer in the book"
    heavy = {name: sum(sizes) for name, sizes in blocks.items() if sum(sizes) >= 1_000_000}
    assert not heavy, f"explorers of 1 MB or more: {heavy}"
