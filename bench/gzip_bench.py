"""Issue 18: the open data's province files, compressed by zlib and by libdeflate.

    .venv/bin/python bench/gzip_bench.py --site PUBLIC [--runs 3]

PUBLIC is a built site (the national synthetic package's: `bench/build_bench.py` leaves
none, so build one with `antq build`). Its province files (`du-lieu/<table>/<code>.csv.gz`)
are read back, and their CSV is compressed again at `opendata.GZIP_LEVEL` by each compressor,
one after another in this process: the CPU seconds (median of --runs) and the bytes of all of
them. Every result is checked to decompress to its CSV.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from generator.pages.opendata import GZIP_LEVEL, gzip_bytes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.site.glob("du-lieu/*/*.csv.gz"))
    if not files:
        raise SystemExit(f"no province file under {args.site}/du-lieu/")
    texts = [gzip.decompress(path.read_bytes()) for path in files]
    compressors: dict[str, Callable[[bytes], bytes]] = {
        "zlib": lambda data: gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0),
        "libdeflate": gzip_bytes,
    }
    print(f"{len(files)} province files, {sum(map(len, texts)) / 1e6:.1f} MB of CSV")
    sizes: dict[str, int] = {}
    for name, compress in compressors.items():
        seconds = []
        for _ in range(args.runs):
            start = time.process_time()
            made = [compress(text) for text in texts]
            seconds.append(time.process_time() - start)
        assert all(zlib.decompress(m, 31) == t for m, t in zip(made, texts, strict=True))
        sizes[name] = sum(map(len, made))
        median = sorted(seconds)[len(seconds) // 2]
        print(f"{name:<11} level {GZIP_LEVEL}: {median:.3f} CPU s, {sizes[name] / 1e6:.3f} MB")
    print(f"libdeflate/zlib bytes: {sizes['libdeflate'] / sizes['zlib']:.3f}")


if __name__ == "__main__":
    main()
