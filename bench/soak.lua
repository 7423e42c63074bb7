-- wrk script for bench/soak.sh: plain polling, mixed.  Each request
-- takes the next path of the list; the symbols are the simulator's.
local paths = {
  "/api/v1/quotes?symbols=S01,S02,S03,S04",
  "/api/v1/ticks?symbol=S05&limit=100",
  "/api/v1/symbols",
  "/api/v1/candles?symbol=S06&interval=1m&limit=60",
  "/api/v1/quotes?symbols=S07",
  "/api/v1/ticks?symbol=S08&limit=500",
  "/api/v1/candles?symbol=S09&interval=5m",
  "/api/v1/health",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
-- The summary in one line soak.sh reads: errors.status counts answers
-- that were not 2xx or 3xx.
done = function(summary, latency, requests)
  io.write(string.format("soak-wrk requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
