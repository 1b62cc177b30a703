-- wrk script for bench/load.py: every request takes a path at random from a file of paths.
--
--   wrk -c 32 -d 8s -s bench/load_wrk.lua http://127.0.0.1:PORT -- PATHS_FILE SEED
--
-- PATHS_FILE holds one path per line (query strings already percent-encoded). bench/load.py
-- writes it by sampling each page type's URLs with their weights, so picking lines uniformly
-- here reproduces that mix. Statuses are counted per thread; done() prints one line
-- "LOAD_RESULT {json}" with requests (answers), sent (requests written), bytes, wrk's error counts,
-- latency percentiles (µs) and the count of every status code. wrk records the latency of answers
-- that came within its --timeout only; a slower answer counts as a timeout instead.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. args[1])
  n_paths = #paths
  math.randomseed(tonumber(args[2] or "1") * 7919 + thread_id * 104729)
  statuses = {}
  sent = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", paths[math.random(n_paths)])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function json_number(value)
  return string.format("%.1f", value)
end

function done(summary, latency, requests)
  local statuses = {}
  local sent = 0
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("sent") or 0)
    local counted = thread:get("statuses") or {}
    for code, n in pairs(counted) do
      statuses[code] = (statuses[code] or 0) + n
    end
  end
  local status_parts = {}
  for code, n in pairs(statuses) do
    status_parts[#status_parts + 1] = string.format('"%s": %d', code, n)
  end
  local e = summary.errors
  local percentiles = {}
  for _, p in ipairs({50, 90, 95, 99, 99.9}) do
    percentiles[#percentiles + 1] = string.format('"p%s": %s', tostring(p), json_number(latency:percentile(p)))
  end
  io.write("LOAD_RESULT {")
  io.write(string.format('"requests": %d, "sent": %d, "duration_us": %d, "bytes": %d, ',
                         summary.requests, sent, summary.duration, summary.bytes))
  io.write(string.format('"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ',
                         e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format('"latency_us": {"min": %s, "mean": %s, "max": %s, "stdev": %s, %s}, ',
                         json_number(latency.min), json_number(latency.mean), json_number(latency.max),
                         json_number(latency.stdev), table.concat(percentiles, ", ")))
  io.write('"statuses": {' .. table.concat(status_parts, ", ") .. "}}\n")
end
