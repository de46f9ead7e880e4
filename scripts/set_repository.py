"""Point the book at its repository: `_config.yml` and every chapter's Colab setup cell.

    python scripts/set_repository.py URL BRANCH   # `make set-repository URL=... BRANCH=...`
    python scripts/set_repository.py              # rewrite the setup cells from `_config.yml`

`_config.yml` names the repository (launch buttons, repository button); each chapter's first
code cell installs `vae_helpers` from that repository on Colab, pinned to the release tag
`v<version>` of `pyproject.toml`, so a reader gets the package the chapter was written for.
The cell is hidden on the HTML pages (cell tag `remove-cell`): it is Colab plumbing.
"""

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
SETUP_TAG = "remove-cell"
SETUP_CELL = """import sys

if "google.colab" in sys.modules:  # Colab only: install the book's helpers, pinned to a release
    import subprocess

    PACKAGE = "vae_helpers @ git+{url}@v{version}"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", PACKAGE], capture_output=True, text=True
    )
    if installed.returncode != 0:
        raise RuntimeError(
            f"Could not install {{PACKAGE}}:\\n{{installed.stderr}}\\n"
            "Check that this runtime reaches the internet and run this cell again; if the "
            "release tag does not exist, set PACKAGE to an existing tag of the book's repository."
        )"""


def package_version():
    """The ``version`` of ``pyproject.toml`` (the release the setup cells pin)."""
    text = (ROOT / "pyproject.toml").read_text()
    return re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1)


def configured_repository():
    """``(url, branch)`` from the ``repository`` section of ``_config.yml``."""
    text = CONFIG.read_text()
    url = re.search(r"^  url: (\S+)$", text, re.MULTILINE).group(1)
    branch = re.search(r"^  branch: (\S+)$", text, re.MULTILINE).group(1)
    return url, branch


def setup_cell_source(url=None, version=None):
    """The source every chapter's first code cell must have."""
    url = url or configured_repository()[0]
    return SETUP_CELL.format(url=url, version=version or package_version())


def set_repository(url, branch):
    """Write ``url`` and ``branch`` into ``_config.yml``'s ``repository`` section."""
    if not re.fullmatch(r"https://\S+", url) or not re.fullmatch(r"[\w./-]+", branch):
        raise ValueError(f"need an https URL and a branch name; got {url!r} and {branch!r}.")
    text = CONFIG.read_text()
    text = re.sub(r"^  url: \S+$", f"  url: {url}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^  branch: \S+$", f"  branch: {branch}", text, count=1, flags=re.MULTILINE)
    CONFIG.write_text(text)


def rewrite_setup_cells():
    """Give every chapter's first code cell the setup source and the ``remove-cell`` tag."""
    source = setup_cell_source()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cell = next(cell for cell in notebook.cells if cell.cell_type == "code")
        tags = cell.metadata.get("tags", [])
        if cell.source != source or SETUP_TAG not in tags:
            cell.source = source
            cell.metadata["tags"] = sorted(set(tags) | {SETUP_TAG})
            nbformat.write(notebook, path)
            print(f"rewrote the setup cell of {path.name}")


if __name__ == "__main__":
    if len(sys.argv) not in (1, 3):
        sys.exit(__doc__)
    if len(sys.argv) == 3:
        set_repository(*sys.argv[1:])
    rewrite_setup_cells()
