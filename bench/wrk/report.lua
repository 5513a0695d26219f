-- Shared by the wrk scripts of bench/run (loaded with dofile, so wrk runs from bench/wrk).
--
-- Counts every answer that is not 200 in each wrk thread, and the "duplicates" the collector
-- reports in its 200 answers, and at the end prints one line
--   OMNI_RESULT requests=N duration_us=N p50_us=N p99_us=N non200=N socket_errors=N duplicates=N
-- for bench/run to parse. A run with any non-200 answer or socket error exits 1: throughput
-- is only reported for requests the collector acknowledged. Duplicates must stay 0 (every id is
-- random): a repeat would mean events counted that the store never had to insert.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non200 = 0
duplicates = 0
first_failure = ""

function response(status, headers, body)
  if status == 200 then
    local repeated = string.match(body or "", '"duplicates"%s*:%s*(%d+)')
    if repeated then duplicates = duplicates + tonumber(repeated) end
  else
    non200 = non200 + 1
    if first_failure == "" then
      first_failure = tostring(status) .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local failures = 0
  local repeated = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("non200")
    repeated = repeated + thread:get("duplicates")
    if sample == "" then sample = thread:get("first_failure") end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    "OMNI_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non200=%d socket_errors=%d duplicates=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    failures, socket_errors, repeated))
  if failures > 0 or socket_errors > 0 or repeated > 0 then
    io.write(string.format(
      "OMNI_FAILURE %d non-200 answers, %d duplicates, socket errors: connect %d read %d write %d timeout %d; first non-200: %s\n",
      failures, repeated, errors.connect, errors.read, errors.write, errors.timeout, sample))
    os.exit(1)
  end
end
