#!/usr/bin/env python3
"""Runs every row of edgernn_bench once, briefly, and checks that each one ran and reported
sane counters: no row skipped with an error, every counter finite and positive, the probes'
context present. Speed is not checked here (that is the benchmark's own job, read by people);
this catches a benchmark that crashes, refuses a model or divides by zero.

Usage: smoke_check.py path/to/edgernn_bench
"""
import json
import math
import subprocess
import sys

COUNTERS = ("ns/step", "GFLOP/s", "%peak", "%ceiling", "weight_KiB")
CONTEXT = ("kernels", "width_rule", "peak_gflops", "widened_gflops",
           "read_GBps_L1", "read_GBps_L2", "read_GBps_L3")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: smoke_check.py path/to/edgernn_bench")
    bench = sys.argv[1]
    listed = subprocess.run([bench, "--benchmark_list_tests"], check=True,
                            capture_output=True, text=True).stdout.split()
    run = subprocess.run([bench, "--benchmark_min_time=0.0005", "--benchmark_format=json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"edgernn_bench exited with {run.returncode}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    problems = []
    context = report.get("context", {})
    for key in CONTEXT:
        if key not in context:
            problems.append(f"context lacks {key}")
        elif key not in ("kernels", "width_rule") and not float(context[key]) > 0:
            problems.append(f"context {key} = {context[key]}")
    rows = report.get("benchmarks", [])
    names = [r["name"] for r in rows]
    if names != listed:
        missing = sorted(set(listed) - set(names))
        problems.append(f"{len(names)} rows ran of {len(listed)} listed; missing: {missing[:5]}")
    for r in rows:
        if r.get("error_occurred"):
            problems.append(f"{r['name']}: {r.get('error_message', 'error')}")
            continue
        for c in COUNTERS:
            v = r.get(c)
            if v is None or not math.isfinite(v) or v <= 0:
                problems.append(f"{r['name']}: {c} = {v}")
    cells = {n.split("/")[0] for n in names}
    if cells != {"simple_rnn", "lstm", "gru"}:
        problems.append(f"cells {sorted(cells)}")
    if problems:
        print("\n".join(problems[:40]))
        sys.exit(f"{len(problems)} problems in {len(rows)} rows")
    print(f"{len(rows)} rows ran, every counter finite and positive "
          f"(kernels {context['kernels']}, width rule {context['width_rule']}, "
          f"peak {float(context['peak_gflops']):.1f} GFLOP/s)")


if __name__ == "__main__":
    main()
