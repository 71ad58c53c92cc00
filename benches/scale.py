#!/usr/bin/env python3
"""Whole-process scale benchmark of imr, and the same work done by its peers in the same run.

    cargo build --release && cargo install tantivy-cli    # once; apt-get install ripgrep
    python3 benches/scale.py --letters 100000             # ~10 minutes on 2 cores

Steps, all on one generated corpus (`imr-gen corpus`, deterministic from --seed) in --work:
  1. imr index: seconds, MB/s and letters/s over the letters' bytes, peak RSS, index size;
  2. imr-gen bench: in-process search latency over benches/queries.txt (each query --runs
     times, as `imr search --json` runs it, snippets included) and report latency;
  3. tantivy-cli indexing the same letters as raw text (one `body` field, positions,
     stored), with 2 threads and with 1, and its `bench` over the same queries;
  4. SQLite FTS5 (Python's sqlite3): build, top-10 by rank, and a citation GROUP BY
     over the ground truth's citation rows;
  5. ripgrep (`rg -c -i`, 2 threads) for the same queries;
  6. PDF ingestion: `imr parse` and `imr index` on ../shared/corpus/real-2016 when present.
Prints a table with ratios and writes every figure to WORK/results-N.json. Peers that are
not installed are reported as missing, not guessed.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What each query of benches/queries.txt becomes for the peers: tantivy-cli's query language
# over one `body` field, FTS5 MATCH syntax, and a ripgrep pattern (a plain search tool can
# only look for the query's most telling words; outcome filters and fields are not possible).
PEER_QUERIES = {
    "fusion": ("fusion", "fusion", r"fusion"),
    "L5-S1": ('"L5 S1"', '"L5 S1"', r"L5[-/ ]S1"),
    "L5-S1 fusion upheld": ('+"L5 S1" +fusion +upheld', '"L5 S1" AND fusion AND upheld', r"L5[-/ ]S1 fusion"),
    '"functional restoration program"': (
        '"functional restoration program"',
        '"functional restoration program"',
        r"functional restoration program",
    ),
    "norco OR tramadol": ("norco tramadol", "norco OR tramadol", r"norco|tramadol"),
    "acupuncture -chiropractic": ("+acupuncture -chiropractic", "acupuncture NOT chiropractic", r"acupuncture"),
    "MRI shoulder overturned": ("+mri +shoulder +overturned", "mri AND shoulder AND overturned", r"MRI.*shoulder"),
    '"Chronic Pain Medical Treatment Guidelines"': (
        '"chronic pain medical treatment guidelines"',
        '"chronic pain medical treatment guidelines"',
        r"Chronic Pain Medical Treatment Guidelines",
    ),
    "epidural steroid injection": (
        "+epidural +steroid +injection",
        "epidural AND steroid AND injection",
        r"epidural steroid injection",
    ),
    "physical therapy": ("+physical +therapy", "physical AND therapy", r"physical therapy"),
    "citation:ODG lumbar": ("+odg +lumbar", "odg AND lumbar", r"ODG.*Low Back|Low Back.*ODG"),
    "knee arthroscopy date:2016": ("+knee +arthroscopy +2016", "knee AND arthroscopy AND 2016", r"knee arthroscopy"),
}


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS MB, completed process)."""
    full = ["/usr/bin/time", "-f", "TIME %e %M"] + [str(c) for c in cmd]
    start = time.perf_counter()
    stdout = kw.pop("stdout", subprocess.PIPE)
    p = subprocess.run(full, stdout=stdout, stderr=subprocess.PIPE, text=True, **kw)
    secs = time.perf_counter() - start
    m = re.search(r"TIME ([\d.]+) (\d+)", p.stderr)
    rss = int(m.group(2)) / 1024 if m else float("nan")
    if p.returncode not in (0, 1):
        sys.exit(f"scale.py: {' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return secs, rss, p


def du(path):
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def letters_of(corpus):
    return sorted(p for p in Path(corpus).rglob("*.txt"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--letters", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/imr-scale")
    ap.add_argument("--imr", default=str(ROOT / "target/release/imr"))
    ap.add_argument("--imr-gen", default=str(ROOT / "target/release/imr-gen"),
                    help="the corpus generator and in-process bench (cargo build --release --workspace)")
    ap.add_argument("--tantivy", default=shutil.which("tantivy") or str(Path.home() / ".cargo/bin/tantivy"))
    ap.add_argument("--runs", type=int, default=20, help="runs of each query")
    ap.add_argument("--rg-runs", type=int, default=2)
    ap.add_argument("--imr-only", action="store_true", help="skip the peers")
    ap.add_argument("--index-args", default="", help="extra arguments for imr index, e.g. '--memory 512'")
    a = ap.parse_args()

    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{a.letters}-s{a.seed}"
    res = {"letters": a.letters, "seed": a.seed, "machine": os.uname().machine, "cores": os.cpu_count()}

    if not (corpus / "truth.jsonl").exists():
        secs, _, p = timed([a.imr_gen, "corpus", "--count", a.letters, "--seed", a.seed, "--out", corpus])
        res["gen_seconds"] = secs
        print(p.stderr.strip())
    files = letters_of(corpus)
    size = sum(f.stat().st_size for f in files)
    mb = size / 1e6
    res["corpus_files"], res["corpus_bytes"] = len(files), size
    print(f"corpus: {len(files)} letters, {mb:.0f} MB in {corpus}")
    # Every tool reads the letters from the page cache: the first one timed must not pay for
    # the disk alone (imr's 100,000-letter index measured 40.9 s cold and 28.0 s warm).
    for f in files:
        f.read_bytes()

    # 1. imr index
    idx = work / "imr-index"
    for d in (idx, work / "imr-index.text-cache"):
        shutil.rmtree(d, ignore_errors=True)
    secs, rss, p = timed([a.imr, "index", "--index", idx, *a.index_args.split(), corpus])
    summary = [l for l in p.stderr.splitlines() if "files seen" in l or "holds" in l]
    res["imr_index"] = {"seconds": secs, "mb_s": mb / secs, "letters_s": len(files) / secs, "rss_mb": rss,
                        "index_bytes": du(idx), "summary": summary}
    print(f"imr index: {secs:.1f} s, {mb / secs:.1f} MB/s, {len(files) / secs:.0f} letters/s, "
          f"peak RSS {rss:.0f} MB, index {du(idx) / 1e6:.0f} MB ({du(idx) / size:.2f}x)")

    # 2. imr-gen bench (in-process query and report latency)
    _, _, p = timed([a.imr_gen, "bench", "--index", idx, "--runs", a.runs, ROOT / "benches/queries.txt"])
    rows = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    search = [r for r in rows if r["kind"] == "search"]
    all_ms = [m for r in search for m in r["ms"]]
    res["imr_search"] = {"p50_ms": pct(all_ms, 50), "p99_ms": pct(all_ms, 99),
                         "per_query": {r["what"]: {"matched": r["matched"], "p50_ms": pct(r["ms"], 50),
                                                   "max_ms": max(r["ms"])} for r in search}}
    res["imr_reports"] = {r["what"]: {"p50_ms": pct(r["ms"], 50), "max_ms": max(r["ms"]), "decisions": r["matched"]}
                          for r in rows if r["kind"] == "report"}
    print(f"imr search: p50 {pct(all_ms, 50):.2f} ms, p99 {pct(all_ms, 99):.2f} ms over {len(search)} queries "
          f"x {a.runs} runs")
    for what, r in res["imr_reports"].items():
        print(f"imr report {what}: p50 {r['p50_ms']:.1f} ms, max {r['max_ms']:.1f} ms")

    # 6. PDF ingestion on the real letters
    real = ROOT.parent / "shared/corpus/real-2016"
    if real.is_dir():
        pdfs = len(list(real.glob("*.pdf")))
        s1, r1, _ = timed([a.imr, "parse", "-j2", real], stdout=subprocess.DEVNULL)
        pidx = work / "pdf-index"
        for d in (pidx, work / "pdf-index.text-cache"):
            shutil.rmtree(d, ignore_errors=True)
        s2, r2, _ = timed([a.imr, "index", "--index", pidx, real])
        res["pdf"] = {"letters": pdfs, "parse_seconds": s1, "parse_letters_s": pdfs / s1, "index_seconds": s2,
                      "index_letters_s": pdfs / s2, "index_rss_mb": r2}
        print(f"PDF: imr parse {pdfs / s1:.0f} letters/s, imr index {pdfs / s2:.0f} letters/s ({pdfs} real letters)")

    if not a.imr_only:
        peers(a, work, corpus, files, size, res)

    out = work / f"results-{a.letters}.json"
    out.write_text(json.dumps(res, indent=2))
    print(f"figures written to {out}")


def peers(a, work, corpus, files, size, res):
    mb = size / 1e6
    queries = [l.strip() for l in (ROOT / "benches/queries.txt").read_text().splitlines()
               if l.strip() and not l.startswith("#")]
    missing = [q for q in queries if q not in PEER_QUERIES]
    if missing:
        sys.exit(f"scale.py: no peer translation for {missing}")

    # 3. tantivy-cli
    if Path(a.tantivy).exists():
        docs = work / f"tantivy-docs-{a.letters}.jsonl"
        if not docs.exists():
            with open(docs, "w") as out:
                for f in files:
                    out.write(json.dumps({"path": str(f), "body": f.read_text(errors="replace")}) + "\n")
        schema = [
            {"name": "path", "type": "text", "options": {"indexing": None, "stored": True, "fast": False}},
            {"name": "body", "type": "text", "options": {
                "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "default"},
                "stored": True, "fast": False}},
        ]
        res["tantivy_cli"] = {}
        for threads in (2, 1):
            tdir = work / f"tantivy-{threads}t"
            shutil.rmtree(tdir, ignore_errors=True)
            tdir.mkdir()
            (tdir / "meta.json").write_text(json.dumps(
                {"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
                 "segments": [], "schema": schema, "opstamp": 0}))
            secs, rss, _ = timed([a.tantivy, "index", "-i", tdir, "-f", docs, "-t", threads])
            res["tantivy_cli"][f"{threads}t"] = {"seconds": secs, "mb_s": mb / secs, "rss_mb": rss,
                                                 "index_bytes": du(tdir)}
            print(f"tantivy-cli index, {threads} thread(s): {secs:.1f} s, {mb / secs:.1f} MB/s, peak RSS {rss:.0f} MB, "
                  f"index {du(tdir) / 1e6:.0f} MB")
        qfile = work / "tantivy-queries.txt"
        qfile.write_text("\n".join(PEER_QUERIES[q][0] for q in queries) + "\n")
        _, _, p = timed([a.tantivy, "bench", "-i", work / "tantivy-2t", "-q", qfile, "-n", a.runs])
        section = p.stdout.split("FETCH STORE")[0]
        us = [int(l.rsplit("\t", 1)[1]) for l in section.splitlines() if l.count("\t") == 2 and l.rsplit("\t", 1)[1].isdigit()]
        ms = [u / 1000 for u in us]
        res["tantivy_cli"]["search"] = {"p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99), "runs": len(ms)}
        print(f"tantivy-cli bench (count + top 10, no snippets): p50 {pct(ms, 50):.2f} ms, p99 {pct(ms, 99):.2f} ms")
    else:
        print(f"tantivy-cli: not found at {a.tantivy} (cargo install tantivy-cli)")

    # 4. SQLite FTS5
    db = work / "fts5.db"
    if db.exists():
        db.unlink()
    con = sqlite3.connect(db)
    start = time.perf_counter()
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, body)")
    with con:
        con.executemany("INSERT INTO docs(path, body) VALUES (?, ?)",
                        ((str(f), f.read_text(errors="replace")) for f in files))
    build = time.perf_counter() - start
    con.execute("CREATE TABLE cites(letter INTEGER, item INTEGER, key TEXT, outcome TEXT)")
    with con, open(corpus / "truth.jsonl") as truth:
        rows = []
        for n, line in enumerate(truth):
            t = json.loads(line)
            for i, item in enumerate(t["items"]):
                for key in sorted(set(item["ur_citations"]) | set(item["imr_citations"])):
                    rows.append((n, i, key, item["outcome"]))
        con.executemany("INSERT INTO cites VALUES (?, ?, ?, ?)", rows)
    ms = []
    for _ in range(a.runs):
        for q in queries:
            s = time.perf_counter()
            con.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (PEER_QUERIES[q][1],)).fetchall()
            ms.append((time.perf_counter() - s) * 1000)
    gms = []
    for _ in range(5):
        s = time.perf_counter()
        con.execute("SELECT key, COUNT(*), SUM(outcome = 'overturned') FROM cites GROUP BY key ORDER BY 2 DESC").fetchall()
        gms.append((time.perf_counter() - s) * 1000)
    con.close()
    res["fts5"] = {"build_seconds": build, "mb_s": mb / build, "db_bytes": du(db), "p50_ms": pct(ms, 50),
                   "p99_ms": pct(ms, 99), "citation_group_by_ms": statistics.median(gms)}
    print(f"FTS5: build {build:.1f} s ({mb / build:.1f} MB/s), db {du(db) / 1e6:.0f} MB; top-10 p50 {pct(ms, 50):.2f} ms, "
          f"p99 {pct(ms, 99):.2f} ms; citation GROUP BY {statistics.median(gms):.0f} ms")

    # 5. ripgrep
    rg = shutil.which("rg")
    if rg:
        times = {}
        for q in queries:
            runs = []
            for _ in range(a.rg_runs):
                s = time.perf_counter()
                subprocess.run([rg, "-c", "-i", "-j2", "-e", PEER_QUERIES[q][2], str(corpus)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                runs.append((time.perf_counter() - s) * 1000)
            times[q] = min(runs)
        all_ms = list(times.values())
        res["ripgrep"] = {"per_query_ms": times, "p50_ms": pct(all_ms, 50), "max_ms": max(all_ms)}
        print(f"ripgrep: p50 {pct(all_ms, 50):.0f} ms, max {max(all_ms):.0f} ms a query (best of {a.rg_runs})")
    else:
        print("ripgrep: not found (apt-get install ripgrep)")

    # Ratios
    i = res["imr_index"]
    print("\nratios (imr / peer):")
    if "tantivy_cli" in res:
        t2 = res["tantivy_cli"]["2t"]
        print(f"  index throughput vs tantivy-cli 2 threads: {i['mb_s'] / t2['mb_s']:.2f}x (target >= 1.2x)")
        print(f"  index size vs tantivy-cli: {i['index_bytes'] / t2['index_bytes']:.2f}x")
        ts = res["tantivy_cli"]["search"]
        print(f"  search p50 vs tantivy-cli: {res['imr_search']['p50_ms'] / ts['p50_ms']:.2f}x, "
              f"p99 {res['imr_search']['p99_ms'] / ts['p99_ms']:.2f}x")
    f = res["fts5"]
    print(f"  index throughput vs FTS5: {i['mb_s'] / f['mb_s']:.2f}x; search p50 vs FTS5: "
          f"{res['imr_search']['p50_ms'] / f['p50_ms']:.3f}x")
    cit = res["imr_reports"]["citations"]["p50_ms"]
    print(f"  citation report vs FTS5 GROUP BY: {cit / f['citation_group_by_ms']:.3f}x")
    if "ripgrep" in res:
        print(f"  search p50 vs ripgrep: {res['imr_search']['p50_ms'] / res['ripgrep']['p50_ms']:.4f}x")
    print(f"  index size / corpus: {i['index_bytes'] / size:.2f}x (target <= 0.6x)")


if __name__ == "__main__":
    main()
