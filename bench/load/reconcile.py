"""After a run: compare what the client was told with what the database and MEDIA_ROOT hold.

Rules (the same for the load and the fault runs):

* every report POST answered **201** must exist **exactly once** (by its marker), with the public id the
  response named, exactly one photo row, and both photo files on disk;
* a POST answered with **any other status** (400, 429, 500, 503 …) must have left **no** report;
* a POST that got **no answer** (client timeout or a connection broken by a killed worker) has an unknown
  outcome: the server may have committed before the connection died. Such markers are counted apart, with
  how many of them exist — neither "lost" nor "duplicated", but reported;
* the same for staff PATCHes via the marker in ``internal_note``: a 200 is exactly one status-history
  row, a 409 (or any other answer) none;
* every file under the run's own MEDIA_ROOT belongs to a photo row of this run (no orphans), and no photo
  row points at a missing file.

Needs ``django.setup()`` (``bench.common.setup_django``) and runs outside the event loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.load.workload import Result


@dataclass
class Reconciliation:
    acknowledged: int = 0  # POST 201
    stored_once: int = 0
    lost: list[str] = field(default_factory=list)  # 201 but no row
    duplicated: list[str] = field(default_factory=list)  # more than one row for a marker
    wrong_id: list[str] = field(default_factory=list)  # row's public id differs from the response
    refused: int = 0  # answered with another status
    refused_but_stored: list[str] = field(default_factory=list)
    unanswered: int = 0
    unanswered_stored: int = 0
    unknown_rows: list[str] = field(default_factory=list)  # rows whose marker the client never sent
    photo_rows_wrong: list[str] = field(default_factory=list)
    files: int = 0
    orphan_files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    patches_ok: int = 0
    patches_recorded_once: int = 0
    patch_problems: list[str] = field(default_factory=list)
    patches_unanswered: int = 0
    patches_unanswered_recorded: int = 0

    @property
    def clean(self) -> bool:
        return not (
            self.lost
            or self.duplicated
            or self.wrong_id
            or self.refused_but_stored
            or self.unknown_rows
            or self.photo_rows_wrong
            or self.orphan_files
            or self.missing_files
            or self.patch_problems
        )

    def markdown(self) -> str:
        def few(items: list[str]) -> str:
            return f" ({', '.join(items[:5])}{' …' if len(items) > 5 else ''})" if items else ""

        lines = [
            f"- Report POSTs answered 201: **{self.acknowledged:,}**; in the database exactly once with the "
            f"answered id, one photo row and both files: **{self.stored_once:,}**; lost: "
            f"**{len(self.lost)}**{few(self.lost)}; duplicated: **{len(self.duplicated)}**"
            f"{few(self.duplicated)}; id mismatch: {len(self.wrong_id)}{few(self.wrong_id)}; photo "
            f"rows/files wrong: {len(self.photo_rows_wrong)}{few(self.photo_rows_wrong)}.",
            f"- POSTs answered with an error status: {self.refused:,}; of these stored anyway: "
            f"**{len(self.refused_but_stored)}**{few(self.refused_but_stored)}.",
            f"- POSTs without an answer (client timeout or connection broken): {self.unanswered}; of these "
            f"stored (committed before the connection died): {self.unanswered_stored}.",
            f"- Reports with a marker the client never sent: {len(self.unknown_rows)}.",
            f"- MEDIA_ROOT of the run: {self.files:,} files; orphans (no photo row): "
            f"**{len(self.orphan_files)}**{few(self.orphan_files)}; photo rows with a missing file: "
            f"{len(self.missing_files)}.",
        ]
        if not (self.patches_ok or self.patch_problems or self.patches_unanswered):
            return "\n".join(lines)
        lines += [
            f"- Staff PATCHes answered 200: {self.patches_ok:,}, each with exactly one history row: "
            f"{self.patches_recorded_once:,}; problems (409/error answers that left a row, or 200 without "
            f"exactly one): **{len(self.patch_problems)}**{few(self.patch_problems)}; unanswered: "
            f"{self.patches_unanswered} (recorded anyway: {self.patches_unanswered_recorded}).",
        ]
        return "\n".join(lines)


# A proxy's 502/504 means the app node died or stalled mid-request: the outcome is as unknown as a broken
# connection (bench/load/cluster_test.py kills a node behind nginx), so those count as unanswered.
GATEWAY_ERRORS = (502, 504)


def reconcile(
    results: list[Result], run_id: str, media_root: Path, stored: set[str] | None = None
) -> Reconciliation:
    """``stored``: the names in an object store (bench/load/cluster_test.py) instead of ``media_root``."""
    from domains.reports.models import Report, ReportPhoto, StatusChange

    rec = Reconciliation()
    prefix = f"load-{run_id}-"
    rows: dict[str, list[tuple[int, str]]] = {}
    for pk, description, public_id in Report.objects.filter(description__startswith=prefix).values_list(
        "pk", "description", "public_id"
    ):
        rows.setdefault(description, []).append((pk, public_id))
    photos = Counter(
        ReportPhoto.objects.filter(report__description__startswith=prefix).values_list("report_id", flat=True)
    )
    sent = set()
    for r in (r for r in results if r.endpoint == "report_post"):
        sent.add(r.marker)
        _check_post(rec, r, rows.get(r.marker, []), photos)
    rec.unknown_rows = sorted(set(rows) - sent)
    _check_files(rec, prefix, media_root, ReportPhoto, stored)
    _check_patches(rec, results, prefix, StatusChange)
    return rec


def _check_post(rec: Reconciliation, r: Result, found: list[tuple[int, str]], photos: Counter) -> None:
    if r.status == 201:
        rec.acknowledged += 1
        if not found:
            rec.lost.append(r.marker)
        elif len(found) > 1:
            rec.duplicated.append(r.marker)
        elif found[0][1] != r.public_id:
            rec.wrong_id.append(r.marker)
        elif photos[found[0][0]] != 1:
            rec.photo_rows_wrong.append(r.marker)
        else:
            rec.stored_once += 1
    elif r.status and r.status not in GATEWAY_ERRORS:
        rec.refused += 1
        if found:
            rec.refused_but_stored.append(f"{r.marker}→{r.status}")
    else:
        rec.unanswered += 1
        rec.unanswered_stored += bool(found)
        if len(found) > 1:
            rec.duplicated.append(r.marker)


def _check_files(rec: Reconciliation, prefix: str, media_root: Path, photo_model, stored=None) -> None:
    referenced = set()
    for image, thumb in photo_model.objects.filter(report__description__startswith=prefix).values_list(
        "image", "thumbnail"
    ):
        referenced.update((image, thumb))
    if stored is not None:
        on_disk = set(stored)
    else:
        on_disk = {str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()}
    rec.files = len(on_disk)
    rec.orphan_files = sorted(on_disk - referenced)
    rec.missing_files = sorted(referenced - on_disk)


def _check_patches(rec: Reconciliation, results: list[Result], prefix: str, change_model) -> None:
    recorded = Counter(
        change_model.objects.filter(internal_note__startswith=prefix).values_list("internal_note", flat=True)
    )
    for r in (r for r in results if r.endpoint == "staff_patch"):
        n = recorded.get(r.marker, 0)
        if r.status == 200:
            rec.patches_ok += 1
            if n == 1:
                rec.patches_recorded_once += 1
            else:
                rec.patch_problems.append(f"{r.marker}:200×{n}")
        elif r.status:
            if n:
                rec.patch_problems.append(f"{r.marker}:{r.status}×{n}")
        else:
            rec.patches_unanswered += 1
            rec.patches_unanswered_recorded += bool(n)
