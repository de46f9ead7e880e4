#!/usr/bin/env bash
# Prints the line of requirements.txt (name and range) of each tool named as an argument, one
# per line, so that the environments the test scripts build install the book's own ranges.
# Fails, naming the tool, when requirements.txt gives it no range.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in "$@"; do
  grep -E "^$tool *[<>=!~]" requirements.txt || {
    echo "requirements.txt gives no range for $tool" >&2
    exit 1
  }
done
