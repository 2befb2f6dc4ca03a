#!/usr/bin/env python3
"""Time per render: kubeplay against the Helm 4 library, same charts, same values, in process.

Issue 4's speed target compares kubeplay with the Helm library rendering the same chart in a
loop. This script runs both, interleaved, and keeps the minimum of each over the rounds
(this kind of shared machine changes speed by a third from one moment to the next; the
least disturbed run is the comparable one). It reports wall time and CPU time: Go's garbage
collector runs on other cores, so Helm's wall time depends on how idle the machine is, and
its CPU time is the work a render costs.

- kubeplay: crates/helm/examples/render_loop.rs (the CLI's allocator), "fresh" parses every
  template on every render, as Helm does; "reuse" keeps the parses (`Renderer`, what the page
  does while the templates do not change).
- Helm: the helm-python-sdk package (the Helm 4 library through a C bridge): `Chart.load`
  once, then `render` in a loop. Its figures include the bridge's fixed cost per call (JSON
  in and out), shown by the empty chart line.

Charts: kubeplay's starter (`kubeplay helm create web`), and, when the shared conformance
corpus is beside the repository, bitnami-nginx (tls off: RSA key generation would dominate)
and kube-state-metrics.

A dev-time oracle only, never a dependency; from the repository root:
    python3 -m venv /tmp/helmvenv && /tmp/helmvenv/bin/pip install helm-python-sdk
    cargo build --release -p kubeplay-helm --example render_loop
    cargo build --release -p kubeplay-cli
    /tmp/helmvenv/bin/python crates/helm/benches/compare_helm.py [ROUNDS]
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import helm_python
from helm_python import Chart

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RENDER_LOOP = os.path.join(ROOT, "target", "release", "examples", "render_loop")
KUBEPLAY = os.path.join(ROOT, "target", "release", "kubeplay")
CORPUS = os.path.join(ROOT, "..", "shared", "conformance", "helm", "cases")


def charts():
    """(label, chart dir, values as YAML for render_loop, the same values for Helm)."""
    work = tempfile.mkdtemp(prefix="kubeplay-compare-")
    subprocess.run([KUBEPLAY, "helm", "create", "web"], cwd=work, check=True,
                   capture_output=True)
    empty = os.path.join(work, "empty")
    os.makedirs(os.path.join(empty, "templates"))
    with open(os.path.join(empty, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: empty\nversion: 0.1.0\n")
    out = [("starter", os.path.join(work, "web"), None, {})]
    bitnami = os.path.join(CORPUS, "bitnami-nginx", "chart")
    ksm = os.path.join(CORPUS, "kube-state-metrics", "chart")
    if os.path.isdir(bitnami):
        out.append(("bitnami-nginx", bitnami, "tls: {enabled: false}",
                    {"tls": {"enabled": False}}))
        out.append(("kube-state-metrics", ksm, None, {}))
    else:
        print("note: the shared helm corpus is not beside the repository; starter only")
    return out, ("empty chart (bridge cost)", empty)


def helm_us(chart, values, loops):
    """(wall, CPU) µs per render. The CPU time counts every thread of the process: Go's
    garbage collector works on other cores, so on an idle machine Helm's wall time is
    lower than the work it does, and on a loaded one higher."""
    chart.render(values, name="demo", namespace="play")
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(loops):
        chart.render(values, name="demo", namespace="play")
    return ((time.perf_counter() - wall) / loops * 1e6,
            (time.process_time() - cpu) / loops * 1e6)


def kubeplay_us(path, mode, values, loops):
    """(wall, CPU) µs per render, as render_loop prints them."""
    args = [RENDER_LOOP, path, str(loops), mode] + ([values] if values else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    m = re.search(r"([\d.]+) µs CPU, ([\d.]+) µs wall", out)
    return float(m.group(2)), float(m.group(1))


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    for binary in (RENDER_LOOP, KUBEPLAY):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: build it first (see this file's docstring)")
    cases, (empty_label, empty_dir) = charts()
    loaded = {label: Chart.load(path) for label, path, _, _ in cases}
    empty = Chart.load(empty_dir)
    times = {}
    for _ in range(rounds):
        for label, path, yaml_values, values in cases:
            loops = 3000 if label == "starter" else 300
            for mode in ("fresh", "reuse"):
                times.setdefault((label, mode), []).append(
                    kubeplay_us(path, mode, yaml_values, loops))
            times.setdefault((label, "helm"), []).append(
                helm_us(loaded[label], values, 100 if label == "starter" else 20))
        times.setdefault(("empty", "helm"), []).append(helm_us(empty, {}, 300))
    print(f"Helm {helm_python.helm_sdk_version()} library vs kubeplay, µs per render, "
          f"minimum (median) over {rounds} interleaved rounds; wall time, then CPU time "
          f"(all threads); ratios of the minima and the median of each round's ratio")
    for label, _, _, _ in cases:
        for mode in ("fresh", "reuse"):
            line = f"{label:19s} {mode:5s}"
            for what, i in (("wall", 0), ("CPU", 1)):
                kp = [t[i] for t in times[(label, mode)]]
                helm = [t[i] for t in times[(label, "helm")]]
                # The ratio within each round cancels the machine's slower drifts.
                per_round = statistics.median(h / k for h, k in zip(helm, kp))
                line += (f" | {what} kubeplay {min(kp):7.1f} ({statistics.median(kp):7.1f})"
                         f" helm {min(helm):8.1f} ({statistics.median(helm):8.1f})"
                         f" {min(helm) / min(kp):5.1f}x, per round {per_round:5.1f}x")
            print(line)
    empty_wall = [t[0] for t in times[("empty", "helm")]]
    empty_cpu = [t[1] for t in times[("empty", "helm")]]
    print(f"{empty_label}: helm wall {min(empty_wall):.1f} ({statistics.median(empty_wall):.1f}),"
          f" CPU {min(empty_cpu):.1f} ({statistics.median(empty_cpu):.1f})")


if __name__ == "__main__":
    main()
