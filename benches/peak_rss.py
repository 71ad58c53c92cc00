#!/usr/bin/env python3
"""Runs a command and prints the peak of the resident memory of it and its children, summed
(what `/usr/bin/time` cannot say: it gives the largest single process). Samples /proc every
5 ms, so a peak shorter than that can be missed.

    python3 benches/peak_rss.py imr index --memory 400 letters/
"""
import os, subprocess, sys, time


def tree_rss_kb(root):
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if int(name) != root and ppid != root:
                continue
            with open(f"/proc/{name}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total


child = subprocess.Popen(sys.argv[1:])
peak, started = 0, time.time()
while child.poll() is None:
    peak = max(peak, tree_rss_kb(child.pid))
    time.sleep(0.005)
print(f"peak_rss.py: exit {child.returncode}, {time.time() - started:.2f} s, "
      f"peak resident memory of the process and its children {peak / 1000:.0f} MB", file=sys.stderr)
sys.exit(child.returncode)
