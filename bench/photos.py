"""Benchmark (not a test): the photo pipeline on a 12 MP phone JPEG against a full-decode baseline.

Run from the repository root::

    .venv/bin/python bench/photos.py [--runs 20] [--seed 1] [--no-write]

One photo-like 4000×3000 JPEG (smooth gradients, soft shapes and sensor-like noise, quality 92, 4:2:0,
with EXIF orientation 1, camera make/model and GPS, as a phone writes it) is generated once in memory. Then,
interleaved run by run so both see the same machine load, it times (1) ``kernel.cases.images.process_photo``,
which decodes JPEGs in libjpeg's draft mode straight to the smallest 1/2, 1/4 or 1/8 scale that is not below
the aspect-correct display size, and (2) a baseline making the same two outputs (EXIF transpose, RGB,
1920 px display JPEG q82 + 400 px thumbnail q75, optimised progressive, Lanczos) from a full 12 MP decode.
The target is (1) ≤ 0.5× the time of (2). Both outputs are compared (sizes, mean pixel difference) so the
speed-up is not bought with a different picture.

``kernel.cases.images`` imports only Pillow, pillow-heif and ``kernel.core.errors``, so no Django setup is needed. The
result is printed as Markdown and replaces the "Photo pipeline" section of ``docs/benchmarks.md``; numbers
are one run on one machine, a record to compare against, never a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import PIL  # noqa: E402
from PIL import ExifTags, Image, ImageChops, ImageOps, ImageStat, features  # noqa: E402

from bench.common import load, machine, write_section  # noqa: E402
from kernel.cases.images import (  # noqa: E402
    DISPLAY_EDGE,
    JPEG_QUALITY,
    THUMB_EDGE,
    THUMB_QUALITY,
    ProcessedPhoto,
    process_photo,
)

DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Photo pipeline (bench/photos.py)"
SIZE = (4000, 3000)  # 12 MP, a typical phone main camera in 4:3
SOURCE_QUALITY = 92
TARGET_RATIO = 0.5


# --- input --------------------------------------------------------------------------------------------


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = "Pixel 8"
    exif[ExifTags.Base.DateTime] = "2025:05:17 09:41:00"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 3.0, 2.5)  # Dresden, Altmarkt
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 44.0, 14.3)
    return exif


def photo_jpeg(seed: int) -> bytes:
    """Gradients, soft blobs and noise: entropy and file size close to a real 12 MP phone photo."""
    rng = np.random.default_rng(seed)
    width, height = SIZE
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = x / width, y / height
    sky = np.stack([90 + 80 * v, 140 + 60 * v, 220 - 40 * v], axis=-1)
    ground = np.stack([110 + 40 * u, 100 + 30 * np.sin(9 * u), 70 + 20 * v], axis=-1)
    horizon = (v > 0.45 + 0.05 * np.sin(7 * u))[..., None]
    pixels = np.where(horizon, ground, sky)
    for _ in range(40):  # soft shapes standing in for cars, trees and potholes
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(40, 400)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
        pixels += blob * rng.uniform(-80, 80, size=3).astype(np.float32)
    pixels += rng.normal(0, 6, size=pixels.shape).astype(np.float32)  # sensor noise
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=SOURCE_QUALITY, exif=phone_exif())
    return out.getvalue()


# --- the two contenders -------------------------------------------------------------------------------


def pipeline(data: bytes) -> ProcessedPhoto:
    return process_photo(io.BytesIO(data), "PXL_20250517_094100.jpg", size=len(data))


def _encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def baseline(data: bytes) -> ProcessedPhoto:
    """The same steps and outputs as ``kernel.cases.images``, but decoding all 12 MP (no draft)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
    rgb = upright if upright.mode == "RGB" else upright.convert("RGB")
    display = rgb.copy()
    display.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        display=_encode(display, JPEG_QUALITY),
        thumbnail=_encode(thumb, THUMB_QUALITY),
        width=display.width,
        height=display.height,
        source_format="JPEG",
    )


def decode_draft(data: bytes) -> object:
    """Decode alone, as the pipeline does it: libjpeg scales to ≥ the aspect-correct display size."""
    with Image.open(io.BytesIO(data)) as image:
        scale = min(1.0, DISPLAY_EDGE / max(image.size))
        image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
        image.load()
        return image.size


def decode_full(data: bytes) -> object:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


# --- measuring ----------------------------------------------------------------------------------------


def measure(methods: dict[str, Callable[[bytes], object]], data: bytes, runs: int) -> dict[str, list[float]]:
    """Seconds per call; methods alternate (and swap order every run) so load changes hit both alike."""
    for method in methods.values():  # warm-up: imports, allocator, page cache
        method(data)
    times: dict[str, list[float]] = {name: [] for name in methods}
    names = list(methods)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            start = time.perf_counter()
            methods[name](data)
            times[name].append(time.perf_counter() - start)
    return times


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def compare_outputs(a: ProcessedPhoto, b: ProcessedPhoto) -> str:
    parts = []
    for label, left, right in (("display", a.display, b.display), ("thumbnail", a.thumbnail, b.thumbnail)):
        one, two = Image.open(io.BytesIO(left)), Image.open(io.BytesIO(right))
        if one.size != two.size:
            return f"{label} sizes differ: {one.size} vs {two.size}"
        diff = statistics.fmean(ImageStat.Stat(ImageChops.difference(one, two)).mean)
        parts.append(f"{label} {one.width}×{one.height} in both, mean pixel difference {diff:.2f}/255")
    return "; ".join(parts)


# --- report -------------------------------------------------------------------------------------------


def markdown(args: argparse.Namespace, data: bytes, times: dict[str, list[float]], outputs: str) -> str:
    ms = {name: [t * 1000 for t in values] for name, values in times.items()}
    (fast, slow) = (statistics.median(ms[name]) for name in ("pipeline", "baseline"))
    ratio = fast / slow
    met = "**met**" if ratio <= TARGET_RATIO else "**not met**"
    rows = {
        "pipeline": "(1) `process_photo` (draft decode)",
        "baseline": "(2) baseline, full 12 MP decode",
        "decode_draft": "in (1): JPEG decode alone, draft mode (2000×1500)",
        "decode_full": "in (2): JPEG decode alone, full (4000×3000)",
    }
    table = [
        f"| {rows[n]} | {statistics.median(v):.1f} | {p90(v):.1f} | {min(v):.1f} |" for n, v in ms.items()
    ]
    lines = [
        f"Command: `{args.command}` — {args.started:%Y-%m-%d %H:%M %Z}.",
        "",
        f"- Machine: {machine()}; load average at start "
        f"{args.load_start}, at end {load()} (other jobs were running: read the ratio, not the milliseconds).",
        f"- Python {platform.python_version()}, Pillow {PIL.__version__} "
        f"(libjpeg-turbo {features.version('libjpeg_turbo') or 'no'}), NumPy {np.__version__}.",
        f"- Input: one generated {SIZE[0]}×{SIZE[1]} JPEG (12 MP), quality {SOURCE_QUALITY}, 4:2:0, "
        f"{len(data) / 1024**2:.2f} MiB, EXIF orientation 1 with camera and GPS tags.",
        f"- Outputs: {DISPLAY_EDGE} px display (q{JPEG_QUALITY}) and {THUMB_EDGE} px thumbnail "
        f"(q{THUMB_QUALITY}), optimised progressive JPEG; {outputs}.",
        f"- {args.runs} timed runs per method after one warm-up, interleaved; single process, one thread.",
        "",
        "| method | median ms | p90 ms | min ms |",
        "|---|---:|---:|---:|",
        *table,
        "",
        f"Ratio (1)/(2) of the medians: **{ratio:.2f}×** — target ≤ {TARGET_RATIO}× {met}.",
        "",
    ]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per method (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated photo")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    args.command = shlex.join([os.path.relpath(sys.executable, ROOT), "bench/photos.py", *sys.argv[1:]])
    args.started = dt.datetime.now().astimezone()
    args.load_start = load()
    return args


def main() -> None:
    args = parse_args()
    print("generating the 12 MP photo …", file=sys.stderr)
    data = photo_jpeg(args.seed)
    methods = {
        "pipeline": pipeline,
        "baseline": baseline,
        "decode_draft": decode_draft,
        "decode_full": decode_full,
    }
    outputs = compare_outputs(pipeline(data), baseline(data))
    print(f"timing {args.runs} runs each …", file=sys.stderr)
    times = measure(methods, data, args.runs)
    section = markdown(args, data, times, outputs)
    print(f"{SECTION}\n\n{section}")
    if not args.no_write:
        write_section(SECTION, section)
        print(f"written to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
