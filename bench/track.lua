-- wrk script: GET /api/v1/cases/{code} with the tracking secret, for cases listed in CODES ("code secret" per line).
local cases = {}

function init(args)
    for line in io.lines(os.getenv("CODES")) do
        local code, secret = line:match("^(%S+)%s+(%S+)$")
        if code then cases[#cases + 1] = { code, secret } end
    end
    math.randomseed(os.time())
end

function request()
    local pick = cases[math.random(#cases)]
    return wrk.format("GET", "/api/v1/cases/" .. pick[1], { ["X-Tracking-Secret"] = pick[2] })
end

function done(summary, latency, requests)
    io.write(string.format(
        "RESULT tracking requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors_status=%d errors_socket=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
