#!/usr/bin/env bash
# Statistics and open data at national scale, release build, on this machine:
#   1. siang demo fills a fresh private database with CASES synthetic cases (default 1,000,000);
#   2. every /api/v1/stats query below, all-time and one-year, under 16 concurrent clients (wrk):
#      median and p99 latency, with the answer cache on (the default) and off;
#   3. the full CSV export: rows per second and the server's resident memory before and after;
#   4. filing throughput with statistics kept up to date, and with live updates off;
#   5. the web pages (home, filing form, statistics page with filters, a public case page) under
#      16 concurrent clients: median and p99 server latency.
#
#   bench/stats.sh                 (CASES=1000000 DURATION=5 PORT=8282 to change;
#                                   ONLY=pages for the demo data and step 5 alone)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cases=${CASES:-1000000}
duration=${DURATION:-5}
port=${PORT:-8282}
only=${ONLY:-}
siang="$repo/.build/release/siang"
[ -x "$siang" ] || swift build -c release --product siang
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/siang-stats-XXXXXX)
chmod 755 "$work"
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2> /dev/null || true
        wait "$server_pid" 2> /dev/null || true
        server_pid=""
    fi
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT

start_server() {  # extra environment as arguments
    (cd "$work" && exec env SIANG_HOME="$repo" SIANG_PORT="$port" LOG_LEVEL=warning SIANG_RATE_LIMITS_ENABLED=false "$@" "$siang" serve > "$work/serve.log" 2>&1) &
    server_pid=$!
    local started=$(date +%s.%N)
    for _ in $(seq 1 1200); do
        curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
        sleep 0.25
    done
    curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/serve.log" >&2; exit 1; }
    echo "RESULT server_ready_seconds=$(python3 -c "import time; print(round(time.time() - $started, 1))")"
}

rss() { grep -E "^(VmRSS|VmHWM)" "/proc/$(pgrep -f "$siang serve" | head -1)/status" | awk '{printf "%s=%dMB ", $1, $2/1024}'; }

echo "== siang demo --cases $cases --days 365"
(cd "$work" && SIANG_HOME="$repo" LOG_LEVEL=warning "$siang" demo --cases "$cases" --days 365 | sed 's/^/RESULT demo /')

source "$repo/bench/stats-queries.sh"

measure_queries() {  # label what query…
    local label=$1 what=$2
    shift 2
    for query in "$@"; do
        wrk -t2 -c16 -d"${duration}s" --latency "http://127.0.0.1:$port$query" > "$work/wrk.txt" 2>&1 || true
        python3 - "$label" "$query" "$work/wrk.txt" "$what" << 'PY'
import re, sys
label, query, text, what = sys.argv[1], sys.argv[2], open(sys.argv[3]).read(), sys.argv[4]
def ms(value):
    number, unit = float(re.match(r"[\d.]+", value).group()), re.search(r"[a-z]+$", value).group()
    return number * {"us": 0.001, "ms": 1, "s": 1000}[unit]
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"RESULT {what} cache={label} p50_ms={p50:.2f} p99_ms={p99:.2f} rps={rps} non2xx={errors.group(1) if errors else 0} {query}")
PY
    done
}

measure_pages() {
    echo "== web pages, 16 concurrent clients"
    start_server SIANG_WEB_FORM_POSTS_PER_MINUTE=0
    local code
    code=$(curl -sf "http://127.0.0.1:$port/api/v1/open-data/cases.json?from=$year_ago" | head -1 \
        | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["code"])') || true
    measure_queries on page "/" "/file" "/track" "/stats" "/stats?from=$year_ago&to=$today" \
        "/stats?category=road&area=10&from=$year_ago&to=$today" "/cases/$code"
    stop_server
}
if [ "$only" = pages ]; then
    measure_pages
    exit 0
fi

echo "== statistics, 16 concurrent clients, answer cache on"
start_server
echo "RESULT memory_after_load $(rss)"
measure_queries on stats "${queries[@]}"

echo "== open data: full CSV export"
before=$(rss)
start=$(date +%s.%N)
rows=$(curl -sf "http://127.0.0.1:$port/api/v1/open-data/cases.csv" | wc -l)
end=$(date +%s.%N)
after=$(rss)
python3 -c "rows=$rows-1; s=$end-$start; print(f'RESULT export rows={rows} seconds={s:.2f} rows_per_second={rows/s:.0f}')"
echo "RESULT export memory before: $before after: $after"
stop_server

echo "== statistics, 16 concurrent clients, answer cache off"
start_server SIANG_CACHE_STATISTICS_SECONDS=0
measure_queries off stats "${queries[@]}"
stop_server

echo "== filing with statistics kept up to date, and without"
python3 - "$repo/Seeds/corpus" > "$work/bodies.jsonl" << 'PY'
import glob, json, random, sys
random.seed(7)
texts = [json.loads(line)["text"] for path in sorted(glob.glob(sys.argv[1] + "/*.jsonl")) for line in open(path, encoding="utf-8")]
areas = [{"province": "10", "district": str(1001 + i)} for i in range(50)] + [{"province": p} for p in ("50", "40", "30")]
for text in random.sample(texts, 2000):
    print(json.dumps({"text": text, "area": random.choice(areas)}, ensure_ascii=False))
PY
for live in true false; do
    start_server SIANG_STATISTICS_LIVE_UPDATES=$live
    BODIES="$work/bodies.jsonl" wrk -t2 -c16 -d3s -s bench/file.lua "http://127.0.0.1:$port" > /dev/null
    BODIES="$work/bodies.jsonl" wrk -t2 -c64 -d"$((duration * 3))s" --latency -s bench/file.lua "http://127.0.0.1:$port" \
        | grep RESULT | sed "s/^RESULT filing/RESULT filing statistics_live=$live/"
    stop_server
done

measure_pages
