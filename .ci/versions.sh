#!/usr/bin/env bash
# Tests both ends of the dependency ranges (requirements.txt; pyproject.toml has the same ones):
#   .ci/versions.sh lowest   the oldest supported Python with every lower bound
#                            (.ci/constraints-lowest.txt)
#   .ci/versions.sh newest   the newest supported Python with the newest versions the ranges allow
# Each job installs the package (built from a copy of its sources, as a reader's `pip install`
# does) and the test tools into a new virtual environment, then runs the unit tests and
# chapters 1 and 2 in quick mode under nbval. VAE_BOOK_DATA is passed through from the
# environment. PYTHON_LOWEST / PYTHON_NEWEST point at another interpreter. The environment is
# left in _build/versions/<end> (ignored; `make clean` removes it) to look into after a failure:
# deleting its ~2.5 GB takes a minute or more on a busy disk, and the next run starts afresh.
set -euo pipefail
cd "$(dirname "$0")/.."

lowest=3.11 newest=3.12  # the supported Pythons' ends; requires-python must say >=$lowest
end=${1:-}
case "$end" in
  lowest) want=$lowest python=${PYTHON_LOWEST:-/root/.pyenv/versions/3.11.7/bin/python3} ;;
  newest) want=$newest python=${PYTHON_NEWEST:-/root/.pyenv/versions/3.12.1/bin/python3} ;;
  *) echo "usage: $0 lowest|newest" >&2; exit 2 ;;
esac
constraints=.ci/constraints-lowest.txt
test_tools="pytest nbval ipykernel jupyter-book"  # their ranges come from requirements.txt

if [ ! -x "$python" ]; then
  echo "versions $end: needs Python $want, looked for $python: not found." >&2
  echo "Install Python $want there or set PYTHON_${end^^} to a Python $want interpreter." >&2
  exit 1
fi
have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$have" != "$want" ]; then
  echo "versions $end: needs Python $want; $python is Python $have." >&2
  exit 1
fi

# The three files must tell one story before either end is worth testing.
"$python" - "$lowest" "$constraints" <<'PY'
import re
import sys
import tomllib

lowest_python, constraints_path = sys.argv[1], sys.argv[2]
problems = []


def requirements(lines, where):
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*([^;]*)", line)
        if not match:
            problems.append(f"{where}: cannot read {line!r}")
            continue
        name = re.sub(r"[-_.]+", "-", match[1]).lower()
        found[name] = match[2].replace(" ", "")
    return found


with open("requirements.txt") as file:
    book = requirements(file, "requirements.txt")
with open("pyproject.toml", "rb") as file:
    project = tomllib.load(file)["project"]
package = requirements(project["dependencies"], "pyproject.toml dependencies")
with open(constraints_path) as file:
    pinned = requirements(file, constraints_path)

if project.get("requires-python") != f">={lowest_python}":
    problems.append(
        f"pyproject.toml: requires-python is {project.get('requires-python')!r}, but the "
        f"lowest job runs Python {lowest_python}"
    )
for name, spec in book.items():
    lower = re.findall(r">=([^,]+)", spec)
    if len(lower) != 1 or not re.search(r"<[^=]", spec):
        problems.append(f"requirements.txt: {name}{spec} needs a lower (>=) and an upper (<) bound")
    elif pinned.get(name) != f"=={lower[0]}":
        problems.append(f"{constraints_path}: {name} must be =={lower[0]}, the lower end of {spec}")
for name, spec in package.items():
    if book.get(name) != spec:
        problems.append(f"pyproject.toml has {name}{spec}; requirements.txt {name}{book.get(name)}")
for name in pinned.keys() - book.keys():
    problems.append(f"{constraints_path}: {name} has no range in requirements.txt")
if problems:
    sys.exit("ranges disagree:\n  " + "\n  ".join(problems))
print(f"ranges: requirements.txt, pyproject.toml and {constraints_path} agree ({len(book)} ranges)")
PY

work=_build/versions/$end
rm -rf "$work"
start=$SECONDS
mkdir -p "$work/src"
cp -R pyproject.toml README.md vae_helpers "$work/src/"
rm -rf "$work/src/vae_helpers/__pycache__" "$work/src"/*.egg-info

# shellcheck disable=SC2086  # one argument per tool
specs_text=$(bash scripts/requirement_specs.sh $test_tools)
mapfile -t specs <<< "$specs_text"
pins=()
[ "$end" = lowest ] && pins=(--constraint "$constraints")

"$python" -m venv "$work/venv"
bin="$work/venv/bin"
"$bin/python" -m pip install --quiet --upgrade pip
"$bin/python" -m pip install --quiet --upgrade --only-binary=:all: "${pins[@]}" \
  "$work/src" "${specs[@]}"
installed=$((SECONDS - start))

echo "versions $end: Python $("$bin/python" -c 'import platform; print(platform.python_version())')"
"$bin/python" -m pip list --format=freeze 2>/dev/null | grep -iE "^($(
  grep -oE '^[A-Za-z0-9][A-Za-z0-9._-]*' requirements.txt | paste -sd'|'
)|vae.helpers|ml.dtypes|myst.nb)==" | paste -sd' '
echo "VAE_BOOK_DATA=${VAE_BOOK_DATA:-(unset: MNIST is downloaded through keras.datasets)}"

tested=$SECONDS
status=0
CI=true VAE_BOOK_MODE=quick "$bin/pytest" -p no:cacheprovider --durations=5 \
  tests --ignore=tests/book chapters/01_theory.ipynb chapters/02_dense_vae.ipynb \
  --nbval-lax --nbval-current-env --nbval-cell-timeout=600 || status=$?
echo "versions $end: install ${installed} s, tests $((SECONDS - tested)) s," \
  "wall time $((SECONDS - start)) s"
exit "$status"
