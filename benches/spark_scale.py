"""The Spark report job at scale (BENCHMARKS.md, "Beyond one machine"): exports an existing
index, starts the test's standalone cluster (a master and two 1-core workers on 127.0.0.1),
times the job over the export, times `imr report` over the index, and checks that every
report is the same. Every process it starts is ended by PID.

    python3 benches/spark_scale.py --index /tmp/scale/index-100000 [--imr target/release/imr]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "contrib", "spark"))
import cluster_test as ct  # noqa: E402  (the cluster and job helpers of the CI test)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True, help="an index built by imr index")
    ap.add_argument("--imr", default=os.path.join(ct.REPO, "target", "release", "imr"))
    ap.add_argument("--python", default=os.path.join(ct.REPO, "target", "spark-venv", "bin", "python"))
    ap.add_argument("--timeout", type=int, default=3600)
    a = ap.parse_args()
    found = ct.find_spark(a.python)
    if not found or not shutil.which("java"):
        print("spark_scale: needs Java and a Python with pyspark (--python)")
        return 2
    a.spark_version, home = found
    a.imr = os.path.abspath(a.imr)
    a.deadline = time.time() + a.timeout
    tmp = tempfile.mkdtemp(prefix="imr-spark-scale-")
    test = ct.Test(a, tmp)
    test.spark_home = home
    test.prepare()
    failed = False
    try:
        export = os.path.join(tmp, "export")
        started = time.time()
        test.imr("export", ["export", "--index", a.index, "--out", export])
        took = time.time() - started
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(export) for f in fs)
        print(f"imr export: {took:.1f} s, {size / 1e6:.1f} MB")
        started = time.time()
        want = test.imr_reports(a.index, tag="scale-")
        print(f"imr report, the 13 reports one after another: {time.time() - started:.1f} s")
        test.start_cluster()
        for run in (1, 2):
            meta = test.job(f"scale run {run}", export, os.path.join(tmp, f"out{run}"))
            got = test.results(os.path.join(tmp, f"out{run}"))
            failed |= not test.compare_all(f"scale run {run} ({meta['rows']} rows)", got, want)
        for what, took in test.timings:
            print(f"  time  {what}: {took:.1f} s")
    except (ct.Failure, ct.Deadline, KeyboardInterrupt) as e:
        print(f"spark_scale: {e}")
        failed = True
    finally:
        left = test.procs.end_all()
        print("ended every process started" + (f"; STILL RUNNING: {left}" if left else ""))
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
