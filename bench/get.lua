-- wrk script: the URL given to wrk, as is; prints one RESULT line.
function done(summary, latency, requests)
    io.write(string.format(
        "RESULT requests=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors_status=%d\n",
        summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
        latency:percentile(90) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
