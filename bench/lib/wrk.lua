-- wrk script for every workload. Environment:
--   BENCH_METHOD   GET or POST (default POST)
--   BENCH_BODIES   request bodies separated by "\n"; __ID__ becomes a unique JSON-RPC id per request
--   BENCH_SESSION  Mcp-Session-Id to send, if any
--   BENCH_ENCODING Accept-Encoding to send, if any
--   BENCH_HEADER   more headers to send, "Name: value" each, separated by "\n" (an API key; the 2026-07-28
--                  request headers), if any
-- done() prints one JSON line: rps, latency percentiles (microseconds), requests, errors.
local method = os.getenv("BENCH_METHOD") or "POST"
local session = os.getenv("BENCH_SESSION")
local encoding = os.getenv("BENCH_ENCODING")
local extra = os.getenv("BENCH_HEADER")
local bodies = {}
for line in string.gmatch(os.getenv("BENCH_BODIES") or "", "[^\n]+") do
  table.insert(bodies, line)
end

local counter = 0
thread_index = 0  -- set per thread by setup() (a global in each thread)
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = method
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  if session ~= nil and session ~= "" then
    wrk.headers["Mcp-Session-Id"] = session
  end
  if encoding ~= nil and encoding ~= "" then
    wrk.headers["Accept-Encoding"] = encoding
  end
  if extra ~= nil and extra ~= "" then
    for line in string.gmatch(extra, "[^\n]+") do
      local name, value = string.match(line, "^([^:]+):%s*(.*)$")
      wrk.headers[name] = value
    end
  end
end

function request()
  counter = counter + 1
  if #bodies == 0 then
    return wrk.format()
  end
  local body = bodies[(counter % #bodies) + 1]
  body = string.gsub(body, "__ID__", tostring(thread_index * 100000000 + counter))
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"rps":%.1f,"p50":%d,"p90":%d,"p99":%d,"requests":%d,"errors":%d,"non2xx":%d,"bytes":%d,"seconds":%.3f}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
    latency:percentile(99), summary.requests, errors, summary.errors.status, summary.bytes,
    summary.duration / 1e6))
end
