-- wrk script: POST /api/v1/proposals/{code}/supports with a supporter token, a random open proposal
-- (CODES, one code per line) and a random supporter (TOKENS, one token per line) per request.
local codes, tokens = {}, {}

function init(args)
    for line in io.lines(os.getenv("CODES")) do if #line > 0 then codes[#codes + 1] = line end end
    for line in io.lines(os.getenv("TOKENS")) do if #line > 0 then tokens[#tokens + 1] = line end end
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
    local code = codes[math.random(#codes)]
    local body = '{"token":"' .. tokens[math.random(#tokens)] .. '"}'
    return wrk.format("POST", "/api/v1/proposals/" .. code .. "/supports", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
    io.write(string.format(
        "RESULT supports requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors_status=%d errors_socket=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
