"""Write a copy of _config.yml that executes nothing, for a build of the committed outputs.

    python scripts/committed_config.py _build/committed/_config.yml

The committed notebooks hold full-mode outputs (`make outputs`), so a build from this config
shows the book as it is published, in seconds, without re-running any chapter.
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(destination):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} DESTINATION_CONFIG")
    main(sys.argv[1])
