"""The committed map bundle ``static/js/map.js`` is what ``scripts/build-js.sh`` makes from the ES modules in
``static/js/map/`` today. The pages load the bundle, not the modules, so an edited module without a rebuild
would ship old code silently; ``make test`` installs the pinned esbuild (its ``node`` target), which gives
the same bytes for the same sources."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "static" / "js" / "map.js"


def test_the_committed_map_bundle_is_a_fresh_build_of_its_modules(tmp_path):
    fresh = tmp_path / "map.js"
    subprocess.run([str(ROOT / "scripts" / "build-js.sh"), str(fresh)], check=True, timeout=60)
    assert fresh.read_bytes() == BUNDLE.read_bytes(), (
        "static/js/map/ changed: run `npm run build`, commit map.js"
    )


def test_every_map_module_is_in_the_bundle():
    """A module the entry point no longer imports would be dead code that still looks maintained."""
    bundled = BUNDLE.read_text()
    modules = sorted((ROOT / "static" / "js" / "map").glob("*.js"))
    assert len(modules) > 5
    assert [m.name for m in modules if f"// static/js/map/{m.name}\n" not in bundled] == []
