-- wrk script: POST /api/v1/cases with varied Thai complaints and a unique Idempotency-Key each.
-- Bodies come from the file named by BODIES (one JSON object per line), made by load.sh.
local bodies = {}
local counter = 0
local thread_id = 0

function setup(thread)
    thread_id = thread_id + 1
    thread:set("tid", thread_id)
end

function init(args)
    for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
    math.randomseed(os.time() + (tid or 0))
end

function request()
    counter = counter + 1
    local body = bodies[math.random(#bodies)]
    local headers = {
        ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = string.format("bench-%d-%d-%d", tid or 0, os.time(), counter),
    }
    return wrk.format("POST", "/api/v1/cases", headers, body)
end

function done(summary, latency, requests)
    io.write(string.format(
        "RESULT filing requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors_status=%d errors_socket=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
