"""Generated photos (Pillow, no real person or place): the drawn illustrations of the sample
news articles and the fixture, and 12-megapixel camera-like JPEGs (noise, EXIF, optionally a
GPS position) for bench/news_bench.py and the tests.

    .venv/bin/python bench/_photos.py illustration OUT.jpg SEED [WIDTH HEIGHT]
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

GPS_IFD = 0x8825


def illustration(seed: int, width: int = 1600, height: int = 1000) -> Image.Image:
    """A flat drawing: sky, ground, simple houses and a flag pole. Nothing real in it."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (150 + rng.randrange(60), 200, 235))
    draw = ImageDraw.Draw(image)
    horizon = int(height * (0.55 + rng.random() * 0.1))
    draw.rectangle((0, horizon, width, height), fill=(90, 150 + rng.randrange(40), 80))
    for _ in range(3 + rng.randrange(4)):
        x = rng.randrange(width - 200)
        w = 120 + rng.randrange(160)
        h = 80 + rng.randrange(120)
        colour = (200 + rng.randrange(55), 180 + rng.randrange(60), 140 + rng.randrange(80))
        draw.rectangle((x, horizon - h, x + w, horizon), fill=colour)
        draw.polygon(
            [(x - 10, horizon - h), (x + w // 2, horizon - h - 60), (x + w + 10, horizon - h)],
            fill=(170, 60, 40),
        )
    pole = rng.randrange(width // 4, 3 * width // 4)
    draw.rectangle((pole, horizon - 300, pole + 8, horizon), fill=(80, 80, 80))
    draw.rectangle((pole + 8, horizon - 300, pole + 128, horizon - 220), fill=(218, 37, 29))
    draw.regular_polygon((pole + 68, horizon - 260, 22), 5, fill=(255, 221, 0))
    return image


def jpeg(image: Image.Image, quality: int = 88, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes() if exif else b"")
    return out.getvalue()


def camera_exif(*, gps: bool, orientation: int = 1) -> Image.Exif:
    """An EXIF block like a phone's: make, model, date, orientation, and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "AntqCam"  # Make
    exif[0x0110] = "Bench 12MP"  # Model
    exif[0x0132] = "2025:08:19 08:30:00"  # DateTime
    exif[0x0112] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 2.0)}
    return exif


def camera_photo(seed: int, width: int = 4000, height: int = 3000) -> Image.Image:
    """A 12-megapixel-like frame with detail at every scale, so that it compresses like a
    photo at each published width rather than like flat colours: the drawing, thousands of
    small shapes ("foliage", "crowd"), then sensor-like noise."""
    rng = random.Random(seed)
    small = illustration(seed, width // 4, height // 4)
    draw = ImageDraw.Draw(small)
    for _ in range(6000):
        x, y = rng.randrange(width // 4), rng.randrange(height // 4)
        r = rng.randrange(2, 14)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + r, y + r // 2 + 1), fill=colour)  # type: ignore[arg-type]
    base = small.resize((width, height), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((width, height), 40 + seed % 5).convert("RGB")
    return Image.blend(base, noise, 0.12)


def main(argv: list[str]) -> None:
    if len(argv) >= 3 and argv[0] == "illustration":
        size = (int(argv[3]), int(argv[4])) if len(argv) >= 5 else (1600, 1000)
        Path(argv[1]).write_bytes(jpeg(illustration(int(argv[2]), *size), quality=85))
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
