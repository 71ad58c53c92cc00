"""The Spark report job against a real standalone cluster on 127.0.0.1 (issue 15, part 3).

    python3 contrib/spark/cluster_test.py --imr target/release/imr [--python VENV/bin/python]

Starts a Spark master and two workers (1 core, 1 GB each) on 127.0.0.1, then for the sample
letters (data/letters) and the real ones (../shared/corpus/real-2016, when present): indexes
them with `imr index`, exports them with `imr export`, runs contrib/spark/imr_report.py on the
cluster and checks that

- Spark reads the export with the types of schema/export.md, and as many rows as the index
  has decisions;
- every report equals `imr report ... --format json` row for row;
- an export in many small files (`--rows-per-file 20`) gives the same reports;
- `--top 3 --min 2` keeps the rows `imr report --top 3 --min 2` keeps;
- a token query gives the counts of `imr report QUERY`, with the levels written L5/S1,
  L5 S1 and S1-L5 (and a few other queries; words with other names in the vocabulary are
  compared with `imr report --exact QUERY`, since `imr tokens` does not print those names);
- with a worker (and its executor) killed while the job runs, the job still gives the same
  reports;
- both workers launched executors, and both executors ran tasks (from the cluster's logs).

Every process it starts is ended by its PID at the end, on failure and on timeout too
(`--timeout`, 25 minutes by default). Without Java or pyspark it prints why and exits 0,
unless CI is set (then that is a failure). pyspark is looked for in --python, else
$IMR_SPARK_PYTHON, else target/spark-venv/bin/python, else this Python.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
JOB = os.path.join(HERE, "imr_report.py")

# The 13 reports (report::KINDS) and the `imr report` arguments that print each.
REPORTS = {
    "citations": ["citations"],
    "citations-by-outcome": ["citations", "--by", "outcome"],
    "citations-by-year": ["citations", "--by", "year"],
    "citations-by-specialty": ["citations", "--by", "specialty"],
    "citations-by-cited-by": ["citations", "--by", "cited-by"],
    "outcomes-by-procedure-category": ["outcomes", "--by", "procedure-category"],
    "outcomes-by-procedure-subcategory": ["outcomes", "--by", "procedure-subcategory"],
    "outcomes-by-specialty": ["outcomes", "--by", "specialty"],
    "outcomes-by-year": ["outcomes", "--by", "year"],
    "outcomes-by-body-region": ["outcomes", "--by", "body-region"],
    "outcomes-by-diagnosis": ["outcomes", "--by", "diagnosis"],
    "outcomes-by-citation": ["outcomes", "--by", "citation"],
    "outcomes-by-layout": ["outcomes", "--by", "layout"],
}

# The export's columns as Spark reads them (schema/export.md), `year` last from the folders.
CITATIONS = "array<struct<key:string,kind:string,text:string>>"
EXPECTED_SCHEMA = [
    ("case_number", "string"), ("item_no", "int"), ("item_count", "int"), ("item", "string"),
    ("original_request", "string"), ("authorized", "string"), ("outcome", "string"),
    ("decision_date", "date"), ("date_assigned", "date"), ("date_of_injury", "date"),
    ("ur_denial_date", "date"), ("application_received", "date"), ("priority", "string"),
    ("specialties", "array<string>"), ("licensure", "array<string>"), ("age", "int"),
    ("sex", "string"), ("diagnoses", "array<string>"), ("conditions", "array<string>"),
    ("category", "string"), ("subcategory", "string"), ("body_regions", "array<string>"),
    ("spinal_levels", "array<string>"), ("layout", "string"), ("path", "string"),
    ("content_hash", "string"), ("file_mtime", "timestamp"), ("ur_citations", CITATIONS),
    ("imr_citations", CITATIONS), ("item_terms", "array<string>"), ("terms", "array<string>"),
    ("year", "int"),
]

# The first three: one query with its levels spelled three ways (imr reads them alike); then a
# range (L4-S1: the levels it spans too), words matched outside the item, and two plain words.
QUERIES = ["L5/S1 fusion", "L5 S1 fusion", "S1-L5 fusion", "L5/S1 lumbar", "L4-S1", "L4-5 stenosis",
           "radiculopathy", "chronic pain"]
# Words the vocabulary gives other names: `imr tokens` does not print those names, so the job
# counts what `imr report --exact` counts (checked), not `imr report` (printed beside it).
EXACT_QUERIES = ["ACDF", "PT"]
TOLERANCE = 1e-9


class Failure(Exception):
    pass


class Deadline(Exception):
    pass


def in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def say(msg):
    print(msg, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Processes: each one started in its own session with a marker in its environment, so that it,
# its children and any orphan they leave can be found again and ended by PID.

def ppid_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(pid):
    children = {}
    for p in all_pids():
        children.setdefault(ppid_of(p), []).append(p)
    found, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.append(c)
            todo.append(c)
    return found


def has_marker(pid, marker):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return marker in f.read()
    except OSError:
        return False


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Processes:
    def __init__(self, tmp):
        self.tmp = tmp
        self.marker = "IMR_SPARK_TEST=" + uuid.uuid4().hex
        self.started = []  # (name, Popen)
        self.env = None

    def start(self, name, cmd, log, stdout=None):
        """Starts `cmd` with its stderr (and its stdout, unless `stdout` names a file) in `log`."""
        err = open(log, "ab")
        out = open(stdout, "wb") if stdout else None
        env = dict(self.env)
        key, value = self.marker.split("=")
        env[key] = value
        p = subprocess.Popen(cmd, stdout=out or err, stderr=err, stdin=subprocess.DEVNULL,
                             env=env, cwd=self.tmp, start_new_session=True)
        err.close()
        if out:
            out.close()
        self.started.append((name, p))
        return p

    def ours(self):
        marker = self.marker.encode()
        return [p for p in all_pids() if p != os.getpid() and has_marker(p, marker)]

    def end(self, pids, grace=10.0):
        """SIGTERM to each PID, then SIGKILL to those still there after `grace` seconds."""
        pids = [p for p in dict.fromkeys(pids) if alive(p)]
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        until = time.time() + grace
        while time.time() < until and any(alive(p) for p in pids):
            self.reap()
            time.sleep(0.2)
        for p in pids:
            if alive(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.reap()

    def reap(self):
        for _, p in self.started:
            p.poll()

    def kill_tree(self, proc):
        """SIGKILL a started process and everything under it, each by its PID."""
        pids = [proc.pid] + descendants(proc.pid)
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=30)
        return pids

    def end_all(self):
        pids = []
        for _, p in self.started:
            if p.poll() is None:
                pids += [p.pid] + descendants(p.pid)
        pids += self.ours()  # orphans whose parent has gone
        self.end(pids)
        left = [p for p in self.ours() if alive(p)]
        return left


def run(procs, name, cmd, log, timeout):
    """Runs a command to its end (or kills it at `timeout`); returns (exit status, output)."""
    p = procs.start(name, cmd, log)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        procs.kill_tree(p)
        raise Failure(f"{name} did not finish within {timeout:.0f} s (log: {log})")
    with open(log, encoding="utf-8", errors="replace") as f:
        return p.returncode, f.read()


def tail(path, n=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------

def compare(got, want):
    """None when the rows are equal (floats within TOLERANCE), else what differs."""
    if len(got) != len(want):
        keys = lambda rows: [(r.get("key"), r.get("group")) for r in rows]
        extra = [k for k in keys(got) if k not in keys(want)][:3]
        missing = [k for k in keys(want) if k not in keys(got)][:3]
        return f"{len(got)} rows, imr has {len(want)} (extra {extra}, missing {missing})"
    for i, (g, w) in enumerate(zip(got, want)):
        if list(g) != list(w):
            return f"row {i + 1}: fields {list(g)} != imr's {list(w)}"
        for field in w:
            a, b = g[field], w[field]
            same = (a == b and type(a) is type(b)) or (
                isinstance(a, (int, float)) and isinstance(b, (int, float))
                and not isinstance(a, bool) and not isinstance(b, bool)
                and (isinstance(a, float) or isinstance(b, float)) and abs(a - b) <= TOLERANCE)
            if not same:
                return f"row {i + 1} ({w.get('key')!r}, {w.get('group')!r}): {field} {a!r} != imr's {b!r}"
    return None


def read_jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Test:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.procs = Processes(tmp)
        self.passed = []
        self.failed = []
        self.timings = []
        self.spark_home = None
        self.master_url = None
        self.master_ui = None
        self.workers = {}  # n -> dict(proc, port, dir, log)

    # -- checks --
    def check(self, name, ok, detail=""):
        if ok:
            self.passed.append(name)
            say(f"  ok    {name}" + (f" ({detail})" if detail else ""))
        else:
            self.failed.append(name)
            say(f"  FAIL  {name}: {detail}")
        return ok

    def timed(self, what, started):
        took = time.time() - started
        self.timings.append((what, took))
        return took

    def remaining(self):
        return max(5.0, self.args.deadline - time.time())

    # -- imr --
    def imr(self, name, args, ok=(0,), timeout=600):
        log = os.path.join(self.tmp, "logs", name + ".log")
        out = os.path.join(self.tmp, "logs", name + ".out")
        p = self.procs.start(name, [self.args.imr] + args, log, stdout=out)
        try:
            p.wait(timeout=min(timeout, self.remaining()))
        except subprocess.TimeoutExpired:
            self.procs.kill_tree(p)
            raise Failure(f"imr {' '.join(args)} did not finish within {timeout} s")
        if p.returncode not in ok:
            raise Failure(f"imr {' '.join(args)} exited {p.returncode}: {tail(log, 5)}")
        with open(out, encoding="utf-8") as f:
            return f.read()

    # -- cluster --
    def start_cluster(self):
        started = time.time()
        bin_class = os.path.join(self.spark_home, "bin", "spark-class")
        port, ui = free_port(), free_port()
        self.master_url = f"spark://127.0.0.1:{port}"
        self.master_ui = f"http://127.0.0.1:{ui}/json/"
        self.master_log = os.path.join(self.tmp, "logs", "master.log")
        self.master = self.procs.start("master", [bin_class, "org.apache.spark.deploy.master.Master",
                                                  "--host", "127.0.0.1", "--port", str(port),
                                                  "--webui-port", str(ui)], self.master_log)
        self.wait_for(lambda: self.master_json() is not None, "the master's web UI", 120, [self.master])
        for n in (1, 2):
            self.start_worker(n)
        self.wait_alive(2, 120)
        took = self.timed("cluster start (master + 2 workers ALIVE)", started)
        say(f"cluster: master {self.master_url} (pid {self.master.pid}), workers "
            + ", ".join(f"{w['id']} (pid {w['proc'].pid})" for w in self.workers.values())
            + f"; ALIVE after {took:.1f} s")

    def start_worker(self, n):
        port, ui = free_port(), free_port()
        work = os.path.join(self.tmp, f"worker{n}")
        os.makedirs(work, exist_ok=True)
        log = os.path.join(self.tmp, "logs", f"worker{n}.log")
        proc = self.procs.start(f"worker{n}", [
            os.path.join(self.spark_home, "bin", "spark-class"), "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui), "--cores", "1",
            "--memory", "1g", "--work-dir", work, self.master_url], log)
        self.workers[n] = {"proc": proc, "port": port, "dir": work, "log": log, "id": None}

    def master_json(self):
        try:
            with urllib.request.urlopen(self.master_ui, timeout=5) as r:
                return json.load(r)
        except (OSError, ValueError):
            return None

    def wait_for(self, cond, what, timeout, procs=()):
        until = time.time() + min(timeout, self.remaining())
        while time.time() < until:
            if cond():
                return
            for p in procs:
                if p.poll() is not None:
                    raise Failure(f"{what}: a process exited with status {p.returncode}")
            time.sleep(0.5)
        raise Failure(f"{what}: not ready after {timeout} s")

    def wait_alive(self, n, timeout):
        def ready():
            j = self.master_json() or {}
            alive_ports = {w.get("port"): w.get("id") for w in j.get("workers", []) if w.get("state") == "ALIVE"}
            for w in self.workers.values():
                if w["port"] in alive_ports:
                    w["id"] = alive_ports[w["port"]]
            return sum(1 for w in self.workers.values() if w["port"] in alive_ports) >= n
        self.wait_for(ready, f"{n} workers ALIVE", timeout, [self.master] + [w["proc"] for w in self.workers.values()])

    # -- the job --
    def submit_cmd(self, export, out, extra=()):
        return [os.path.join(self.spark_home, "bin", "spark-submit"), "--master", self.master_url,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.cores=1",
                "--conf", "spark.cores.max=2", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.ui.showConsoleProgress=false", "--conf", "spark.sql.shuffle.partitions=4",
                JOB, export, out, "--wait-executors", "2", *extra]

    def job(self, label, export, out, extra=()):
        log = out + ".log"
        started = time.time()
        rc, text = run(self.procs, "job " + label, self.submit_cmd(export, out, extra), log,
                       min(600, self.remaining()))
        took = self.timed(f"spark job: {label}", started)
        if rc != 0:
            raise Failure(f"spark job {label} exited {rc}:\n{tail(log, 25)}")
        folders = [out] if os.path.exists(os.path.join(out, "_meta.json")) else sorted(
            (os.path.join(out, d) for d in os.listdir(out) if d.startswith("query-")), key=lambda d: int(d.rsplit("-", 1)[1]))
        metas = []
        for folder in folders:
            with open(os.path.join(folder, "_meta.json")) as f:
                metas.append(json.load(f))
        meta = metas[0]
        say(f"  job   {label}: {meta['rows']} rows read, {'/'.join(str(m['decisions']) for m in metas)} counted, "
            f"{meta['executors_at_start']} executors, {took:.1f} s")
        return meta

    def results(self, out):
        got = {}
        for name in REPORTS:
            with open(os.path.join(out, name + ".jsonl"), encoding="utf-8") as f:
                got[name] = read_jsonl(f.read())
        return got

    def compare_all(self, label, got, want):
        bad = [(n, compare(got[n], want[n])) for n in REPORTS]
        bad = [(n, d) for n, d in bad if d]
        rows = sum(len(want[n]) for n in REPORTS)
        return self.check(f"{label}: 13 reports equal imr's", not bad,
                          f"{rows} rows" if not bad else "; ".join(f"{n}: {d}" for n, d in bad[:4]))

    def imr_reports(self, index, query=None, tag="", options=()):
        want = {}
        for name, args in REPORTS.items():
            extra = [*options, query] if query else list(options)
            text = self.imr(f"report-{tag}{name}", ["report", *args, "--index", index, "--format", "json", *extra],
                            ok=(0, 1))
            want[name] = read_jsonl(text)
        return want

    # -- one corpus --
    def corpus(self, label, letters, top_min=False):
        say(f"{label}: {letters}")
        base = os.path.join(self.tmp, label)
        index = os.path.join(base, "index")
        started = time.time()
        self.imr(f"index-{label}", ["index", letters, "--index", index], ok=(0, 2))
        self.timed(f"imr index {label}", started)
        layout = read_jsonl(self.imr(f"decisions-{label}", ["report", "outcomes", "--by", "layout", "--index", index,
                                                            "--format", "json"], ok=(0, 1)))
        decisions = sum(r["decisions"] for r in layout)
        want = self.imr_reports(index, tag=label + "-")

        exports = {}
        for name, extra in (("export", []), ("export-20", ["--rows-per-file", "20"])):
            exports[name] = os.path.join(base, name)
            self.imr(f"{name}-{label}", ["export", "--index", index, "--out", exports[name], "--format", "parquet", *extra])
            files = sum(1 for _, _, fs in os.walk(exports[name]) for f in fs if f.endswith(".parquet"))
            self.check(f"{label}: {name} is whole", os.path.exists(os.path.join(exports[name], "_SUCCESS")),
                       f"{files} Parquet files")

        meta = self.job(label, exports["export"], os.path.join(base, "out"))
        schema = [tuple(c.split(" ", 1)) for c in meta["schema"]]
        diff = [f"{c}: {t}" for c, t in schema if (c, t) not in EXPECTED_SCHEMA] + \
               [f"{c} missing" for c, _ in EXPECTED_SCHEMA if c not in dict(schema)]
        self.check(f"{label}: Spark reads the export's types", not diff and schema == EXPECTED_SCHEMA,
                   f"{len(schema)} columns" if not diff and schema == EXPECTED_SCHEMA
                   else "; ".join(diff) or "column order differs: " + ", ".join(c for c, _ in schema))
        self.check(f"{label}: rows = the index's decisions", meta["rows"] == decisions,
                   f"{meta['rows']} rows, {decisions} decisions")
        self.check(f"{label}: year folders = decision_date years", meta["year_mismatches"] == 0,
                   f"{meta['year_mismatches']} rows differ")
        self.check(f"{label}: one kind per citation key", not meta["kinds_conflicting"],
                   ", ".join(meta["kinds_conflicting"][:5]))
        self.check(f"{label}: job ran with 2 executors", meta["executors_at_start"] == 2,
                   f"{meta['executors_at_start']} registered")
        self.compare_all(label, self.results(os.path.join(base, "out")), want)

        self.job(label + " rows-per-file 20", exports["export-20"], os.path.join(base, "out-20"))
        self.compare_all(label + " rows-per-file 20", self.results(os.path.join(base, "out-20")), want)

        if top_min:
            out = os.path.join(base, "out-top")
            self.job(f"{label} --top 3 --min 2", exports["export-20"], out, ["--top", "3", "--min", "2"])
            self.compare_all(f"{label} --top 3 --min 2", self.results(out),
                             self.imr_reports(index, tag=label + "-top-", options=["--top", "3", "--min", "2"]))

        # Token queries: three spellings of the levels (and others), all in one Spark job.
        tokens = {q: self.imr(f"tokens-{label}-{i}", ["tokens", q]).strip()
                  for i, q in enumerate(QUERIES + EXACT_QUERIES)}
        spelled = {tokens[q] for q in QUERIES[:3]}
        self.check(f"{label}: imr tokens reads {', '.join(QUERIES[:3])} alike", len(spelled) == 1,
                   ", ".join(sorted(spelled)))
        distinct = list(dict.fromkeys(tokens.values()))
        out = os.path.join(base, "out-query")
        extra = [a for t in distinct for a in ("--terms", t)]
        self.job(f"{label} {len(distinct)} token queries", exports["export-20"], out, extra)
        for i, q in enumerate(QUERIES + EXACT_QUERIES):
            exact = ["--exact"] if q in EXACT_QUERIES else []
            want_q = self.imr_reports(index, q, tag=f"{label}-q{i}-", options=exact)
            folder = out if len(distinct) == 1 else os.path.join(out, f"query-{distinct.index(tokens[q]) + 1}")
            with open(os.path.join(folder, "_meta.json")) as f:
                meta_q = json.load(f)
            counted = sum(r["decisions"] for r in want_q["outcomes-by-layout"])
            self.compare_all(f"{label}: query {q!r}{' --exact' if exact else ''} = {tokens[q]!r}: {counted} decisions, "
                             f"matched in the {meta_q['scope']}", self.results(folder), want_q)
            if exact:
                rows = read_jsonl(self.imr(f"vocabulary-{label}-{i}", ["report", "outcomes", "--by", "layout",
                                                                     "--index", index, "--format", "json", q], ok=(0, 1)))
                say(f"  note  imr report {q!r} without --exact (the vocabulary's other names too): "
                    f"{sum(r['decisions'] for r in rows)} decisions")
        return exports, want

    # -- a worker killed during a job --
    def kill_during_job(self, label, export, want):
        out = os.path.join(self.tmp, label, "out-kill")
        log = out + ".log"
        victim = self.workers[2]
        started = time.time()
        job = self.procs.start("job kill", self.submit_cmd(export, out), log)
        before = set(os.listdir(victim["dir"]))

        def executor_running():
            for app in set(os.listdir(victim["dir"])) - before:
                for d, _, fs in os.walk(os.path.join(victim["dir"], app)):
                    if "stderr" in fs and "Running task" in tail(os.path.join(d, "stderr"), 10 ** 6):
                        return True
            return False
        try:
            self.wait_for(executor_running, "worker 2's executor running tasks", 300, [job])
        except Failure as e:
            self.procs.kill_tree(job)
            return self.check(f"{label}: job survives a killed worker", False, str(e))
        running = job.poll() is None
        killed = self.procs.kill_tree(victim["proc"])
        say(f"  kill  worker 2 and its executor, SIGKILL to pids {killed}, "
            f"{time.time() - started:.1f} s into the job (job still running: {running})")
        try:
            job.wait(timeout=min(600, self.remaining()))
        except subprocess.TimeoutExpired:
            self.procs.kill_tree(job)
            return self.check(f"{label}: job survives a killed worker", False, "the job did not finish")
        took = self.timed("spark job: worker killed", started)
        text = tail(log, 10 ** 6)
        lost = [line for line in text.splitlines() if "Lost executor" in line or "Executor lost" in line
                or "Removing executor" in line]
        ok = job.returncode == 0 and running
        self.check(f"{label}: the kill came during the job and the driver saw the executor go", running and bool(lost),
                   lost[0].strip()[:200] if lost else "no executor loss in the driver's log")
        if not ok:
            return self.check(f"{label}: job survives a killed worker", False,
                              f"exit {job.returncode}:\n{tail(log, 25)}")
        say(f"  job   {label} with worker 2 killed: {took:.1f} s")
        return self.compare_all(f"{label}: with worker 2 killed", self.results(out), want)

    # -- proof from the logs --
    def executor_logs(self):
        master = tail(self.master_log, 10 ** 6).splitlines()
        ok = True
        for n, w in self.workers.items():
            launched = [line for line in master if "Launching executor" in line and w["id"] and w["id"] in line]
            asked = [line for line in tail(w["log"], 10 ** 6).splitlines() if "Asked to launch executor" in line]
            tasks = 0
            for d, _, fs in os.walk(w["dir"]):
                if "stderr" in fs:
                    tasks += tail(os.path.join(d, "stderr"), 10 ** 7).count("Finished task")
            ok &= self.check(f"worker {n} launched executors and they ran tasks", bool(launched) and bool(asked) and tasks > 0,
                             f"{len(launched)} executors, {tasks} tasks finished")
            for line in (launched[:1] + asked[:1]):
                say("        " + line.strip())
        return ok

    def prepare(self):
        """Folders and the environment every Spark process starts with (loopback only)."""
        a = self.args
        for d in ("logs", "conf", "local"):
            os.makedirs(os.path.join(self.tmp, d), exist_ok=True)
        self.procs.env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_HOME=self.spark_home,
                              SPARK_CONF_DIR=os.path.join(self.tmp, "conf"),
                              SPARK_LOCAL_DIRS=os.path.join(self.tmp, "local"),
                              SPARK_LOG_DIR=os.path.join(self.tmp, "logs"),
                              SPARK_PID_DIR=os.path.join(self.tmp, "logs"),
                              PYSPARK_PYTHON=a.python, PYSPARK_DRIVER_PYTHON=a.python,
                              SPARK_WORKER_OPTS="-Dspark.worker.cleanup.enabled=false")
        self.procs.env.pop("PYTHONPATH", None)

    def main(self):
        a = self.args
        say(f"Spark {a.spark_version} ({self.spark_home}), {a.java_version}; imr {a.imr}; temp {self.tmp}")
        self.prepare()
        self.start_cluster()
        exports, want = self.corpus("letters", a.letters, top_min=True)
        if os.path.isdir(a.real):
            real_exports, real_want = self.corpus("real-2016", a.real)
            kill_label, kill_export, kill_want = "real-2016", real_exports["export-20"], real_want
        else:
            say(f"real-2016: {a.real} not found, skipped")
            kill_label, kill_export, kill_want = "letters", exports["export-20"], want
        self.executor_logs()
        self.kill_during_job(kill_label, kill_export, kill_want)
        j = self.master_json() or {}
        states = {w.get("id"): w.get("state") for w in j.get("workers", [])}
        say("  master now: " + ", ".join(f"{k} {v}" for k, v in states.items()))


def find_spark(python):
    try:
        out = subprocess.run([python, "-c", "import os, pyspark; print(pyspark.__version__); "
                              "print(os.path.dirname(pyspark.__file__))"],
                             capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    if out.returncode != 0:
        return None
    version, home = out.stdout.split()[-2:]
    return version, home


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--imr", default=os.path.join(REPO, "target", "release", "imr"), help="the imr binary")
    ap.add_argument("--python", help="a Python with pyspark (the job's driver and workers)")
    ap.add_argument("--letters", default=os.path.join(REPO, "data", "letters"))
    ap.add_argument("--real", default=os.path.join(os.path.dirname(REPO), "shared", "corpus", "real-2016"))
    ap.add_argument("--timeout", type=int, default=1500, help="seconds for the whole test (default 1500)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (logs, indexes, exports)")
    a = ap.parse_args()
    ci = in_ci()

    def skip(why):
        if ci:
            say(f"spark cluster test: FAILED: {why} (CI is set, so this is not skipped)")
            return 1
        say(f"spark cluster test: skipped: {why}")
        return 0

    java = shutil.which("java") or (os.environ.get("JAVA_HOME") and os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    if not java or not os.path.exists(java):
        return skip("no Java (install default-jre-headless)")
    jv = subprocess.run([java, "-version"], capture_output=True, text=True)
    if jv.returncode != 0:
        return skip(f"{java} -version failed")
    a.java_version = (jv.stderr.splitlines() or ["java"])[0]
    candidates = [a.python, os.environ.get("IMR_SPARK_PYTHON"),
                  os.path.join(REPO, "target", "spark-venv", "bin", "python"), sys.executable]
    found = None
    for c in [c for c in candidates if c]:
        if os.path.exists(c) and (found := find_spark(c)):
            a.python = os.path.abspath(c)
            break
    if not found:
        return skip("no pyspark (python3 -m venv target/spark-venv && "
                    "target/spark-venv/bin/pip install pyspark==4.3.0)")
    a.spark_version, spark_home = found
    a.imr = os.path.abspath(a.imr)
    if not os.access(a.imr, os.X_OK):
        say(f"spark cluster test: FAILED: no imr binary at {a.imr} (cargo build --release)")
        return 1
    for sub in ("export", "tokens"):
        if subprocess.run([a.imr, sub, "--help"], capture_output=True).returncode != 0:
            say(f"spark cluster test: FAILED: {a.imr} has no `{sub}` command")
            return 1
    a.letters, a.real = os.path.abspath(a.letters), os.path.abspath(a.real)

    started = time.time()
    a.deadline = started + a.timeout
    tmp = tempfile.mkdtemp(prefix="imr-spark-")
    test = Test(a, tmp)
    test.spark_home = spark_home

    def on_alarm(signum, frame):
        raise Deadline(f"the test ran past its {a.timeout} s limit")

    def on_term(signum, frame):
        raise Deadline("terminated (SIGTERM)")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(a.timeout)
    error = None
    try:
        test.main()
    except (Failure, Deadline, KeyboardInterrupt) as e:
        error = str(e) or type(e).__name__
    finally:
        signal.alarm(0)
        ended = test.procs.started
        left = test.procs.end_all()
        say(f"ended {len(ended)} started processes and their children by PID"
            + (f"; STILL RUNNING: {left}" if left else "; none left running"))
    if error:
        test.failed.append("error")
        say(f"  FAIL  {error}")
    for what, took in test.timings:
        say(f"  time  {what}: {took:.1f} s")
    total = time.time() - started
    say(f"spark cluster test: {len(test.passed)} passed, {len(test.failed)} failed in {total:.0f} s")
    if test.failed or a.keep:
        say(f"logs and data kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if test.failed or left else 0


if __name__ == "__main__":
    sys.exit(main())
