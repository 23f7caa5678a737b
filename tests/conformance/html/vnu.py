"""The Nu Html Checker (npm ``vnu-jar``, run by Debian's ``default-jre-headless``) over many pages at once.

The JVM takes seconds to start, so every page of a test session is written to one directory and checked
by a single ``java -jar vnu.jar`` call; its JSON messages are then handed back per file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

VNU_JAR = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TIMEOUT_S = 300


def check_files(paths: list[Path]) -> dict[str, list[dict]]:
    """Error messages per file name (every name of ``paths`` is a key, an empty list when it is valid).

    ``--errors-only``: warnings (e.g. a redundant ``role``) are advice, errors break the standard. A
    message without a file (the checker failing itself) raises, so a broken run never looks clean."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError(
            "Java fehlt: scripts/system-packages.sh --with-browser installiert default-jre-headless."
        )
    if not VNU_JAR.is_file():
        raise RuntimeError(f"{VNU_JAR} fehlt: `make node` installiert das npm-Paket vnu-jar.")
    run = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if run.returncode not in (0, 1):  # 1: errors were found; anything else: the checker itself failed
        raise RuntimeError(f"vnu.jar endete mit {run.returncode}: {run.stderr[-2000:]}")
    messages = json.loads(run.stderr or run.stdout)["messages"]
    by_file: dict[str, list[dict]] = {path.name: [] for path in paths}
    for message in messages:
        name = Path(unquote(urlparse(message.get("url", "")).path)).name
        if name not in by_file:
            raise RuntimeError(f"vnu.jar meldete etwas ohne geprüfte Datei: {message}")
        by_file[name].append(message)
    return by_file


def describe(messages: list[dict]) -> str:
    """One line per error: where, what, and the markup around it."""
    return "\n".join(
        f"  line {m.get('lastLine', '?')}: {m.get('message')} — {m.get('extract', '').strip()!r}"
        for m in messages
    )
