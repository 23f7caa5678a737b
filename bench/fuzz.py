"""Longer API fuzzing run: schemathesis on every operation of /api/schema/ with many random examples.

    .venv/bin/python bench/fuzz.py [--examples 300]

Runs tests/fuzz/test_openapi_fuzz.py (the same checks as in ``make test``: no 5xx, documented status
codes, content types, headers and bodies) with FUZZ_EXAMPLES examples per operation and a fresh random
seed each run. Exit code is pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=300, help="examples per operation (default 300)")
    args = parser.parse_args()
    # Its own test database, so a long run does not collide with a `make test` running meanwhile.
    env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples), "FUZZ_RANDOM": "1", "TEST_DB_SUFFIX": "fuzz"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/fuzz"]
    print(
        f"$ FUZZ_EXAMPLES={args.examples} FUZZ_RANDOM=1 TEST_DB_SUFFIX=fuzz {' '.join(command)}", flush=True
    )
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
