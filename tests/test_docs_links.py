"""Every relative link and image in README.md and docs/*.md points to a file that exists, and every
``#anchor`` to a heading of the target page (GitHub's heading ids), so moving a page or renaming a heading
cannot leave readers at a dead end."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def slug(heading: str) -> str:
    """GitHub's id of a heading: lower case, punctuation dropped (letters, digits, ``-``, ``_`` kept),
    spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, re.M)}


def links(page: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8")))


def broken(pages: list[Path], root: Path = ROOT) -> list[str]:
    problems = []
    for page in pages:
        for target in links(page):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            path_part, _, anchor = target.partition("#")
            path = (page.parent / path_part).resolve() if path_part else page
            where = f"{page.relative_to(root)} → {target}"
            if not path.exists():
                problems.append(f"{where}: no such file")
                continue
            if anchor and path.suffix == ".md" and anchor not in anchors(path):
                problems.append(f"{where}: no such heading")
    return problems


def test_every_link_in_readme_and_docs_resolves():
    assert broken(PAGES) == []


def test_a_dead_link_and_a_dead_anchor_are_found(tmp_path):
    """Negative control: the checker reports a missing file and a missing heading."""
    (tmp_path / "other.md").write_text("# Other page\n\n## A section\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#a-section) [gone](missing.md) [bad](other.md#no-section)\n"
        "```\n[inside a code block](ignored.md)\n```\n",
        encoding="utf-8",
    )
    problems = broken([page], root=tmp_path)
    assert problems == [
        "page.md → missing.md: no such file",
        "page.md → other.md#no-section: no such heading",
    ]


def test_slug_follows_github():
    assert (
        slug("Parking card check (`/api/v1/parking-permits/`)") == "parking-card-check-apiv1parking-permits"
    )
    assert slug("Offene Daten: Downloads und DCAT-AP.de") == "offene-daten-downloads-und-dcat-apde"
