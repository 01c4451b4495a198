-- wrk script: POST the body in $BODY (a file) with $TYPE as Content-Type; at the end print
-- requests/s, latency percentiles and non-2xx answers, one "key value" per line.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("TYPE") or "application/json"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests_per_s %.1f\n", summary.requests / seconds))
  io.write(string.format("p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.3f\n", latency:percentile(99) / 1000))
  local e = summary.errors
  io.write(string.format("errors %d\n", e.connect + e.read + e.write + e.timeout + e.status))
end
