-- Shared by the wrk scripts: prints one machine-readable line for bench/run at the end of a run.
-- Latencies are in microseconds; status_errors counts responses with status >= 400.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)), math.floor(latency.max),
    e.status, e.connect, e.read, e.write, e.timeout))
end
