-- A fixed mix of requests for wrk, checked response by response (benchmarks/load.py writes the inputs).
--
--   wrk -t2 -c8 -d20s -s benchmarks/lua/mix.lua http://127.0.0.1:PORT -- REQUESTS.tsv [REDIRECT_PATTERN] [FAIL_MARKER]
--
-- REQUESTS.tsv: one request a line, "METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY" (cookie and body may be empty; a body is
-- sent as an urlencoded form). Each thread cycles through the lines in order, from its own starting point.
-- A response counts as good when it is 2xx, or a 3xx whose Location matches REDIRECT_PATTERN (a Lua pattern; empty:
-- no redirect is good, e.g. a redirect to the login page). A 2xx whose body contains FAIL_MARKER (plain text; empty:
-- not checked) is bad: a form re-rendered with errors instead of the redirect that a successful POST gives.
-- done() prints one line, "WRK_JSON {...}", with the counts, wrk's own errors and the latency percentiles.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local path = args[1]
  redirect_pattern = args[2] or ""
  fail_marker = args[3] or ""
  requests_list = {}
  for line in io.lines(path) do
    if line ~= "" then
      local f = split(line)
      local headers = {}
      if f[3] and f[3] ~= "" then
        headers["Cookie"] = f[3]
      end
      local body = nil
      if f[4] and f[4] ~= "" then
        body = f[4]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      end
      table.insert(requests_list, wrk.format(f[1], f[2], headers, body))
    end
  end
  if #requests_list == 0 then
    error("no requests in " .. path)
  end
  -- Threads start at different places so that they do not send the same request at the same moment.
  counter = ((id - 1) * 7) % #requests_list
  good, redirected, bad, failed_forms = 0, 0, 0, 0
  bad_statuses = {}
end

function request()
  counter = counter + 1
  if counter > #requests_list then
    counter = 1
  end
  return requests_list[counter]
end

local function count_bad(status)
  bad = bad + 1
  local key = tostring(status)
  bad_statuses[key] = (bad_statuses[key] or 0) + 1
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    if fail_marker ~= "" and body and string.find(body, fail_marker, 1, true) then
      failed_forms = failed_forms + 1
      count_bad(status)
    else
      good = good + 1
    end
  elseif status >= 300 and status < 400 then
    local location = headers["Location"] or headers["location"] or ""
    if redirect_pattern ~= "" and string.match(location, redirect_pattern) then
      redirected = redirected + 1
    else
      count_bad(status)
    end
  else
    count_bad(status)
  end
end

function done(summary, latency, requests)
  local totals = { good = 0, redirected = 0, bad = 0, failed_forms = 0 }
  local statuses = {}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
    local thread_statuses = thread:get("bad_statuses") or {}
    for key, value in pairs(thread_statuses) do
      statuses[key] = (statuses[key] or 0) + value
    end
  end
  local status_parts = {}
  for key, value in pairs(statuses) do
    table.insert(status_parts, string.format('"%s": %d', key, value))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"good": %d, "redirected": %d, "bad": %d, "failed_forms": %d, "bad_statuses": {%s}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    totals.good, totals.redirected, totals.bad, totals.failed_forms, table.concat(status_parts, ", "),
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean
  ))
end
