"""The systems under test: Toolgate, nginx floors and the Node MCP peers, started on free loopback ports."""
import json
import os
import re
import socket
import time

from harness import (BENCH, ROOT, WORK, free_port, initialize, log_tail, mcp_post, nginx, wait_http)

JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
JAR = os.path.join(ROOT, "target", "toolgate.jar")
AOT = os.path.join(ROOT, "target", "toolgate.aot")
PEERS = os.path.join(BENCH, "peers", "node_modules")
NODE = os.path.join(ROOT, "node_modules", ".bin", "node")
GITHUB = os.path.abspath(os.path.join(ROOT, "..", "shared", "fixtures", "openapi", "github-rest-api-v3.0.json"))
WIDGETS = os.path.join(BENCH, "specs", "widgets.yaml")

# the 266-byte widget of the reference measurements, as a REST answer and as a JSON-RPC result
WIDGET = '{"id":42,"name":"widget","price":9.99,"tags":["a","b"],"inStock":true,"description":"a widget for benchmarks","sku":"W-42-XL","warehouse":"north","updated":"2026-11-23T00:00:00Z"}'
RPC_RESULT = ('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{\\"id\\":42,\\"name\\":\\"widget\\"}"}],'
              '"structuredContent":{"id":42,"name":"widget","price":9.99,"tags":["a","b"],"inStock":true},"isError":false}}')


def java_command(aot, heap="512m"):
    """The JVM's options as ./toolgate gives them, with a fixed heap: the AOT cache, huge pages for the heap
    where the kernel hands them out on request, and the parallel collector with its young generation capped,
    unless JDK_JAVA_OPTIONS or JAVA_TOOL_OPTIONS name a collector (JDK_JAVA_OPTIONS=-XX:+UseG1GC measures the
    JVM's default)."""
    command = [JAVA, f"-Xmx{heap}", f"-Xms{heap}"]
    if aot and os.path.exists(AOT):
        command.append(f"-XX:AOTCache={AOT}")
    if huge_pages_on_request():
        command.append("-XX:+UseTransparentHugePages")
    if not re.search(r"-XX:\+Use[A-Za-z0-9]*GC", os.environ.get("JDK_JAVA_OPTIONS", "") + " "
                     + os.environ.get("JAVA_TOOL_OPTIONS", "")):
        command += ["-XX:+UseParallelGC", "-XX:MaxNewSize=128m"]
    return command


def huge_pages_on_request():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[madvise]" in f.read()
    except OSError:
        return False


def toolgate(processes, name, config, aot=True, wait=True, jar=JAR, args=()):
    """Toolgate with this config (YAML text) and these further options of `run`; returns (process, proxy port,
    admin port)."""
    path = os.path.join(WORK, name + ".yaml")
    with open(path, "w") as f:
        f.write(config)
    proxy, admin = free_port(), free_port()
    p = processes.start(name, java_command(aot and jar == JAR) + ["-jar", jar, "run", "--no-watch", "--config", path,
                                                    "--proxy-listen", f"127.0.0.1:{proxy}",
                                                    "--admin-listen", f"127.0.0.1:{admin}", *args])
    if wait:
        wait_http(admin, "/status", timeout=120, process=p)
    return p, proxy, admin


def rest_origin(processes):
    """nginx answering GET /api/widgets/... with the fixed widget JSON."""
    return nginx(processes, "rest-origin", f"""
  server {{
    listen 127.0.0.1:PORT reuseport backlog=4096;
    location /api/widgets/ {{ default_type application/json; return 200 '{WIDGET}'; }}
  }}""")


SSE_EVENT = ('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info",'
             '"data":"' + "x" * 900 + '"}}\n\n')


def nginx_string(text):
    """text inside an nginx single-quoted string: nginx drops a backslash before any character."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def mcp_origin(processes):
    """nginx as a fake MCP server: every POST gets a fixed tools/call result; GET /mcp/events is a 16 MiB
    SSE stream of 1 KiB notifications and GET /mcp/bytes the same file as application/octet-stream."""
    stream = os.path.join(WORK, "events.sse")
    with open(stream, "w") as f:
        f.write(SSE_EVENT * ((16 << 20) // len(SSE_EVENT)))
    p, port = nginx(processes, "mcp-origin", f"""
  server {{
    listen 127.0.0.1:PORT reuseport backlog=4096;
    location = /mcp/events {{ alias {stream}; default_type text/event-stream; }}
    location = /mcp/bytes {{ alias {stream}; default_type application/octet-stream; }}
    location / {{ default_type application/json; return 200 '{nginx_string(RPC_RESULT)}'; }}
  }}""")
    # an answer that is not the JSON-RPC result (nginx unescaping it, say) would bench a parse failure
    _, _, answer = mcp_post(port, "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {}})
    if answer != json.loads(RPC_RESULT):
        raise RuntimeError(f"the fake MCP server answers {answer!r}, not {RPC_RESULT}")
    return p, port


def bare_proxy(processes, upstream_port):
    """bench/floor/BareProxy.java: the least a Vert.x proxy does, in the same JVM as Toolgate's."""
    port = free_port()
    p = processes.start("bare-proxy", java_command(False) + ["-cp", JAR, os.path.join(BENCH, "floor", "BareProxy.java"),
                                                             str(port), str(upstream_port)])
    wait_http(port, "/mcp", method="POST", body="{}", headers={"content-type": "application/json"}, process=p)
    return p, port


def conversion_config(rest_port):
    return f"""_format_version: "3.0"
services:
  - name: widgets
    url: http://127.0.0.1:{rest_port}
    routes:
      - name: widgets-mcp
        paths: [/mcp]
        plugins:
          - name: ai-mcp-proxy
            config:
              mode: conversion-listener
              tools:
                - name: getWidget
                  description: One widget
                  method: GET
                  path: /api/widgets/{{id}}
                  parameters:
                    - {{name: id, in: path, required: true, schema: {{type: integer}}}}
                  responses:
                    "200":
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              id: {{type: integer}}
                              name: {{type: string}}
                              price: {{type: number}}
                              tags: {{type: array, items: {{type: string}}}}
                              inStock: {{type: boolean}}
"""


def authorization_server(processes):
    """The tests' oidc-provider (src/test/node/authorization-server.mjs), tokens valid for an hour; returns
    (process, issuer URL)."""
    p = processes.start("authorization-server", [NODE, os.path.join(ROOT, "src", "test", "node", "authorization-server.mjs")],
                        env={"AS_TOKEN_TTL": "3600"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(p.log_path) as log:
            for line in log:
                if line.startswith("{"):
                    return p, json.loads(line)["issuer"]
        if p.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"the authorization server did not start; see {p.log_path}")


def client_credentials_token(issuer, resource):
    """An access token (a JWT signed with RS256) for resource, as the MCP client mcp-client."""
    import base64
    import urllib.parse
    import urllib.request
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "resource": resource, "scope": "mcp:tools"})
    request = urllib.request.Request(issuer + "/token", data=form.encode(), headers={
        "authorization": "Basic " + base64.b64encode(b"mcp-client:mcp-client-secret").decode(),
        "content-type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["access_token"]


OAUTH_RESOURCE = "http://bench.local/mcp-oauth"


def oauth_config(rest_port, issuer):
    """The conversion route twice: as it is, and behind ai-mcp-oauth2 checking JWTs with the issuer's keys."""
    conversion = conversion_config(rest_port).split("services:\n", 1)[1]
    secured = conversion.replace("name: widgets\n", "name: widgets-oauth\n").replace(
        "name: widgets-mcp", "name: widgets-mcp-oauth").replace("paths: [/mcp]", "paths: [/mcp-oauth]").replace(
        "        plugins:\n", f"""        plugins:
          - name: ai-mcp-oauth2
            config:
              resource: {OAUTH_RESOURCE}
              authorization_servers: [{issuer}]
""")
    return f"""_format_version: "3.0"
services:
{conversion}{secured}"""


POLICY_CONSUMERS = """consumer_groups:
  - name: admin
consumers:
  - username: alice
    groups: [{name: admin}]
    keyauth_credentials: [{key: bench-key}]
"""


def policies_config(rest_port, mcp_port):
    """The conversion and passthrough routes twice each: as they are, and behind key-auth and tool ACLs."""
    conversion = conversion_config(rest_port).split("services:\n", 1)[1]
    secured = conversion.replace("name: widgets\n", "name: widgets-secured\n").replace(
        "name: widgets-mcp", "name: widgets-mcp-secured").replace("paths: [/mcp]", "paths: [/mcp-secured]").replace(
        "        plugins:\n", "        plugins:\n          - name: key-auth\n").replace(
        "              mode: conversion-listener\n", "              mode: conversion-listener\n"
        "              include_consumer_groups: true\n"
        "              default_acl: [{scope: tools, allow: [admin]}]\n")
    transformed = conversion.replace("name: widgets\n", "name: widgets-transformed\n").replace(
        "name: widgets-mcp", "name: widgets-mcp-transformed").replace("paths: [/mcp]", "paths: [/mcp-transformed]").replace(
        "        plugins:\n", "        plugins:\n          - name: request-transformer\n"
        "            config: {add: {headers: ['x-tenant:acme', 'x-api-key:k-123']}}\n")
    return f"""_format_version: "3.0"
{POLICY_CONSUMERS}services:
{conversion}{secured}{transformed}  - name: mcp
    url: http://127.0.0.1:{mcp_port}
    routes:
      - name: mcp
        paths: [/mcp-pass]
        strip_path: false
        plugins:
          - name: ai-mcp-proxy
            config: {{mode: passthrough-listener}}
      - name: mcp-secured
        paths: [/mcp-pass-secured]
        strip_path: false
        plugins:
          - name: key-auth
          - name: ai-mcp-proxy
            config:
              mode: passthrough-listener
              include_consumer_groups: true
              default_acl: [{{scope: tools, allow: [admin]}}]
              tools: [{{name: echo, description: Echo, acl: {{allow: [admin]}}}}]
"""


def redis(processes):
    """A redis-server without persistence, on a free port (the Debian package)."""
    port = free_port()
    p = processes.start("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                c.sendall(b"PING\r\n")
                if c.recv(1) == b"+":
                    return p, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def cluster_config(rest_port, redis_port):
    """The conversion route four times: as it is; with a local rate limit; with redis limits and redis
    sessions; with client-strategy sessions (for the heap of idle sessions). Limits never refuse here."""
    conversion = conversion_config(rest_port).split("services:\n", 1)[1]
    redis_block = f"{{host: 127.0.0.1, port: {redis_port}}}"

    def variant(suffix, plugins, session):
        text = conversion.replace("name: widgets\n", f"name: widgets-{suffix}\n").replace(
            "name: widgets-mcp", f"name: widgets-mcp-{suffix}").replace("paths: [/mcp]", f"paths: [/mcp-{suffix}]")
        text = text.replace("        plugins:\n", "        plugins:\n" + plugins)
        if session:
            text = text.replace("              mode: conversion-listener\n",
                                "              mode: conversion-listener\n" f"              server: {{session: {session}}}\n")
        return text

    limit = "          - name: rate-limiting\n            config: {{second: 1000000000{extra}}}\n"
    return f"""_format_version: "3.0"
services:
{conversion}{variant("local", limit.format(extra=""), None)}{variant("redis", limit.format(
        extra=", policy: redis, redis: " + redis_block), "{strategy: redis, redis: " + redis_block + "}")}{variant(
        "client", "", "{strategy: client, client: {secrets: [bench-secret-1]}}")}"""
def telemetry_receiver(processes):
    """nginx as a live OTLP collector and http-log endpoint: every POST answered 200 at once."""
    return nginx(processes, "telemetry-receiver", """
  server {
    listen 127.0.0.1:PORT reuseport backlog=4096;
    client_max_body_size 64m;
    location / { return 200; }
  }""")


def observability_config(rest_port, receiver_port):
    """The conversion route twice: as it is, and with every log plugin of the issue's budget on it (prometheus with
    every switch, opentelemetry tracing at sampling 1.0 with its metrics, http-log in batches of 200) and
    ai-mcp-proxy's statistics and audits."""
    conversion = conversion_config(rest_port).split("services:\n", 1)[1]
    observed = conversion.replace("name: widgets\n", "name: widgets-observed\n").replace(
        "name: widgets-mcp", "name: widgets-mcp-observed").replace("paths: [/mcp]", "paths: [/mcp-observed]").replace(
        "        plugins:\n", f"""        plugins:
          - name: prometheus
            config: {{per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true,
                     upstream_health_metrics: true, ai_metrics: true}}
          - name: opentelemetry
            config:
              traces_endpoint: http://127.0.0.1:{receiver_port}/v1/traces
              sampling_rate: 1.0
              metrics: {{endpoint: 'http://127.0.0.1:{receiver_port}/v1/metrics', enable_ai_metrics: true,
                        enable_request_metrics: true, enable_latency_metrics: true, push_interval: 5}}
          - name: http-log
            config:
              http_endpoint: http://127.0.0.1:{receiver_port}/logs
              queue: {{max_batch_size: 200}}
""").replace("              mode: conversion-listener\n", "              mode: conversion-listener\n"
                 "              logging: {log_statistics: true, log_audits: true}\n")
    return f"""_format_version: "3.0"
services:
{conversion}{observed}"""


def passthrough_config(mcp_port):
    return f"""_format_version: "3.0"
services:
  - name: mcp
    url: http://127.0.0.1:{mcp_port}
    routes:
      - name: mcp
        paths: [/mcp]
        strip_path: false
        plugins:
          - name: ai-mcp-proxy
            config: {{mode: passthrough-listener}}
"""


# the document lies in ../shared, outside the bench's configuration folder, which `run` refuses by default
GITHUB_ARGS = ["--allow-spec-outside-config-dir"]


def github_config():
    return f"""_format_version: "3.0"
services:
  - name: github
    url: https://api.github.com
    routes:
      - name: github-mcp
        paths: [/mcp]
        plugins:
          - name: ai-mcp-proxy
            config:
              mode: conversion-listener
              openapi: {{spec: {GITHUB}}}
"""


def node_conversion(processes, rest_port):
    """The Node conversion stack of the reference: supergateway (stateful, HTTP) over openapi-mcp-server (stdio)."""
    port = free_port()
    inner = (f"{NODE} {PEERS}/@ivotoby/openapi-mcp-server/bin/mcp-server.js --transport stdio "
             f"--api-base-url http://127.0.0.1:{rest_port} --openapi-spec {WIDGETS}")
    p = processes.start("node-conversion", [NODE, os.path.join(PEERS, "supergateway", "dist", "index.js"),
                                            "--stdio", inner, "--outputTransport", "streamableHttp", "--stateful",
                                            "--port", str(port), "--logLevel", "none"])
    wait_http(port, "/mcp", method="POST", body="{}", headers={"content-type": "application/json"}, process=p)
    return p, port


def node_openapi_http(processes, name, spec, api="http://127.0.0.1:9"):
    """@ivotoby/openapi-mcp-server serving a spec over its own HTTP transport; returns (process, port)."""
    port = free_port()
    p = processes.start(name, [NODE, os.path.join(PEERS, "@ivotoby", "openapi-mcp-server", "bin", "mcp-server.js"),
                               "--transport", "http", "--port", str(port), "--host", "127.0.0.1",
                               "--api-base-url", api, "--openapi-spec", spec])
    return p, port


def server_everything(processes):
    port = free_port()
    p = processes.start("server-everything", [NODE, os.path.join(PEERS, "@modelcontextprotocol", "server-everything",
                                                                  "dist", "index.js"), "streamableHttp"],
                        env={"PORT": str(port)})
    wait_http(port, "/mcp", method="POST", body="{}", headers={"content-type": "application/json"}, process=p)
    return p, port


def first_tool(port, path, session):
    _, _, listed = mcp_post(port, path, {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, session)
    return listed["result"]["tools"][0]["name"]


def call_ok(port, path, session, tool, arguments, extra=None):
    """A correctness gate: one call must succeed before a system is measured."""
    status, _, answer = mcp_post(port, path, {"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                                              "params": {"name": tool, "arguments": arguments}}, session, extra=extra)
    result = (answer or {}).get("result", {})
    if status != 200 or result.get("isError"):
        raise RuntimeError(f"tools/call {tool} on :{port}{path} failed: {status} {answer}")


def time_to_first_list(processes, name, start, port, path):
    """Seconds from spawning to the first complete tools/list (polled every 10 ms)."""
    t0 = time.monotonic()
    p = start()
    try:
        while time.monotonic() - t0 < 120:
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with {p.returncode} before serving tools/list:\n{log_tail(p)}")
            try:
                session = initialize(port, path)
                status, _, listed = mcp_post(port, path, {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, session)
                if status == 200 and listed and "result" in listed:
                    return time.monotonic() - t0, len(listed["result"]["tools"])
            except (OSError, RuntimeError, ValueError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{name} served no tools/list within 120 s")
    finally:
        processes.stop(p)
