"""Process, port, CPU and wrk plumbing for bench/run. Only processes started here are ever stopped."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import http.client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "bench")
WORK = os.path.join(BENCH, ".work")
TICK = os.sysconf("SC_CLK_TCK")
ACCEPT = "application/json, text/event-stream"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(process, lines=20):
    path = getattr(process, "log_path", None)
    if not path or not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-lines:])


class Processes:
    """Starts processes in their own process groups and stops exactly those."""

    def __init__(self):
        self.running = []

    def start(self, name, argv, env=None, cwd=None):
        log = open(os.path.join(WORK, name + ".log"), "wb")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=cwd or ROOT,
                             env={**os.environ, **(env or {})}, start_new_session=True)
        p.log_path = log.name
        self.running.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if p in self.running:
            self.running.remove(p)

    def stop_all(self):
        for p in list(self.running):
            self.stop(p)


def group_pids(pid):
    """The pid and every descendant (nginx workers, Node children)."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
        except FileNotFoundError:
            out = []
        for child in map(int, out):
            pids.append(child)
            frontier.append(child)
    return pids


def proc_stat(pid):
    """(command name, parent pid, user + system CPU seconds) of one process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            head, rest = f.read().rsplit(")", 1)
        fields = rest.split()
        return head.split("(", 1)[1], int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


def cpu_seconds(pids):
    """User + system CPU seconds of these processes (all their threads)."""
    return sum(stat[2] for stat in map(proc_stat, pids) if stat)


def other_cpu_seconds(ours):
    """CPU seconds of every process that is not ours, this harness or its children (wrk). The kernel's
    softirq threads are left out: at 100k requests/s they carry our own loopback traffic."""
    me = os.getpid()
    skip = set(ours) | {me}
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in skip:
            stat = proc_stat(entry)
            if stat and stat[1] != me and not stat[0].startswith("ksoftirqd"):
                total += stat[2]
    return total


def steal_seconds():
    """CPU time the hypervisor gave to other machines while ours wanted it."""
    with open("/proc/stat") as f:
        return int(f.readline().split()[8]) / TICK


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_http(port, path="/", timeout=60, method="GET", body=None, headers=None, process=None):
    """Polls until something answers below 500; fails at once, with its log, if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{' '.join(process.args[:3])}... exited with {process.returncode}:\n{log_tail(process)}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request(method, path, body, headers or {})
            r = c.getresponse()
            r.read()
            if r.status < 500:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path} within {timeout} s")


def mcp_post(port, path, message, session=None, timeout=60, extra=None):
    """One MCP POST; returns (status, headers dict, parsed JSON-RPC message or None)."""
    headers = {"content-type": "application/json", "accept": ACCEPT, **(extra or {})}
    if session:
        headers["mcp-session-id"] = session
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("POST", path, json.dumps(message), headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    parsed = None
    if body:
        text = body.decode()
        if text.lstrip().startswith("event:") or text.lstrip().startswith("id:") or "\ndata:" in text:
            data = [line[5:].strip() for line in text.splitlines() if line.startswith("data:") and line[5:].strip()]
            text = data[-1] if data else "null"
        parsed = json.loads(text)
    return r.status, {k.lower(): v for k, v in r.getheaders()}, parsed


def initialize(port, path, extra=None):
    status, headers, _ = mcp_post(port, path, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}},
        extra=extra)
    if status != 200:
        raise RuntimeError(f"initialize on :{port}{path} answered {status}")
    session = headers.get("mcp-session-id")
    mcp_post(port, path, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session, extra=extra)
    return session


def wrk(url, connections, seconds, method=None, bodies=(), session=None, encoding=None, header=None):
    """One wrk run (POST when there are bodies, else GET); returns its JSON summary (rps, p50/p90/p99 in µs,
    requests, errors, bytes)."""
    method = method or ("POST" if bodies else "GET")
    threads = 1 if connections == 1 else 2
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODIES": "\n".join(bodies), "BENCH_SESSION": session or "",
           "BENCH_ENCODING": encoding or "", "BENCH_HEADER": header or ""}
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-s", os.path.join(BENCH, "lib", "wrk.lua"), url],
                         capture_output=True, text=True, env=env, timeout=seconds + 60)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("wrk printed no summary:\n" + out.stdout + out.stderr)


def nginx(processes, name, server_block, workers=1):
    """An nginx with its own prefix, pid and temp paths; returns (process, port)."""
    port = free_port()
    prefix = os.path.join(WORK, name)
    os.makedirs(prefix, exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes {workers};
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
{server_block.replace("PORT", str(port))}
}}
""")
    p = processes.start(name, [shutil.which("nginx") or "/usr/sbin/nginx", "-p", prefix, "-c", conf])
    wait_http(port, process=p)
    return p, port


def hop(processes, name, upstream_port):
    """nginx as a plain reverse proxy with upstream keep-alive: the floor one extra hop costs."""
    return nginx(processes, name, f"""
  upstream up {{ server 127.0.0.1:{upstream_port}; keepalive 128; keepalive_requests 1000000; }}
  server {{
    listen 127.0.0.1:PORT reuseport backlog=4096;
    location / {{ proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering on; }}
  }}""")
