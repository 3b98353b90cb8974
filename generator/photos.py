"""The photos of news articles (generator.news), with Pillow.

Validation (`inspect`): a photo must open, stay under a file size and pixel count, and carry
no GPS position (the data repository is as public as the site); `strip_gps` is what
`antq anh xoa-gps` runs. Publishing (`encode_all`): the EXIF orientation is applied, then
the image is encoded afresh at a few widths as WebP and JPEG with no metadata at all (no
EXIF, XMP, ICC profile or comment is passed to the encoder), once per photo: the encoded
files are kept in the build cache folder under the source's content hash.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import io
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError

from generator.data.messages_vi import text
from generator.filehash import file_digest
from generator.textvi import format_number

MAX_BYTES = 25 * 1024 * 1024  # a phone's JPEG is 3–8 MB; a 25 MB file is not a photo to post
MAX_PIXELS = 50_000_000  # 50 megapixels: beyond any phone camera, under Pillow's bomb limit
FORMATS = ("JPEG", "PNG", "WEBP")
WIDTHS = (360, 720, 1280)  # the phone, the phone at 2×, a desktop column
JPEG_QUALITY = 72
WEBP_QUALITY = 70
GPS_IFD = 0x8825
ORIENTATION = 0x0112
ENCODERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("webp", {"format": "WEBP", "quality": WEBP_QUALITY, "method": 4}),
    ("jpg", {"format": "JPEG", "quality": JPEG_QUALITY, "optimize": True}),
)
# What the encoded files depend on besides the source's bytes: a change here (or a Pillow
# upgrade) encodes every photo again instead of reusing the cache.
ENCODER = f"pillow-{PIL.__version__}|{WIDTHS}|{JPEG_QUALITY}|{WEBP_QUALITY}|v1"


class PhotoRefused(Exception):
    """Why a photo cannot be published: a catalogue code and its parameters."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = dict(params)


@dataclass(frozen=True)
class PhotoInfo:
    width: int  # as shown: after the EXIF orientation
    height: int
    digest: str  # sha256 of the file's bytes


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRefused("news-photo-too-big", limit=_limit(pixels=True)) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise PhotoRefused("news-photo-unreadable") from None
    if image.format not in FORMATS:
        raise PhotoRefused("news-photo-unreadable")
    if image.width * image.height > MAX_PIXELS:
        raise PhotoRefused("news-photo-too-big", limit=_limit(pixels=True))
    return image


def _limit(pixels: bool = False) -> str:
    """The limit a photo went over, as the message shows it."""
    if pixels:
        return text("photo-limit-pixels", pixels=format_number(MAX_PIXELS))
    return f"{format_number(MAX_BYTES / (1024 * 1024), 1)} MB"


def has_gps(image: Image.Image) -> bool:
    """A GPS position in the EXIF block (JPEG, PNG eXIf, WebP) or in XMP."""
    exif = image.getexif()
    if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
        return True
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "replace")
    return b"GPSLatitude" in xmp or b"GPSLongitude" in xmp


# What `inspect` decides depends on the file's bytes, these limits and this code: a result
# kept under the bytes' hash is reused until one of them changes.
INSPECT_VERSION = f"pillow-{PIL.__version__}|{FORMATS}|v1"


def inspect(path: Path, cache_dir: Path | None = None) -> PhotoInfo:
    """The photo's shown size and hash; PhotoRefused when it cannot be published. With
    `cache_dir`, the verdict is kept under the file's content hash (a 12-megapixel photo is
    decoded once, not on every validation)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PhotoRefused("news-photo-too-big", limit=_limit())
    # The bytes' hash without reading them while the file is unchanged (generator.filehash):
    # a build of 2,000 photos with nothing changed reads none.
    digest = file_digest(path)
    kept = _verdict_file(cache_dir, digest)
    if kept is not None and kept.is_file():
        try:
            verdict = json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            verdict = None
        if isinstance(verdict, dict) and "code" in verdict:
            raise PhotoRefused(verdict["code"], **verdict.get("params", {}))
        if isinstance(verdict, dict) and "width" in verdict:
            return PhotoInfo(int(verdict["width"]), int(verdict["height"]), digest)
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:  # changed since it was hashed: judge (and name) what was read
        digest, kept = actual, _verdict_file(cache_dir, actual)
    try:
        width, height = _examine(data)
    except PhotoRefused as refused:
        _keep(kept, {"code": refused.code, "params": refused.params})
        raise
    _keep(kept, {"width": width, "height": height})
    return PhotoInfo(width, height, digest)


def _verdict_file(cache_dir: Path | None, digest: str) -> Path | None:
    if cache_dir is None:
        return None
    key = hashlib.sha256(f"{INSPECT_VERSION}|{MAX_PIXELS}|{digest}".encode()).hexdigest()
    return cache_dir / key[:2] / f"{key}.json"


def _keep(path: Path | None, verdict: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(verdict), encoding="utf-8")
    os.replace(tmp, path)


def _examine(data: bytes) -> tuple[int, int]:
    """The checks themselves: readable to the last byte, no GPS; the size as shown."""
    image = _open(data)
    if has_gps(image):
        raise PhotoRefused("news-photo-gps")
    width, height = image.size
    try:
        if image.format == "JPEG":  # decoded at 1/8 scale: every byte read, 64× cheaper
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        image.load()  # a truncated file fails here, not in the middle of the build
    except (OSError, ValueError, SyntaxError):
        raise PhotoRefused("news-photo-unreadable") from None
    if image.getexif().get(ORIENTATION) in (5, 6, 7, 8):  # turned a quarter
        width, height = height, width
    return width, height


def strip_gps(path: Path) -> bool:
    """Rewrite `path` without its GPS position (and without XMP, which may repeat it);
    the rest of the EXIF block is kept. A JPEG is re-encoded with its own quantisation
    tables (quality "keep"): no visible loss. False when there was no position."""
    data = path.read_bytes()
    image = _open(data)
    if not has_gps(image):
        return False
    exif = image.getexif()
    exif.get_ifd(GPS_IFD)  # loaded so that deleting it removes the block
    if GPS_IFD in exif:
        del exif[GPS_IFD]
    options: dict[str, Any] = {"exif": exif.tobytes()}
    if image.format == "JPEG":
        options.update(quality="keep", subsampling="keep")
        if "icc_profile" in image.info:
            options["icc_profile"] = image.info["icc_profile"]
    out = io.BytesIO()
    image.save(out, format=image.format, **options)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out.getvalue())
    os.replace(tmp, path)
    return True


def sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The (width, height) of each published size: the widths below the photo's own, and
    the photo's own width when it is narrower than the largest."""
    chosen = [w for w in WIDTHS if w < width] or [width]
    if width < WIDTHS[-1] and width not in chosen:
        chosen.append(width)
    return [(w, max(1, round(height * w / width))) for w in chosen]


def _cache_file(cache_dir: Path, digest: str, width: int, ext: str) -> Path:
    key = _cache_key(digest)
    return cache_dir / key[:2] / f"{key}-{width}.{ext}"


@functools.lru_cache(maxsize=4096)
def _cache_key(digest: str) -> str:
    """The cache name of a photo's sizes (asked once per size: six times per photo)."""
    return hashlib.sha256(f"{ENCODER}|{digest}".encode()).hexdigest()[:32]


def encoded(source: Path, digest: str, width: int, ext: str, cache_dir: Path) -> bytes:
    """One published size of a photo, from the cache or encoded now (with its other sizes:
    the photo is decoded once for all of them)."""
    return encoded_file(source, digest, width, ext, cache_dir).read_bytes()


def encoded_file(source: Path, digest: str, width: int, ext: str, cache_dir: Path) -> Path:
    """The cache file holding one published size of a photo, encoded now (with its other
    sizes) when missing. A cache file is only ever replaced whole (a new file renamed over
    it), never written in place: the build hard-links it into the site."""
    path = _cache_file(cache_dir, digest, width, ext)
    if path.is_file():
        return path
    # The render workers ask for a new photo's sizes at once: the first to take the
    # photo's lock encodes them all, the others wait and read them (not encode it again).
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f"{path.name.rpartition('-')[0]}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return path
        made = encode_all(source.read_bytes())
        for (w, kind), data in made.items():
            target = _cache_file(cache_dir, digest, w, kind)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
    return path


def encode_all(data: bytes) -> dict[tuple[int, str], bytes]:
    """Every published size of a photo as WebP and JPEG: oriented, sRGB, no metadata."""
    image = _open(data)
    width, height = image.size
    oriented = image.getexif().get(ORIENTATION) in (5, 6, 7, 8)
    shown_w, shown_h = (height, width) if oriented else (width, height)
    targets = sizes(shown_w, shown_h)
    largest = max(w for w, _ in targets)
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale when that still covers the largest size: the
        # bulk of the saving on a 12-megapixel photo.
        need = (largest, round(shown_h * largest / shown_w))
        image.draft("RGB", (need[1], need[0]) if oriented else need)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    out: dict[tuple[int, str], bytes] = {}
    for w, h in sorted(targets, reverse=True):
        resized = image.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=2.0)
        for ext, options in ENCODERS:
            buffer = io.BytesIO()
            resized.save(buffer, **options)  # no exif=, icc_profile=, xmp=: nothing carried
            out[(w, ext)] = buffer.getvalue()
        image = resized  # each smaller size from the one before: cheaper, same look
    return out
