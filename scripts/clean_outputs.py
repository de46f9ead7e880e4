"""Strip what a reader should not see from stored notebook outputs.

TensorFlow's C++ runtime writes log lines to stderr when it starts (``I0000 00:00:...
cuda_platform.cc:52] failed call to cuInit ...``, absl's "All log messages before
absl::InitializeLog()" banner); tracebacks carry ANSI colour codes; warnings name the machine's
folders. ``clean_notebook`` removes those lines and codes, shortens paths to what follows
``site-packages/`` (or to the file name) and drops streams left empty. Python's own warnings
and errors are kept. ``make outputs`` applies it to every notebook it re-executes; the book's tests
check that every committed notebook is already clean.

    python scripts/clean_outputs.py chapters/*.ipynb   # clean notebooks in place
"""

import re
import sys

import nbformat

CPP_LOG_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.]+:\d+\]"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|To enable the following instructions: .* rebuild TensorFlow"
    r"|This TensorFlow binary is optimized to use available CPU instructions).*(?:\n|$)",
    re.MULTILINE,
)
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MACHINE_FOLDER = re.compile(
    r"/(?:[\w.+-]+/)*(?:site|dist)-packages/|/(?:tmp|root|home|work|Users)/(?:[\w.+-]+/)*"
)


def clean_text(text):
    """``text`` without C++ log lines, ANSI codes and the machine's folders."""
    return MACHINE_FOLDER.sub("", ANSI_CODE.sub("", CPP_LOG_LINE.sub("", text)))


def clean_notebook(notebook):
    """Clean every output of ``notebook`` in place; returns how many outputs changed."""
    changed = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                text = clean_text(output.text)
                changed += text != output.text
                output.text = text
            elif output.output_type == "error":
                traceback = [clean_text(line) for line in output.traceback]
                changed += traceback != output.traceback
                output.traceback = traceback
        if "outputs" in cell:
            cell.outputs = [
                output
                for output in cell.outputs
                if output.output_type != "stream" or output.text.strip()
            ]
    return changed


if __name__ == "__main__":
    for name in sys.argv[1:]:
        notebook = nbformat.read(name, as_version=4)
        if clean_notebook(notebook):
            nbformat.write(notebook, name)
            print(f"cleaned {name}")
