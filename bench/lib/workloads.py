"""The workloads of bench/run. Each returns rows of measurements; report.py turns them into tables."""
import json
import os
import statistics
import subprocess
import time

import systems
from harness import (ROOT, WORK, cpu_seconds, group_pids, hop, initialize, other_cpu_seconds, steal_seconds, mcp_post, rss_kb,
                     wrk)

CALL = '{"jsonrpc":"2.0","id":__ID__,"method":"tools/call","params":{"name":"%s","arguments":%s}}'
# the same call as a 2026-07-28 (stateless) client sends it: its revision, client and capabilities in _meta
MODERN_META = ('"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
               '"io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"},'
               '"io.modelcontextprotocol/clientCapabilities":{}}')
MODERN_CALL = '{"jsonrpc":"2.0","id":__ID__,"method":"tools/call","params":{"name":"%s","arguments":%s,' + MODERN_META + '}}'
MODERN_HEADERS = "MCP-Protocol-Version: 2026-07-28\nMcp-Method: tools/call\nMcp-Name: %s"


class Settings:
    def __init__(self, quick):
        self.quick = quick
        self.seconds = 3 if quick else 10
        self.reps = 1 if quick else 5
        self.warmup = 3 if quick else 10


class Measure:
    """Runs wrk against one system, with its CPU and what other processes and the hypervisor took meanwhile."""

    def __init__(self, processes):
        self.processes = processes

    def __call__(self, url, connections, seconds, cpu_of=(), **wrk_args):
        ours = [pid for p in self.processes.running for pid in group_pids(p.pid)]
        measured = [pid for p in cpu_of for pid in group_pids(p.pid)]
        before = (cpu_seconds(measured), other_cpu_seconds(ours), steal_seconds())
        started = time.monotonic()
        result = wrk(url, connections, seconds, **wrk_args)
        elapsed = time.monotonic() - started
        after = (cpu_seconds(measured), other_cpu_seconds(ours), steal_seconds())
        result["cpu_us"] = (after[0] - before[0]) * 1e6 / max(result["requests"], 1) if cpu_of else None
        result["foreign_cores"] = max(after[1] - before[1], 0) / elapsed
        result["steal_cores"] = max(after[2] - before[2], 0) / elapsed
        return result


def conversion(processes, s):
    """W1/W2: tools/call converted to a REST call, beside the REST API itself, an nginx hop and the Node stack."""
    rest_p, rest = systems.rest_origin(processes)
    hop_p, hop_port = hop(processes, "rest-hop", rest)
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-conversion", systems.conversion_config(rest))
    tg_session = initialize(tg, "/mcp")
    systems.call_ok(tg, "/mcp", tg_session, "getWidget", {"path_id": 42})
    node_p, node = systems.node_conversion(processes, rest)
    node_session = initialize(node, "/mcp")
    node_tool = systems.first_tool(node, "/mcp", node_session)
    systems.call_ok(node, "/mcp", node_session, node_tool, {"id": 42})
    targets = {
        "direct (REST API)": dict(url=f"http://127.0.0.1:{rest}/api/widgets/42", method="GET"),
        "nginx proxy": dict(url=f"http://127.0.0.1:{hop_port}/api/widgets/42", method="GET", cpu_of=[hop_p]),
        "toolgate": dict(url=f"http://127.0.0.1:{tg}/mcp", bodies=[CALL % ("getWidget", '{"path_id":42}')],
                         session=tg_session, cpu_of=[tg_p]),
        "node (supergateway + openapi-mcp-server)": dict(url=f"http://127.0.0.1:{node}/mcp",
                                                         bodies=[CALL % (node_tool, '{"id":42}')], session=node_session),
    }
    return interleaved(processes, s, "conversion", targets, warm=["toolgate"])


def passthrough(processes, s):
    """Issue 4: MCP passthrough beside the fake MCP server itself, an nginx hop and a bare Vert.x proxy;
    then an SSE stream relayed (and observed event by event) beside the same bytes unobserved."""
    origin_p, origin = systems.mcp_origin(processes)
    hop_p, hop_port = hop(processes, "mcp-hop", origin)
    bare_p, bare = systems.bare_proxy(processes, origin)
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-passthrough", systems.passthrough_config(origin))
    body = [CALL % ("echo", '{"message":"hello"}')]
    targets = {
        "direct (fake MCP server)": dict(url=f"http://127.0.0.1:{origin}/mcp", bodies=body, session="bench-session"),
        "nginx proxy": dict(url=f"http://127.0.0.1:{hop_port}/mcp", bodies=body, session="bench-session", cpu_of=[hop_p]),
        "bare Vert.x proxy (floor)": dict(url=f"http://127.0.0.1:{bare}/mcp", bodies=body, session="bench-session",
                                          cpu_of=[bare_p]),
        "toolgate passthrough": dict(url=f"http://127.0.0.1:{tg}/mcp", bodies=body, session="bench-session",
                                     cpu_of=[tg_p]),
    }
    rows = interleaved(processes, s, "passthrough", targets, warm=["bare Vert.x proxy (floor)", "toolgate passthrough"])
    streams = {
        "direct (fake MCP server)": (origin, []), "nginx proxy": (hop_port, [hop_p]), "toolgate passthrough": (tg, [tg_p]),
    }
    measure = Measure(processes)
    for rep in range(s.reps):
        for name, (port, cpu_of) in streams.items():
            for kind, path in (("SSE, observed", "/mcp/events"), ("octet-stream, not observed", "/mcp/bytes")):
                if kind.startswith("octet") and not name.startswith("toolgate"):
                    continue
                r = measure(f"http://127.0.0.1:{port}{path}", 4, s.seconds, cpu_of=cpu_of)
                rows.append({"workload": "stream", "system": name, "kind": kind, "rep": rep,
                             "mb_per_s": r["bytes"] / r["seconds"] / (1 << 20), **r})
    return rows


def policies(processes, s):
    """Issues 12 and 17: key-auth and tool ACLs on, and a request-transformer adding two headers, beside the
    same conversion and passthrough routes without them, in one gateway (same JIT, same heap). Issue 16: the
    same conversion route called by a 2026-07-28 client (no session, _meta and request headers on each call)."""
    rest_p, rest = systems.rest_origin(processes)
    origin_p, origin = systems.mcp_origin(processes)
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-policies", systems.policies_config(rest, origin))
    key = {"apikey": "bench-key"}
    plain = initialize(tg, "/mcp")
    secured = initialize(tg, "/mcp-secured", extra=key)
    transformed = initialize(tg, "/mcp-transformed")
    systems.call_ok(tg, "/mcp-transformed", transformed, "getWidget", {"path_id": 42})
    systems.call_ok(tg, "/mcp", plain, "getWidget", {"path_id": 42})
    systems.call_ok(tg, "/mcp-secured", secured, "getWidget", {"path_id": 42}, extra=key)
    status, _, _ = mcp_post(tg, "/mcp-secured", {"jsonrpc": "2.0", "id": 9, "method": "tools/list"}, secured)
    if status != 401:
        raise RuntimeError(f"the secured route answered {status} without a key, not 401")
    call = [CALL % ("getWidget", '{"path_id":42}')]
    echo = [CALL % ("echo", '{"message":"hello"}')]
    modern = MODERN_CALL % ("getWidget", '{"path_id":42}')
    status, _, answer = mcp_post(tg, "/mcp", json.loads(modern.replace("__ID__", "9")),
                                 extra=dict(line.split(": ", 1) for line in (MODERN_HEADERS % "getWidget").split("\n")))
    if status != 200 or (answer or {}).get("result", {}).get("resultType") != "complete":
        raise RuntimeError(f"a 2026-07-28 tools/call answered {status} {answer}")
    targets = {
        "conversion": dict(url=f"http://127.0.0.1:{tg}/mcp", bodies=call, session=plain, cpu_of=[tg_p]),
        "conversion, 2026-07-28 client (no session)": dict(url=f"http://127.0.0.1:{tg}/mcp", bodies=[modern],
                                                           header=MODERN_HEADERS % "getWidget", cpu_of=[tg_p]),
        "conversion + key-auth + tool ACL": dict(url=f"http://127.0.0.1:{tg}/mcp-secured", bodies=call, session=secured,
                                                 header="apikey: bench-key", cpu_of=[tg_p]),
        "conversion + request-transformer (2 headers)": dict(url=f"http://127.0.0.1:{tg}/mcp-transformed", bodies=call,
                                                             session=transformed, cpu_of=[tg_p]),
        "passthrough": dict(url=f"http://127.0.0.1:{tg}/mcp-pass", bodies=echo, session="bench-session", cpu_of=[tg_p]),
        "passthrough + key-auth + tool ACL": dict(url=f"http://127.0.0.1:{tg}/mcp-pass-secured", bodies=echo,
                                                  session="bench-session", header="apikey: bench-key", cpu_of=[tg_p]),
    }
    return interleaved(processes, s, "policies", targets, warm=list(targets))


def cluster(processes, s):
    """Issue 14: conversion with a local rate limit, and with redis limits and redis sessions, beside the same
    route without them, in one gateway; then the heap of idle client-strategy sessions (sealed in their ids)."""
    rest_p, rest = systems.rest_origin(processes)
    redis_p, redis = systems.redis(processes)
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-cluster", systems.cluster_config(rest, redis))
    call = [CALL % ("getWidget", '{"path_id":42}')]
    targets = {}
    for name, path in (("conversion", "/mcp"), ("conversion + local rate limit", "/mcp-local"),
                       ("conversion + redis rate limit + redis sessions", "/mcp-redis")):
        session = initialize(tg, path)
        systems.call_ok(tg, path, session, "getWidget", {"path_id": 42})
        targets[name] = dict(url=f"http://127.0.0.1:{tg}{path}", bodies=call, session=session, cpu_of=[tg_p])
    rows = interleaved(processes, s, "cluster", targets, warm=list(targets))
    count = 1000 if s.quick else 10_000
    heap_before = java_heap_kb(tg_p.pid)
    rate = open_sessions(tg, "/mcp-client", count)
    heap_after = java_heap_kb(tg_p.pid)
    rows.append({"workload": "cluster-sessions", "system": "toolgate (strategy client)", "sessions": count,
                 "sessions_per_s": rate, "heap_kb_per_session": (heap_after - heap_before) / count,
                 "heap_bytes_per_session": (heap_after - heap_before) * 1024 / count})
    return rows


def oauth(processes, s):
    """Issue 13: ai-mcp-oauth2 checking a JWT (RS256, keys cached) on every request, beside the same
    conversion route without it, in one gateway: what validating the caller's token costs."""
    rest_p, rest = systems.rest_origin(processes)
    as_p, issuer = systems.authorization_server(processes)
    token = systems.client_credentials_token(issuer, systems.OAUTH_RESOURCE)
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-oauth", systems.oauth_config(rest, issuer))
    auth = {"Authorization": "Bearer " + token}
    plain = initialize(tg, "/mcp")
    secured = initialize(tg, "/mcp-oauth", extra=auth)
    systems.call_ok(tg, "/mcp", plain, "getWidget", {"path_id": 42})
    systems.call_ok(tg, "/mcp-oauth", secured, "getWidget", {"path_id": 42}, extra=auth)
    status, _, _ = mcp_post(tg, "/mcp-oauth", {"jsonrpc": "2.0", "id": 9, "method": "tools/list"}, secured)
    if status != 401:
        raise RuntimeError(f"the protected route answered {status} without a token, not 401")
    call = [CALL % ("getWidget", '{"path_id":42}')]
    targets = {
        "conversion": dict(url=f"http://127.0.0.1:{tg}/mcp", bodies=call, session=plain, cpu_of=[tg_p]),
        "conversion + ai-mcp-oauth2 (JWT, cached keys)": dict(url=f"http://127.0.0.1:{tg}/mcp-oauth", bodies=call,
                                                               session=secured, header="Authorization: Bearer " + token,
                                                               cpu_of=[tg_p]),
    }
    return interleaved(processes, s, "oauth", targets, warm=list(targets))


# fresh gateway processes the observability workload runs in, one after the other: the same build's ratio moved by
# ±0.03 from one JVM to the next (its compiled code or where its memory landed), more than runs of one process resolve
OBSERVED_PROCESSES = 2


def observability(processes, s):
    """Issue 15: one gateway, the conversion route with and without every log plugin (prometheus, opentelemetry
    tracing at sampling 1.0 and metrics to a live collector, http-log to a live endpoint) while the live page is
    open; and, when TOOLGATE_BASELINE_JAR names a build from before observability, that build's route beside it.
    Run in OBSERVED_PROCESSES fresh gateways in turn; their repetitions are numbered on, so the ratio is the
    median over all of them."""
    rest_p, rest = systems.rest_origin(processes)
    receiver_p, receiver = systems.telemetry_receiver(processes)
    rows, dropped = [], 0.0
    for run in range(1 if s.quick else OBSERVED_PROCESSES):
        started = []
        block, metrics = observed_block(processes, s, rest, receiver, run, started)
        for p in reversed(started):
            processes.stop(p)
        for row in block:
            row["rep"] += run * s.reps
            row["process"] = run
        rows += block
        dropped += sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                       if line.startswith("toolgate_observe_dropped_total{"))
    for row in rows:
        row["dropped_events"] = dropped
    return rows


def observed_block(processes, s, rest, receiver, run, started):
    """One gateway process's interleaved repetitions, and its metrics at their end."""
    tg_p, tg, admin = systems.toolgate(processes, f"toolgate-observability-{run}",
                                       systems.observability_config(rest, receiver))
    started.append(tg_p)
    # the live page open for the whole run: a reader of its event stream
    started.append(processes.start(f"live-page-{run}", ["curl", "-sN", "-o", "/dev/null",
                                                        f"http://127.0.0.1:{admin}/dashboard/events"]))
    off = initialize(tg, "/mcp")
    on = initialize(tg, "/mcp-observed")
    systems.call_ok(tg, "/mcp", off, "getWidget", {"path_id": 42})
    systems.call_ok(tg, "/mcp-observed", on, "getWidget", {"path_id": 42})
    call = [CALL % ("getWidget", '{"path_id":42}')]
    targets = {
        "conversion, observability off": dict(url=f"http://127.0.0.1:{tg}/mcp", bodies=call, session=off, cpu_of=[tg_p]),
        "conversion, all observability on": dict(url=f"http://127.0.0.1:{tg}/mcp-observed", bodies=call, session=on,
                                                 cpu_of=[tg_p]),
    }
    baseline = os.environ.get("TOOLGATE_BASELINE_JAR")
    if baseline:
        base_p, base, _ = systems.toolgate(processes, f"toolgate-baseline-{run}", systems.conversion_config(rest),
                                           jar=baseline)
        started.append(base_p)
        base_session = initialize(base, "/mcp")
        systems.call_ok(base, "/mcp", base_session, "getWidget", {"path_id": 42})
        targets["conversion, build without observability"] = dict(url=f"http://127.0.0.1:{base}/mcp", bodies=call,
                                                                 session=base_session, cpu_of=[base_p])
    rows = interleaved(processes, s, "observability", targets, warm=list(targets))
    metrics = subprocess.run(["curl", "-s", f"http://127.0.0.1:{admin}/metrics"], capture_output=True, text=True).stdout
    return rows, metrics


def warm_until_stable(url, s, **wrk_args):
    """performance.md §3.2 rule 3: a JVM target is warmed in 5 s windows until its throughput changes less than
    5 % from one window to the next, for at most 60 s (the JIT compiles for about 20 s under load here)."""
    if s.quick:
        wrk(url, 64, s.warmup, **wrk_args)
        return
    previous, spent = None, 0
    while spent < 60:
        rps = wrk(url, 64, 5, **wrk_args)["rps"]
        spent += 5
        if previous and abs(rps - previous) < 0.05 * previous:
            return
        previous = rps


def interleaved(processes, s, workload, targets, warm):
    """Every target warmed until stable, then a short pass over all of them again (warming one may have
    recompiled code another shares); then the repetitions, each at c=1 and c=64, the targets in a rotated
    order each repetition so that none always runs first."""
    measure = Measure(processes)
    args = {name: {k: v for k, v in t.items() if k not in ("url", "cpu_of")} for name, t in targets.items()}
    for name in warm:
        warm_until_stable(targets[name]["url"], s, **args[name])
    if not s.quick:
        for name in warm:
            wrk(targets[name]["url"], 64, 5, **args[name])
    rows = []
    names = list(targets)
    for rep in range(s.reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for connections in (1, 64):
            for name in order:
                t = targets[name]
                result = measure(t["url"], connections, s.seconds, cpu_of=t.get("cpu_of", ()), **args[name])
                rows.append({"workload": workload, "system": name, "connections": connections, "rep": rep, **result})
    return rows


def sessions(processes, s):
    """W3: memory of idle MCP sessions (initialized, no open stream): Toolgate beside server-everything."""
    count = 1000 if s.quick else 10_000
    rows = []
    # one client address opens them all: above the default cap of live sessions per address (1,000)
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-sessions", systems.conversion_config(9),
                                   args=["--max-sessions-per-client", str(count)])
    heap_before, rss_before = java_heap_kb(tg_p.pid), rss_kb(tg_p.pid)
    rate = open_sessions(tg, "/mcp", count)
    heap_after, rss_after = java_heap_kb(tg_p.pid), rss_kb(tg_p.pid)
    rows.append({"workload": "sessions", "system": "toolgate", "sessions": count, "sessions_per_s": rate,
                 "heap_kb_per_session": (heap_after - heap_before) / count,
                 "rss_kb_per_session": (rss_after - rss_before) / count})
    processes.stop(tg_p)
    se_p, se = systems.server_everything(processes)
    rss_before = sum(rss_kb(pid) for pid in group_pids(se_p.pid))
    rate = open_sessions(se, "/mcp", count)
    rss_after = sum(rss_kb(pid) for pid in group_pids(se_p.pid))
    rows.append({"workload": "sessions", "system": "server-everything", "sessions": count, "sessions_per_s": rate,
                 "heap_kb_per_session": None, "rss_kb_per_session": (rss_after - rss_before) / count})
    processes.stop(se_p)
    return rows


def open_sessions(port, path, count):
    started = time.monotonic()
    for _ in range(count):
        initialize(port, path)
    return count / (time.monotonic() - started)


def java_heap_kb(pid):
    """Heap in use after a full collection, from jcmd: the sum over the heap's lines with a total (G1 has one;
    the parallel and serial collectors one per generation)."""
    jcmd = systems.JAVA.replace("/bin/java", "/bin/jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=60)
    time.sleep(0.5)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    used = [int(line.split("used")[1].split("K")[0].strip().strip(",")) for line in out.splitlines()
            if "used" in line and "total" in line]
    if not used:
        raise RuntimeError("jcmd GC.heap_info gave no heap figure:\n" + out)
    return sum(used)


def startup(processes, s):
    """W4 and issue 3: spawn to the first served tools/list; Toolgate with and without the AOT cache, the Node peer."""
    runs = 2 if s.quick else 5
    rows = []
    cases = [
        ("toolgate, 1 tool, AOT cache", lambda: toolgate_start(processes, systems.conversion_config(9), True)),
        ("toolgate, 1 tool, no AOT cache", lambda: toolgate_start(processes, systems.conversion_config(9), False)),
        ("node openapi-mcp-server, 1 tool", lambda: node_start(processes, systems.WIDGETS)),
        ("toolgate, GitHub 1,223 operations, AOT cache", lambda: toolgate_start(processes, systems.github_config(), True,
                                                                                    systems.GITHUB_ARGS)),
        ("node openapi-mcp-server, GitHub", lambda: node_start(processes, systems.GITHUB)),
    ]
    for run in range(runs):
        for name, case in cases:
            seconds, tools = case()
            rows.append({"workload": "startup", "system": name, "rep": run, "seconds": seconds, "tools": tools})
    return rows


def toolgate_start(processes, config, aot, args=()):
    path = f"{systems.WORK}/startup.yaml"
    with open(path, "w") as f:
        f.write(config)
    port = systems.free_port()
    command = systems.java_command(aot) + ["-jar", systems.JAR, "run", "--no-watch", "--config", path,
                                           "--proxy-listen", f"127.0.0.1:{port}", "--admin-listen", "127.0.0.1:0", *args]
    return systems.time_to_first_list(processes, "toolgate", lambda: processes.start("startup", command), port, "/mcp")


def node_start(processes, spec):
    port = systems.free_port()
    command = [systems.NODE, f"{systems.PEERS}/@ivotoby/openapi-mcp-server/bin/mcp-server.js", "--transport", "http",
               "--port", str(port), "--host", "127.0.0.1", "--api-base-url", "http://127.0.0.1:9", "--openapi-spec", spec]
    return systems.time_to_first_list(processes, "node", lambda: processes.start("startup-node", command), port, "/mcp")


def tools_list(processes, s):
    """Issue 3: tools/list of GitHub's 1,223 operations, Toolgate beside the Node peer serving the same document.
    Clients built on fetch() ask for gzip; both servers are asked the same way, and Toolgate also without it."""
    rows = []
    tg_p, tg, _ = systems.toolgate(processes, "toolgate-github", systems.github_config(), args=systems.GITHUB_ARGS)
    session = initialize(tg, "/mcp")
    pages, cursor = [], None
    while True:
        params = {} if cursor is None else {"cursor": cursor}
        pages.append(json.dumps({"jsonrpc": "2.0", "id": "__ID__", "method": "tools/list", "params": params})
                     .replace('"__ID__"', "__ID__"))
        _, _, listed = mcp_post(tg, "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": params}, session)
        cursor = listed["result"].get("nextCursor")
        if not cursor:
            break
    tools = len(listed["result"]["tools"]) + (len(pages) - 1) * 500
    node_p, node = systems.node_openapi_http(processes, "node-github", systems.GITHUB)
    node_session = initialize_when_up(node)
    node_body = ['{"jsonrpc":"2.0","id":__ID__,"method":"tools/list"}']
    cases = {
        "toolgate, gzip": (f"http://127.0.0.1:{tg}/mcp", pages, session, "gzip, deflate", [tg_p]),
        "toolgate, uncompressed": (f"http://127.0.0.1:{tg}/mcp", pages, session, None, [tg_p]),
        "node openapi-mcp-server, gzip asked": (f"http://127.0.0.1:{node}/mcp", node_body, node_session, "gzip, deflate", []),
    }
    measure = Measure(processes)
    wrk(cases["toolgate, gzip"][0], 4, s.warmup, bodies=pages, session=session, encoding="gzip")
    for rep in range(s.reps):
        for connections in (1, 4):
            for name, (url, bodies, sid, encoding, cpu_of) in cases.items():
                r = measure(url, connections, s.seconds, bodies=bodies, session=sid, encoding=encoding, cpu_of=cpu_of)
                per_list = len(bodies)
                rows.append({"workload": "tools_list", "system": name, "connections": connections, "rep": rep,
                             "tools": tools if name.startswith("toolgate") else None, "pages": per_list,
                             "wire_bytes_per_list": r["bytes"] / max(r["requests"], 1) * per_list,
                             "full_lists_per_s": r["rps"] / per_list, **r})
    processes.stop(tg_p)
    processes.stop(node_p)
    return rows


def initialize_when_up(port):
    deadline = time.monotonic() + 120
    while True:
        try:
            return initialize(port, "/mcp")
        except (OSError, RuntimeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def jmh(processes, s):
    """W5: the hot paths alone (JMH, in-process); where time goes, not a pass/fail measure."""
    classpath = os.path.join(WORK, "jmh.classpath")
    subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "-B", "test-compile", "dependency:build-classpath",
                    "-Dmdep.includeScope=test", f"-Dmdep.outputFile={classpath}"], cwd=ROOT, check=True)
    with open(classpath) as f:
        jars = f.read().strip()
    out = os.path.join(WORK, "jmh.json")
    iterations = ["-wi", "2", "-i", "3"] if s.quick else ["-wi", "5", "-i", "5"]
    subprocess.run([systems.JAVA, "-cp", os.pathsep.join([os.path.join(ROOT, "target", "test-classes"),
                                                         os.path.join(ROOT, "target", "classes"), jars]),
                    "org.openjdk.jmh.Main", "-f", "1", *iterations, "-w", "1s", "-r", "1s", "-rf", "json", "-rff", out,
                    "ToolCallBenchmark", "ObservationBenchmark", "SpanExportBenchmark",
                    "TraceContextBenchmark"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        results = json.load(f)
    return [{"workload": "jmh", "system": r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1],
             "score": r["primaryMetric"]["score"], "error": r["primaryMetric"]["scoreError"],
             "unit": r["primaryMetric"]["scoreUnit"]} for r in results]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
