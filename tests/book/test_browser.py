"""The built HTML book, opened in headless Chromium as a reader would see it.

Needs a built book (`make book-quick` builds one into _build/quick/_build/html; set
VAE_BOOK_HTML to test another folder) and Debian's chromium and chromium-driver. Outside CI a
missing browser or book skips these tests; in CI (CI=true) it fails them.
Full-page screenshots land in _build/screenshots/ for people to look at.
"""

import base64
import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("VAE_BOOK_HTML", ROOT / "_build" / "quick" / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots"
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
        (f"no built book in {HTML} (run `make book-quick`)", not (HTML / "intro.html").is_file()),
    ]
    if absent
]
if _missing and os.environ.get("CI") == "true":
    pytest.fail("browser test cannot run in CI: " + "; ".join(_missing), pytrace=False)
pytestmark = pytest.mark.skipif(bool(_missing), reason="; ".join(_missing))


@pytest.fixture(scope="module")
def site():
    """Serve the built book on loopback; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *args: None
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


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_renders_for_a_reader(site, browser, chapter):
    from selenium.webdriver.common.by import By

    _open(browser, f"{site}/{chapter}.html")
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
    unlabelled = browser.execute_script(
        "return [...document.querySelectorAll('.cell_output img')]"
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

    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")]
    assert any(href.endswith(f"_sources/{chapter}.ipynb") for href in links), "no .ipynb download"
    assert CONFIG["repository"]["url"] in links, "no repository button"
    colab = [href for href in links if href.startswith(CONFIG["launch_buttons"]["colab_url"])]
    assert colab, "no Colab launch button"


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
