"""Issue 18: what converting and checking one lesson costs, this tree against a peer's.

    .venv/bin/python bench/markdown_bench.py [--lessons 500] [--runs 3] [--peer /path/to/main]

The lessons are the peers corpus (bench/_corpus.py, the pages of bench/peers_bench.py) with
the fixture package's legal documents. Each run is a fresh process per tree (this one, then
the peer, alternating) that imports that tree's `generator` and times, in CPU time:

- check: `generator.lessons.load_lessons` of the library (each file's encoding, front
  matter, schema, legal links, the Vietnamese text checks, and the conversion with
  placeholder URLs that names what the filters drop), no cache, one process;
- convert: `LessonRenderer.body` and `.quiz` of each lesson with its real URLs (what the
  render stage does for a lesson the validation did not convert).

Prints the median ms a lesson of each, and whether every tree gave the same bytes (a
SHA-256 of each lesson's HTML, table of contents, quiz and dropped parts). In this tree it
also converts with generator.markdown_skips turned off, in the same process, and compares.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def worker(root: Path, lessons: int, seed: int, compare_off: bool) -> dict[str, object]:
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _corpus import corpus
    from peers_bench import FIXTURE, legal_ids

    from generator import lessons as lm

    assert Path(lm.__file__).resolve().is_relative_to(root), lm.__file__
    ids = legal_ids()
    docs = corpus(lessons, seed, ids)
    data = Path(tempfile.mkdtemp(prefix="markdown-bench-"))
    (data / "schemas").mkdir()
    shutil.copy(FIXTURE / lm.SCHEMA_FILE, data / lm.SCHEMA_FILE)
    folder = data / lm.LESSONS_DIR
    folder.mkdir()
    for doc in docs:
        (folder / f"{doc.slug}.md").write_text(doc.antq(), encoding="utf-8")
    legal = set(ids)
    files = sorted(folder.glob("*.md"))
    schema = lm.load_schema(data)
    lm._load_one(files[0], schema, legal)  # warm: imports, the renderer

    digest = hashlib.sha256()
    start = time.process_time()
    loaded, problems = lm.load_lessons(data, legal, cache=False, jobs=1)
    check = time.process_time() - start
    assert len(loaded) == len(files) and not problems, problems
    for lesson in loaded:
        template = lm.take_converted(lesson.body, lesson.quiz_source)
        digest.update(repr(template).encode())
    urls = {i: f"/van-ban/{lm.slugify(i)}/" for i in ids}

    def convert_all() -> tuple[float, list[str]]:
        renderer = lm.LessonRenderer(urls)
        renderer.body(loaded[0])
        out = []
        begin = time.process_time()
        for lesson in loaded:
            body, toc = renderer.body(lesson)
            quiz = renderer.quiz(lesson)
            out.append(repr((body, toc, quiz)))
        return time.process_time() - begin, out

    convert, html = convert_all()
    for text in html:
        digest.update(hashlib.sha256(text.encode()).digest())
    result: dict[str, object] = {
        "check_ms": check / len(files) * 1000,
        "convert_ms": convert / len(files) * 1000,
        "digest": digest.hexdigest(),
    }
    if compare_off:
        from generator import markdown_skips

        markdown_skips.ENABLED = False
        off, plain = convert_all()
        markdown_skips.ENABLED = True
        result["convert_off_ms"] = off / len(files) * 1000
        result["same_as_off"] = sum(a == b for a, b in zip(html, plain, strict=True))
    shutil.rmtree(data)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--peer", type=Path, help="another antq tree, e.g. main's worktree")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--compare-off", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.lessons, args.seed, args.compare_off)))
        return
    trees = {"this": ROOT, **({"peer": args.peer.resolve()} if args.peer else {})}
    results: dict[str, list[dict[str, object]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, root in trees.items():
            cmd = [sys.executable, __file__, "--worker", str(root), "--lessons", str(args.lessons)]
            cmd += ["--seed", str(args.seed)] + (["--compare-off"] if name == "this" else [])
            done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=root)
            results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{args.lessons} corpus lessons, {args.runs} runs alternating; load {os.getloadavg()}")
    for name, root in trees.items():
        runs = results[name]
        line = f"{name:<5} {root}\n      check {_median(runs, 'check_ms'):6.2f} ms/lesson  "
        line += f"convert {_median(runs, 'convert_ms'):6.2f} ms/lesson (CPU)"
        if name == "this":
            line += f"  [skips off: convert {_median(runs, 'convert_off_ms'):6.2f} ms/lesson, "
            line += f"identical {min(int(r['same_as_off']) for r in runs)}/{args.lessons}]"  # type: ignore[call-overload]
        print(line)
    digests = {str(r["digest"]) for runs in results.values() for r in runs}
    print(f"same bytes in every run and tree: {len(digests) == 1}")
    if args.peer:
        for key in ("check_ms", "convert_ms"):
            ratio = _median(results["this"], key) / _median(results["peer"], key)
            print(f"{key}: this / peer = {ratio:.2f}")


def _median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
