-- POSTs a vote to a random path of $BENCH_PATHS as a random anonymous browser
-- of $BENCH_TOKENS (its cookie), with a random value; prints a JSON summary
-- with p50/p95/p99 latencies at the end (as wrk.lua does for GETs).
local paths, tokens = {}, {}
local function read(file, into)
  if file then
    for line in io.lines(file) do
      if #line > 0 then into[#into + 1] = line end
    end
  end
end
read(os.getenv("BENCH_PATHS"), paths)
read(os.getenv("BENCH_TOKENS"), tokens)
local csrf_name = os.getenv("BENCH_CSRF_NAME") or "csrftoken"
local csrf = os.getenv("BENCH_CSRF") or ""
local browser_cookie = os.getenv("BENCH_BROWSER_COOKIE") or "wegov_opinions_browser"
local htmx = os.getenv("BENCH_HTMX") == "1"
local values = {"agree", "disagree", "pass"}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-CSRFToken"] = csrf,
    ["Cookie"] = csrf_name .. "=" .. csrf .. "; " .. browser_cookie .. "=" ..
      tokens[math.random(#tokens)],
  }
  if htmx then headers["HX-Request"] = "true" end
  local body = "value=" .. values[math.random(3)]
  return wrk.format("POST", paths[math.random(#paths)], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p95_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
