"""imr's reports, computed by Spark from an `imr export` (issue 15).

    spark-submit [--master spark://HOST:PORT] contrib/spark/imr_report.py EXPORT_DIR OUT_DIR \
        [--report NAME ...|all] [--terms "l5-s1 fusion" ...] [--top N] [--min N]

reads the Parquet decision table that `imr export` writes (schema/export.md) and writes
OUT_DIR/NAME.jsonl for each report asked for, row for row what `imr report ... --format json`
prints for the same index: the 13 reports of `report::KINDS` in src/report.rs.

`--terms` takes the tokens `imr tokens QUERY` prints (space-separated): the rows then count only
the decisions holding every token among their `item_terms`, when any decision does (imr's
item-first reading), else among their `terms`. The counting is done by Spark (DataFrame
explode / groupBy); only the finished rows, a few per key, come back to the driver, which sorts
them and writes the JSON Lines. OUT_DIR is a local folder on the driver; EXPORT_DIR is any path
Spark reads. OUT_DIR/_meta.json records what was read (schema, rows, the query's scope) for
tests.

Plain PySpark DataFrame API; runs on Spark 3.5 and later.
"""

import argparse
import json
import math
import os
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# name -> (row dimension, split dimension); as `KINDS` in src/report.rs.
REPORTS = {
    "citations": ("citation", None),
    "citations-by-outcome": ("citation", "outcome"),
    "citations-by-year": ("citation", "year"),
    "citations-by-specialty": ("citation", "specialty"),
    "citations-by-cited-by": ("citation", "cited-by"),
    "outcomes-by-procedure-category": ("procedure-category", None),
    "outcomes-by-procedure-subcategory": ("procedure-subcategory", None),
    "outcomes-by-specialty": ("specialty", None),
    "outcomes-by-year": ("year", None),
    "outcomes-by-body-region": ("body-region", None),
    "outcomes-by-diagnosis": ("diagnosis", None),
    "outcomes-by-citation": ("citation", None),
    "outcomes-by-layout": ("layout", None),
}

NO_VALUE = "(none)"  # how a row or group without a value is shown
SMALL = 20  # below this many decided decisions a rate is marked small
Z = 1.959963984540054  # the 97.5th percentile of the normal distribution

# The columns holding each dimension's values: scalars and lists of strings.
SCALARS = {"outcome": "outcome", "procedure-category": "category",
           "procedure-subcategory": "subcategory", "layout": "layout"}
LISTS = {"specialty": "specialties", "body-region": "body_regions", "diagnosis": "conditions"}


def wilson(k, n):
    """The 95% Wilson score interval of k in n, as report::wilson computes it."""
    if n == 0:
        return None, None
    k, n = float(k), float(n)
    p = k / n
    z2 = Z * Z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = Z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    low = 0.0 if k == 0.0 else min(max(centre - half, 0.0), p)
    high = 1.0 if k == n else min(max(centre + half, p), 1.0)
    return low, high


def citation_keys(column):
    return F.transform(F.col(column), lambda c: c["key"])


def values(dim):
    """An array column: the decision's distinct values of `dim`, or [""] when it has none."""
    if dim == "citation":
        arr = F.concat(citation_keys("ur_citations"), citation_keys("imr_citations"))
    elif dim == "year":
        arr = F.array(F.col("year").cast("int").cast("string"))
    elif dim in SCALARS:
        arr = F.array(F.col(SCALARS[dim]))
    elif dim in LISTS:
        arr = F.col(LISTS[dim])
    else:
        raise ValueError(dim)
    return none_if_empty(arr)


def none_if_empty(arr):
    arr = F.array_distinct(F.filter(F.coalesce(arr, F.array()), lambda v: v.isNotNull()))
    return F.when(F.size(arr) == 0, F.array(F.lit(""))).otherwise(arr)


def entries(number, rows, split):
    """An array column: the (report, part, key, group) entries one decision adds to report
    `number`: part 0 for each (key, group) row it counts in, part 1 for each group total
    (key ""). Group "" when there is no split."""
    def entry(part, key, group):
        return F.struct(F.lit(number).alias("report"), F.lit(part).alias("part"),
                        key.alias("key"), group.alias("grp"))
    if split == "cited-by":
        def side(name):  # (transform reads a two-argument lambda as (element, index))
            return F.transform(none_if_empty(citation_keys(name + "_citations")), lambda k: entry(0, k, F.lit(name)))
        return F.concat(side("ur"), side("imr"))
    if split is None:
        return F.transform(values(rows), lambda k: entry(0, k, F.lit("")))
    pairs = F.flatten(F.transform(values(rows), lambda k: F.transform(values(split), lambda g: entry(0, k, g))))
    totals = F.transform(values(split), lambda g: entry(1, F.lit(""), g))
    return F.concat(pairs, totals)


def count_reports(base, names):
    """{name: (pairs, group totals)}: {(key, group): (decisions, upheld, overturned)} and
    {group: decisions} (None without a split), every report counted by Spark in one pass."""
    every = F.concat(*[entries(n, *REPORTS[name]) for n, name in enumerate(names)])
    counted = (base.select(F.explode(every).alias("e"), "up", "over")
               .groupBy("e.report", "e.part", "e.key", "e.grp")
               .agg(F.count(F.lit(1)).alias("decisions"), F.sum("up").alias("upheld"),
                    F.sum("over").alias("overturned")))
    result = {name: ({}, None if REPORTS[name][1] in (None, "cited-by") else {}) for name in names}
    for r in counted.collect():
        pairs, totals = result[names[r["report"]]]
        if r["part"] == 0:
            pairs[(r["key"], r["grp"])] = (r["decisions"], r["upheld"], r["overturned"])
        else:
            totals[r["grp"]] = r["decisions"]
    return result


def make_rows(name, pairs, totals, all_decisions, kinds, top=None, minimum=None):
    rows_dim, split = REPORTS[name]
    citation = rows_dim == "citation"
    rows = []
    for (key, grp), (decisions, upheld, overturned) in pairs.items():
        if citation and key == "":
            continue
        total = all_decisions if totals is None else totals.get(grp, 0)
        decided = upheld + overturned
        low, high = wilson(overturned, decided)
        row = {"key": key or NO_VALUE}
        if citation:
            row["kind"] = kinds.get(key)
        if split is not None:
            row["group"] = grp or NO_VALUE
        row.update({
            "decisions": decisions,
            "total": total,
            "share": decisions / total if total > 0 else 0.0,
            "upheld": upheld,
            "overturned": overturned,
            "unknown": decisions - decided,
            "overturn_rate": overturned / decided if decided > 0 else None,
            "overturn_rate_low": low,
            "overturn_rate_high": high,
            "small": decided < SMALL,
        })
        rows.append(row)
    size = {}
    for r in rows:
        size[r["key"]] = size.get(r["key"], 0) + r["decisions"]
    # Python compares str by code point, which is the byte order of their UTF-8.
    if rows_dim == "year":
        rows.sort(key=lambda r: (r["key"], r.get("group", "")))
    else:
        rows.sort(key=lambda r: (-size[r["key"]], r["key"], r.get("group", "")))
    if top is not None:
        kept = []
        for r in rows:
            if r["key"] not in kept and len(kept) < top:
                kept.append(r["key"])
        rows = [r for r in rows if r["key"] in kept]
    if minimum is not None:
        rows = [r for r in rows if r["decisions"] >= minimum]
    return rows


def select_query(base, tokens):
    """(decisions, scope): those holding every token among their item_terms when any does
    (scope "item"), else among their terms ("decision"); all of them without tokens."""
    if not tokens:
        return base, None

    def has_all(column):
        return F.forall(F.array(*[F.lit(t) for t in tokens]), lambda t: F.array_contains(F.col(column), t))
    in_item = base.where(has_all("item_terms"))
    if in_item.limit(1).count() > 0:
        return in_item, "item"
    return base.where(has_all("terms")), "decision"


def write_reports(base, names, kinds, out, top=None, minimum=None):
    """Counts the reports `names` over the decisions `base` and writes out/NAME.jsonl."""
    base = base.drop("item_terms", "terms").cache()
    every = base.agg(F.count(F.lit(1)).alias("n"), F.sum("up").alias("up"), F.sum("over").alias("over")).first()
    counts = count_reports(base, names)
    os.makedirs(out, exist_ok=True)
    written = {}
    for name in names:
        pairs, totals = counts[name]
        rows = make_rows(name, pairs, totals, every["n"], kinds, top, minimum)
        with open(os.path.join(out, name + ".jsonl"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        written[name] = len(rows)
    base.unpersist()
    return {"decisions": every["n"], "upheld": every["up"] or 0, "overturned": every["over"] or 0,
            "reports": written}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1] if __doc__ else None)
    ap.add_argument("export", help="the folder imr export wrote (Parquet)")
    ap.add_argument("out", help="local folder for NAME.jsonl")
    ap.add_argument("--report", action="append", default=[], metavar="NAME",
                    help="a report of " + ", ".join(REPORTS) + "; or all (the default)")
    ap.add_argument("--terms", action="append", default=[],
                    help='tokens as `imr tokens QUERY` prints them, e.g. "l5-s1 fusion"; given N > 1 '
                         'times, the reports of the i-th go to OUT/query-i/')
    ap.add_argument("--top", type=int, help="keep the N biggest keys")
    ap.add_argument("--min", type=int, help="drop rows with fewer than N decisions")
    ap.add_argument("--wait-executors", type=int, default=0, metavar="N",
                    help="wait (up to 120 s) until N executors have registered before reading")
    args = ap.parse_args(argv)
    names = list(REPORTS) if not args.report or "all" in args.report else args.report
    for n in names:
        if n not in REPORTS:
            ap.error(f"unknown report {n!r}: one of {', '.join(REPORTS)} or all")
    if args.top is not None and args.top < 1:
        ap.error("--top must be at least 1")

    started = time.time()
    spark = SparkSession.builder.appName("imr-report").getOrCreate()
    sc = spark.sparkContext

    def executors():
        # The block managers known to the driver, less the driver's own.
        return sc._jsc.sc().getExecutorMemoryStatus().size() - 1

    waited = time.time() + 120
    while executors() < args.wait_executors and time.time() < waited:
        time.sleep(0.5)
    executors_at_start = executors()

    export = spark.read.parquet(args.export)
    schema = [(f.name, f.dataType.simpleString()) for f in export.schema.fields]
    outcome = F.col("outcome")
    base = export.select(
        F.col("year").cast("int").alias("year"), "outcome", "category", "subcategory", "layout",
        "specialties", "body_regions", "conditions", "ur_citations", "imr_citations",
        "item_terms", "terms",
        F.when(outcome == "upheld", 1).otherwise(0).alias("up"),
        F.when(outcome == "overturned", 1).otherwise(0).alias("over"))
    rows_read = export.count()
    # The folder's year is the decision date's: a check the tests read from _meta.json.
    year_mismatches = export.where(~F.col("year").eqNullSafe(F.year("decision_date"))).count()

    # Each citation key's kind (the export gives it with every citation).
    kinds, kinds_conflicting = {}, []
    if any(REPORTS[n][0] == "citation" for n in names):
        cites = base.select(F.explode(F.concat("ur_citations", "imr_citations")).alias("c"))
        for r in cites.groupBy(F.col("c.key").alias("key")).agg(
                F.min("c.kind").alias("kind"), F.countDistinct("c.kind").alias("kinds")).collect():
            kinds[r["key"]] = r["kind"]
            if r["kinds"] > 1:
                kinds_conflicting.append(r["key"])

    queries = args.terms or [""]
    for i, terms in enumerate(queries):
        out = args.out if len(queries) == 1 else os.path.join(args.out, f"query-{i + 1}")
        tokens = terms.split()
        chosen, scope = select_query(base, tokens)
        counted = write_reports(chosen, names, kinds, out, args.top, args.min)
        meta = {
            "spark_version": spark.version,
            "master": sc.master,
            "application_id": sc.applicationId,
            "executors_at_start": executors_at_start,
            "executors_at_end": executors(),
            "rows": rows_read,
            "year_mismatches": year_mismatches,
            "kinds_conflicting": kinds_conflicting,
            "terms": tokens,
            "scope": scope,
            **counted,
            "seconds": round(time.time() - started, 1),
            "schema": [" ".join(c) for c in schema],
        }
        with open(os.path.join(out, "_meta.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1, ensure_ascii=False)
        print(f"imr_report: {rows_read} decisions read, {counted['decisions']} counted"
              + (f" (terms {' '.join(tokens)!r} matched in the {scope})" if tokens else "")
              + f"; {len(counted['reports'])} reports written to {out} at {meta['seconds']} s", file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
