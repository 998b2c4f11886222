"""bench/run: every workload side by side with its references, in one run; writes bench/results/latest.md."""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
import report  # noqa: E402
import systems  # noqa: E402
import workloads  # noqa: E402

WORKLOADS = {
    "conversion": workloads.conversion,
    "passthrough": workloads.passthrough,
    "policies": workloads.policies,
    "cluster": workloads.cluster,
    "oauth": workloads.oauth,
    "observability": workloads.observability,
    "sessions": workloads.sessions,
    "startup": workloads.startup,
    "tools_list": workloads.tools_list,
    "jmh": workloads.jmh,
}


def facts():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    java = subprocess.run([systems.JAVA, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    node = subprocess.run([systems.NODE, "--version"], capture_output=True, text=True).stdout.strip()
    return {"date": datetime.date.today().isoformat(), "cores": os.cpu_count(), "cpu": model,
            "kernel": platform.release(), "java": java, "nginx": nginx.replace("nginx version: ", ""),
            "node": node, "JVM options": " ".join(systems.java_command(True)[1:]).replace(systems.ROOT + "/", ""),
            "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def main():
    parser = argparse.ArgumentParser(prog="bench/run")
    parser.add_argument("--quick", action="store_true", help="3 s runs, one repetition, 1,000 sessions (a smoke run)")
    parser.add_argument("workloads", nargs="*", choices=list(WORKLOADS) + [[]], help="default: all")
    args = parser.parse_args()
    chosen = args.workloads or list(WORKLOADS)
    os.makedirs(harness.WORK, exist_ok=True)
    settings = workloads.Settings(args.quick)
    machine = facts()
    processes = harness.Processes()
    rows = []
    try:
        for name in chosen:
            started = time.monotonic()
            print(f"== {name}", flush=True)
            try:
                rows += WORKLOADS[name](processes, settings)
            finally:
                processes.stop_all()
            print(f"   {time.monotonic() - started:.0f} s", flush=True)
    finally:
        processes.stop_all()
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with open(os.path.join(harness.WORK, "results.jsonl"), "w") as raw:
        for row in rows:
            raw.write(json.dumps(row) + "\n")
    r = report.Report(machine)
    by = lambda w: [x for x in rows if x["workload"] == w]  # noqa: E731
    r.conversion(by("conversion"))
    r.passthrough(by("passthrough"))
    r.policies(by("policies"))
    r.cluster(by("cluster") + by("cluster-sessions"))
    r.oauth(by("oauth"))
    r.observability(by("observability"))
    r.stream(by("stream"))
    r.sessions(by("sessions"))
    r.startup(by("startup"))
    r.tools_list(by("tools_list"))
    r.jmh(by("jmh"))
    mode = "quick (smoke) run: 3 s windows, 1 repetition" if args.quick else "full run: JVMs warmed until throughput is stable, 10 s windows, median of 5 interleaved repetitions; a \"vs without\" ratio is the median of the ratios within each repetition"
    if chosen != list(WORKLOADS):
        mode += " (" + ", ".join(chosen) + " only)"
    text = r.render(f"# Toolgate benchmark — {mode}")
    # latest.md is the record of a whole run; a smoke run or a subset never replaces it
    name = "quick.md" if args.quick else "latest.md" if chosen == list(WORKLOADS) else "partial.md"
    out = os.path.join(harness.BENCH, "results", name)
    with open(out, "w") as f:
        f.write(text)
    print(text)
    print(f"written to {os.path.relpath(out, harness.ROOT)}")


if __name__ == "__main__":
    main()
