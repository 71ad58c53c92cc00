#!/usr/bin/env bash
# Load benchmark of `imr serve`: wrk on loopback against /api/search and /search over the
# queries of benches/queries.txt, then the same queries in one process (`imr-gen bench`), in
# one run on the same machine. Usage:
#   benches/serve.sh INDEX_DIR   (DURATION=30s CONNECTIONS=32 QUERIES=benches/queries.txt by default)
# Needs wrk (Debian: apt-get install wrk) and a release build (cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:?usage: benches/serve.sh INDEX_DIR}
duration=${DURATION:-30s}
connections=${CONNECTIONS:-32}
imr=${IMR:-target/release/imr}
imr_gen=${IMR_GEN:-target/release/imr-gen}
threads=$((connections < 2 ? connections : 2))
queries=${QUERIES:-benches/queries.txt}
out=$(mktemp)
"$imr" serve --index "$index" --addr 127.0.0.1:0 >"$out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
url=$(head -n 1 "$out")
url=${url%/}
echo "imr serve at $url, index $index, $(nproc) cores; wrk -t$threads -c$connections -d$duration"
# One pass over every query first, so that the timed runs start warm, as `imr-gen bench` does.
for target in /api/search /search; do
  grep -v '^#' "$queries" | grep -v '^$' | while read -r q; do
    curl -s -o /dev/null -G --data-urlencode "q=$q" "$url$target"
  done
done
for target in /api/search /search; do
  echo
  echo "== $target"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s benches/serve.lua "$url" -- "$target" "$queries"
done
echo
echo "== the same queries in one process (imr-gen bench --runs 20): median and slowest run per query, ms"
"$imr_gen" bench --runs 20 --index "$index" "$queries" | python3 -c '
import json, sys
for line in sys.stdin:
    t = json.loads(line)
    if t["kind"] not in ("search", "facets"):
        continue
    ms = sorted(t["ms"])
    print("%-7s %-46s %7d matched  median %6.1f  max %6.1f" % (t["kind"], t["what"], t["matched"], ms[len(ms) // 2], ms[-1]))
'
