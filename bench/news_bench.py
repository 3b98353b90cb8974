"""Issue 21 figures: news articles and their photos, with 12-megapixel camera-like JPEGs
(4000×3000, detail at every scale, sensor-like noise, a phone's EXIF block; bench/_photos.py).

    .venv/bin/python bench/news_bench.py [--photos 5] [--articles 1000] [--runs 3] [--keep DIR]
        [--corpus /tmp/antq-news-corpus] [--only cold|same|new] [--peer DIR]

--peer DIR: another source tree of antq (e.g. main's, `git archive main | tar -x -C DIR`),
measured in the same go for the cold and new-article figures, its builds alternating with
this tree's (same data, its own caches and output folders): on a shared machine only such
pairs compare.

1. Encoding: CPU seconds per photo for every published size (WebP + JPEG at 360, 720 and
   1280 px, decoded once), median over --photos photos; the same for AVIF at the three
   widths (what enabling it would add; antq publishes AVIF only if the whole stays ≤ 1 s).
2. One article (the good fixture package + one article with one 12-MP photo), built: the
   article page's gzip size without its photos (≤ 40 KB), the first photo's bytes at 360 px
   (WebP and JPEG; ≤ 80 KB).
3. Scale: the fixture package + --articles articles with two 12-MP photos each (distinct
   files: each a base photo with its own JPEG comment, so each has its own content hash),
   against the same package without the articles, SOURCE_DATE_EPOCH fixed:
   - cold build with the photo caches present (encoded sizes and checks, warmed first and
     not timed; the build and validation caches empty, a fresh output folder) in a fresh
     checkout: both packages are git working trees (every file in the index, as a clone
     leaves it) and the store of input hashes keeps no file's `stat` key (a checkout gives
     new times and inodes), only what it learnt of blob ids (generator.filehash): the extra
     over the baseline's cold build (≤ 30 s); and the same with git hidden (GIT_DIR
     pointing nowhere: every photo read and hashed again, the state before git's index
     was used);
   - no-change rebuild: the extra over the baseline's (≤ 1 s);
   - one new article with one new photo (encoded during the build): incremental (≤ 5 s).
   Medians of --runs runs. The articles and their photos (about 8 GB for 1,000) and the
   photo caches are made once under --corpus and reused by later runs (hard-linked into
   the work folder, which is deleted afterwards unless --keep names one).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import run  # noqa: E402
from _photos import camera_exif, camera_photo, jpeg  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from generator import photos  # noqa: E402
from generator.news import PHOTO_CHECKS  # noqa: E402

PY = sys.executable
SOURCE_DATE_EPOCH = "1763683200"
FIXTURE = ROOT / "tests" / "fixtures" / "good"
UNITS = ["11113", "11140", "11146", "02212", "02494", "18436", "31", "08", "42"]
AUTHORS = {"11113": "31", "11140": "31", "11146": "31", "02212": "08", "02494": "08"}
KINDS = ["tin-hoat-dong", "guong-dien-hinh", "thong-bao"]
BASES = 8  # distinct 12-MP frames; every photo file is one of them with its own comment


def camera_jpeg(seed: int) -> bytes:
    return jpeg(camera_photo(seed), quality=90, exif=camera_exif(gps=False))


def with_comment(data: bytes, text: str) -> bytes:
    """The same JPEG with a COM segment after SOI: same pixels, other bytes."""
    payload = text.encode()
    return data[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def cpu(fn: object, *args: object) -> float:
    start = time.process_time()
    fn(*args)  # type: ignore[operator]
    return time.process_time() - start


def avif_all(data: bytes) -> None:
    from PIL import ImageOps

    image = ImageOps.exif_transpose(photos._open(data))
    for width in photos.WIDTHS:
        resized = image.resize((width, round(image.height * width / image.width)))
        resized.save(os.devnull, "AVIF", quality=55)


def encoding_figures(count: int) -> tuple[list[bytes], float]:
    frames = [camera_jpeg(seed) for seed in range(count)]
    webp_jpeg = [cpu(photos.encode_all, data) for data in frames]
    made = photos.encode_all(frames[0])
    print(f"source photo: {len(frames[0]) / 1e6:.2f} MB, 4000×3000")
    print(f"encode WebP+JPEG at {photos.WIDTHS}: median {statistics.median(webp_jpeg):.2f} s CPU")
    try:
        avif = [cpu(avif_all, data) for data in frames[:2]]
        extra = statistics.median(avif)
        total = statistics.median(webp_jpeg) + extra
        verdict = "within" if total <= 1.0 else "over"
        print(f"AVIF at the three widths would add {extra:.2f} s CPU: {total:.2f} s, {verdict} 1 s")
    except (KeyError, OSError) as exc:  # Pillow built without AVIF
        print(f"AVIF not measured: {exc}")
    print(
        f"bytes at 360 px (in-memory encode): WebP {len(made[(360, 'webp')]):,}, "
        f"JPEG {len(made[(360, 'jpg')]):,}"
    )
    return frames, statistics.median(webp_jpeg)


def article(folder: Path, n: int, files: list[tuple[str, bytes]], day: int) -> None:
    unit = UNITS[n % len(UNITS)]
    author = AUTHORS.get(unit, unit)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "---",
        f'title: "Tin số {n}: hoạt động phong trào ở cơ sở"',
        f"date: 2025-{1 + day // 28:02d}-{1 + day % 28:02d}",
        f'summary: "Bài thử số {n} cho phép đo: một đoạn tóm tắt ngắn như bài thật."',
        f"kind: {KINDS[n % 3]}",
        f'units: ["{unit}"]',
        f'author_unit: "{author}"',
        "sample: true",
        "photos:",
    ]
    for name, data in files:
        (folder / name).write_bytes(data)
        lines += [
            f"  - file: {name}",
            '    alt: "Ảnh đo thử: hình vẽ có nhiễu như ảnh máy ảnh"',
            '    credit: "antq bench"',
            "    generated: true",
        ]
    body = "\n\n".join(
        f"Đoạn {i}: nội dung bài viết thử để đo kích thước và thời gian dựng trang." * 3
        for i in range(6)
    )
    (folder / "index.md").write_text("\n".join([*lines, "---", "", body, ""]), encoding="utf-8")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(
    data: Path, out: Path, cache: Path, *, git: bool = True, root: Path = ROOT
) -> tuple[float, float]:
    """One `antq build` by the source tree `root`: (wall seconds, CPU seconds of the build's
    processes). On a shared machine the CPU time is the steadier figure. `git=False`: git
    finds no repository."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "ANTQ_CACHE_DIR": str(cache)}
    if not git:
        env["GIT_DIR"] = str(out.parent / "no-such-repository")
    cmd = [PY, "-m", "generator", "build", "--data", str(data), "--out", str(out)]
    before = children_cpu()
    wall, _, code = run([*cmd, "--site", str(root / "site")], cwd=root, env=env)
    if code != 0:
        raise SystemExit(f"build failed: {' '.join(cmd)}")
    return wall, children_cpu() - before


def medians(timings: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(t[0] for t in timings),
        statistics.median(t[1] for t in timings),
    )


def compare(
    what: str, with_news: list[tuple[float, float]], plain: list[tuple[float, float]], target: str
) -> None:
    (wall, cpu_s), (wall0, cpu0) = medians(with_news), medians(plain)
    print(
        f"{what}: {wall:.2f} s wall / {cpu_s:.2f} s CPU, without news {wall0:.2f} s / "
        f"{cpu0:.2f} s: +{wall - wall0:.2f} s wall, +{cpu_s - cpu0:.2f} s CPU ({target})"
    )


def one_article_figures(work: Path, frame: bytes) -> None:
    data = work / "one" / "data"
    shutil.copytree(FIXTURE, data)
    shutil.rmtree(data / "news")
    article(data / "news/2025/mot-bai", 0, [("anh-1.jpg", frame)], 10)
    out = work / "one" / "public"
    build(data, out, work / "one" / "cache")
    page = (out / "tin-tuc/2025/mot-bai/index.html").read_bytes()
    print(f"article page: {len(page):,} B, gzip {len(gzip.compress(page, 9)):,} B (≤ 40 KB)")
    webp = (out / "tin-tuc/2025/mot-bai/anh-1-360.webp").stat().st_size
    jpg = (out / "tin-tuc/2025/mot-bai/anh-1-360.jpg").stat().st_size
    print(f"first photo at 360 px as published: WebP {webp:,} B, JPEG {jpg:,} B (≤ 80 KB)")


def warm_photo_cache(cache: Path, bases: list[bytes], variants: list[tuple[int, bytes]]) -> None:
    """The encoded sizes of every photo file, in the build's photo cache (as a previous
    build leaves them): each base encoded once, its files copied under each variant's hash."""
    encoded = [photos.encode_all(data) for data in bases]
    folder = cache / "photos"
    for base, data in variants:
        digest = hashlib.sha256(data).hexdigest()
        for (width, ext), payload in encoded[base].items():
            target = photos._cache_file(folder, digest, width, ext)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)


def corpus(root: Path, frames: list[bytes], articles: int) -> Path:
    """The --articles articles with their photos (about 6.5 GB for 1,000) and the photo
    caches a build leaves (encoded sizes, checks), made once under `root` and reused by
    later runs of the bench (`--corpus`): generating and checking them takes minutes."""
    folder = root / f"news-{articles}-{len(frames)}"
    if (folder / "done").is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    bases = [frames[i % len(frames)] for i in range(BASES)]
    variants: list[tuple[int, bytes]] = []
    for n in range(articles):
        files = []
        for k in (0, 1):
            base = (2 * n + k) % BASES
            data = with_comment(bases[base], f"antq bench {n}-{k}")
            variants.append((base, data))
            files.append((f"anh-{k + 1}.jpg", data))
        article(folder / f"news/2025/bai-{n:04d}", n, files, n % 300)
    warm_photo_cache(folder / "cache", bases, variants)
    (folder / "done").write_text("")
    return folder


def linked_copy(source: Path, target: Path) -> None:
    """`source`'s tree at `target`, every file a hard link (the photos are never edited)."""
    shutil.copytree(source, target, copy_function=os.link)


@dataclass(frozen=True)
class Side:
    """A source tree measured, with its own build caches and output folders."""

    label: str
    root: Path
    cache: Path

    def out(self, work: Path, tag: str) -> Path:
        return work / "scale" / f"out-{self.label}-{tag}"


def scale_figures(
    work: Path,
    frames: list[bytes],
    articles: int,
    runs: int,
    root: Path,
    only: str | None,
    peer: Path | None,
) -> None:
    plain = work / "scale" / "plain"
    news = work / "scale" / "data"
    shutil.copytree(FIXTURE, plain)
    shutil.rmtree(plain / "news")
    shutil.copytree(plain, news)
    made = corpus(root, frames, articles)
    linked_copy(made / "news", news / "news")
    size = sum(p.stat().st_size for p in (news / "news").rglob("*.jpg"))
    print(f"scale package: {articles:,} articles, {2 * articles:,} photos, {size / 1e9:.1f} GB")
    cache = work / "scale" / "cache"
    linked_copy(made / "cache", cache)
    env = {**os.environ, "ANTQ_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    before = children_cpu()
    checks, _, _ = run([PY, "-m", "generator", "validate", str(news)], cwd=ROOT, env=env)
    print(
        f"first validation (fills the photo checks, not timed below): {checks:.1f} s wall, "
        f"{children_cpu() - before:.1f} s CPU"
    )
    if not (made / "cache" / PHOTO_CHECKS).is_dir():  # kept for the next run of the bench
        shutil.copytree(cache / PHOTO_CHECKS, made / "cache" / PHOTO_CHECKS)
    sides = [Side("news", ROOT, cache)]
    if peer is not None:
        linked_copy(made / "cache", work / "scale" / "cache-peer")
        sides.append(Side("peer", peer.resolve(), work / "scale" / "cache-peer"))

    if only in (None, "cold"):
        cold_figures(work, plain, news, sides, runs)
    if only in (None, "same", "new"):
        for side in sides:  # the build caches (not timed)
            build(plain, side.out(work, "plain-0"), side.cache, root=side.root)
            build(news, side.out(work, "0"), side.cache, root=side.root)
    if only in (None, "same"):
        same_plain = [build(plain, work / "scale" / "out-news-plain-0", cache) for _ in range(runs)]
        same_news = [build(news, work / "scale" / "out-news-0", cache) for _ in range(runs)]
        compare("no-change rebuild", same_news, same_plain, "≤ 1 s extra")
    if only in (None, "new"):
        new_article_figures(work, news, sides, runs)


def git_index(data: Path) -> None:
    """`data` as a fresh clone leaves it: a git working tree whose index holds every file
    with its blob id and `stat` (the blobs are not written: --info-only; not timed)."""
    subprocess.run(["git", "init", "-q", str(data)], check=True)
    names = subprocess.run(
        ["git", "-C", str(data), "ls-files", "-o", "-z"], check=True, capture_output=True
    ).stdout
    subprocess.run(
        ["git", "-C", str(data), "update-index", "--add", "--info-only", "-z", "--stdin"],
        input=names,
        check=True,
    )


def forget_stat_keys(cache: Path, learnt: bytes | None = None) -> None:
    """The store of input hashes as a fresh checkout finds it: no file's `stat` key
    matches (new times, inodes), what it learnt of blob ids is kept. `learnt`: the store as
    the learning builds left it, put back first: the plain and news builds share a cache,
    and a build keeps only the blob ids of the files it saw (the plain build's store holds
    no photo's), so without it every cold news build would hash the 2,000 photos again."""
    store = cache / "file-hashes.json"
    if learnt is not None:
        store.write_bytes(learnt)
    if store.is_file():
        data = json.loads(store.read_text(encoding="utf-8"))
        data["files"] = {}
        store.write_text(json.dumps(data), encoding="utf-8")


def cold_figures(work: Path, plain: Path, news: Path, sides: list[Side], runs: int) -> None:
    for side in sides:
        for data in (plain, news):
            if not (data / ".git").is_dir():
                git_index(data)
            # Every file read through git's index: the store learns each content's blob id
            # (the first validation, before `git_index`, left `stat` keys but no blob id, and
            # a file whose `stat` key holds is not read).
            forget_stat_keys(side.cache)
            build(data, side.out(work, "learn"), side.cache, root=side.root)  # learns blob ids
    # The news package holds the plain one's files: its build learnt every blob id.
    learnt = {side.label: (side.cache / "file-hashes.json").read_bytes() for side in sides}

    def cold(side: Side, data: Path, tag: str, git: bool = True) -> tuple[float, float]:
        for name in ("build", "validate"):
            shutil.rmtree(side.cache / name, ignore_errors=True)
        forget_stat_keys(side.cache, learnt[side.label])
        out = side.out(work, tag)
        shutil.rmtree(out, ignore_errors=True)
        return build(data, out, side.cache, git=git, root=side.root)

    timings: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for i in range(runs):  # the sides alternate: each pair meets the same load
        for side in sides:
            got = timings.setdefault(side.label, {"plain": [], "news": []})
            got["plain"].append(cold(side, plain, f"cold-plain-{i}"))
            got["news"].append(cold(side, news, f"cold-news-{i}"))
    for side in sides:
        got = timings[side.label]
        compare(
            f"[{side.label}: {side.root}] cold build with photo caches, fresh checkout",
            got["news"],
            got["plain"],
            "≤ 30 s",
        )
    if len(sides) == 1:
        before = [cold(sides[0], news, f"nogit-{i}", git=False) for i in range(runs)]
        compare(
            "the same, git hidden (photos hashed again)", before, timings["news"]["plain"], "before"
        )


def new_article_figures(work: Path, news: Path, sides: list[Side], runs: int) -> None:
    timings: dict[str, list[tuple[float, float]]] = {side.label: [] for side in sides}
    for i in range(runs):  # the sides alternate: each pair meets the same load
        for side in sides:
            folder = news / f"news/2025/moi-{i}"  # the same article for every side
            article(folder, 10_000 + i, [("anh-1.jpg", camera_jpeg(100 + i))], 299)
            out = side.out(work, "0")
            timings[side.label].append(build(news, out, side.cache, root=side.root))
            shutil.rmtree(folder)
            build(news, out, side.cache, root=side.root)  # back to the old site, not timed
    for side in sides:
        wall, cpu_s = medians(timings[side.label])
        every = ", ".join(f"{c:.2f}" for _, c in timings[side.label])
        print(
            f"[{side.label}: {side.root}] one new article with one new photo: {wall:.1f} s wall"
            f" / {cpu_s:.2f} s CPU (runs: {every} s CPU) (≤ 5 s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", choices=("cold", "same", "new"), default=None)
    parser.add_argument("--peer", type=Path, default=None, help="another antq source tree")
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "antq-news-corpus"
    )
    args = parser.parse_args()
    if args.only is None:
        frames, _ = encoding_figures(args.photos)
    else:  # the same frames (the corpus is named by their count), not measured
        frames = [camera_jpeg(seed) for seed in range(args.photos)]
    work = args.keep or Path(tempfile.mkdtemp(prefix="antq-news-bench-"))
    try:
        if args.only is None:
            one_article_figures(work, frames[0])
        scale_figures(work, frames, args.articles, args.runs, args.corpus, args.only, args.peer)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
