#!/usr/bin/env bash
# Filing and tracking throughput of a release build, with wrk on the same machine, and pgbench's
# single-row insert on the same PostgreSQL for comparison.
#
#   bench/load.sh            (DURATION=20 CONNECTIONS=64 PORT=8181 to change)
#   CACHE_SECONDS=0 bench/load.sh     (tracking reads always from PostgreSQL; default: Config's 2 s cache)
#   NOTIFY=0 bench/load.sh            (skip the filing runs with notifications off and on)
#   ROUNDS=3 DRAIN_SECONDS=30          (turns of off/on filing; how long to watch the outbox drain)
#   OPS=0 bench/load.sh               (rate limits and metrics off; default on, as the overhead to measure)
#   OVERHEAD=1 ROUNDS=4 bench/load.sh  (only filing, with rate limits and metrics off and on by turns, in
#                                       one sitting on one database: their cost, as a ratio and in CPU per filing)
#
# With NOTIFY=1 (the default) filing is measured in the same run, on the same database, with
# notifications off and on by turns, every case asking for e-mail (delivered to a local aiosmtpd) and every
# agency having a webhook (a local HTTP receiver), so each filing writes two outbox messages that the
# delivery service sends while filings go on.
#
# The server runs in a scratch folder with its own private PostgreSQL cluster (durable: fsync on,
# as in production). Prints RESULT lines: requests per second and latency percentiles.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
duration=${DURATION:-20}
connections=${CONNECTIONS:-64}
port=${PORT:-8181}
siang=${SIANG:-$repo/.build/release/siang}  # SIANG=path to measure another build
[ -x "$siang" ] || swift build -c release --product siang
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/siang-bench-XXXXXX)
chmod 755 "$work"
server_pid=""
sink_pids=""
stop_server() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null || true
    server_pid=""
}
cleanup() {
    stop_server
    for pid in $sink_pids; do kill -TERM "$pid" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

cache_seconds=${CACHE_SECONDS:-2}
notify=${NOTIFY:-1}
# With OPS=1 every request goes through the rate limiter and the metrics middleware, with allowances far
# above what one address sends here (wrk runs from one address), so what is measured is their cost.
unlimited=1000000000
ops_on=(SIANG_METRICS_PORT=$((port + 3)))
for class in FILING TRACKING; do
    ops_on+=(SIANG_RATE_LIMITS_${class}_PER_MINUTE=$unlimited SIANG_RATE_LIMITS_${class}_BURST=$unlimited)
done
ops_off=(SIANG_RATE_LIMITS_ENABLED=false)
if [ "${OPS:-1}" = 1 ]; then ops=("${ops_on[@]}"); else ops=("${ops_off[@]}"); fi
overhead=${OVERHEAD:-0}
[ "$overhead" = 1 ] && notify=0
start_server() {  # extra environment as arguments
    (cd "$work" && exec env SIANG_HOME="$repo" SIANG_PORT="$port" SIANG_CACHE_CASE_SECONDS="$cache_seconds" LOG_LEVEL=warning \
        "${ops[@]}" "$@" "$siang" serve >> "$work/serve.log" 2>&1) &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
        sleep 0.5
    done
    curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { echo "server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
}
start_server  # the settings of Config/ (notifications on, as in production)

# Filing bodies: the seed corpus's texts (the team's own), in Bangkok districts and other provinces;
# with "notify", each citizen also gives an e-mail and asks to be told of progress by it.
bodies() {
    python3 - "$repo/Seeds/corpus" "$@" << 'PY'
import glob, json, random, sys
random.seed(7)
texts = [json.loads(line)["text"] for path in sorted(glob.glob(sys.argv[1] + "/*.jsonl")) for line in open(path, encoding="utf-8")]
areas = [{"province": "10", "district": str(1001 + i)} for i in range(50)] + [{"province": p} for p in ("50", "40", "30", "90", "20")] + [{}]
for index, text in enumerate(random.sample(texts, 2000)):
    body = {"text": text, "area": random.choice(areas), "channel": "api"}
    if len(sys.argv) > 2:
        body.update(contact={"email": f"citizen{index}@example.com"}, consent={"version": "2026-01", "accepted": True},
                    notify=["email"])
    print(json.dumps(body, ensure_ascii=False))
PY
}
bodies > "$work/bodies.jsonl"
bodies notify > "$work/notify-bodies.jsonl"

echo "warming up"
BODIES="$work/bodies.jsonl" wrk -t2 -c16 -d3s -s bench/file.lua "http://127.0.0.1:$port" > /dev/null
echo "filing: $connections connections for ${duration}s"
BODIES="$work/bodies.jsonl" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/file.lua "http://127.0.0.1:$port" | tee "$work/filing.txt" | grep -E "RESULT|Non-2xx" || true

socket="$work/.siang/postgres/socket"
# One filing run of BODIES_FILE ($1) labelled $2 (its RESULT lines say filing_$2 and are appended to
# $3), with the CPU it cost per filing in the server, PostgreSQL and the receivers.
measured_filing() {
    python3 bench/cpu.py snapshot "$server_pid" "$sink_pids" > "$work/cpu-before.json"
    BODIES="$1" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/file.lua "http://127.0.0.1:$port" \
        | grep -E "RESULT|Non-2xx" | sed "s/RESULT filing/RESULT filing_$2/" | tee -a "$3" > "$work/run.txt" || true
    cat "$work/run.txt"
    python3 bench/cpu.py snapshot "$server_pid" "$sink_pids" > "$work/cpu-after.json"
    requests=$(grep -o 'requests=[0-9]*' "$work/run.txt" | head -1 | cut -d= -f2)
    python3 bench/cpu.py diff "$work/cpu-before.json" "$work/cpu-after.json" "${requests:-0}" "$2"
}
# The filing rate of the runs in $2 over those in $1, all runs of each together: RESULT filing_$3.
compare_turns() {
    python3 - "$1" "$2" "$3" << 'PY'
import re, sys
def total(path):
    runs = [line for line in open(path) if line.startswith("RESULT")]
    requests = sum(int(re.search(r"requests=(\d+)", line).group(1)) for line in runs)
    seconds = sum(float(re.search(r"duration_s=([\d.]+)", line).group(1)) for line in runs)
    return requests / seconds
off, on = total(sys.argv[1]), total(sys.argv[2])
print(f"RESULT filing_{sys.argv[3]} off_rps={off:.1f} on_rps={on:.1f} on_over_off={on / off:.3f}")
PY
}
# Off and on take turns in the order off on, on off, … (round 1, 2, …).
turn_order() { if [ $(($1 % 2)) = 0 ]; then echo "on off"; else echo "off on"; fi; }
if [ "$overhead" = 1 ]; then
    # Off and on take turns on the same database (ROUNDS of each, default 3), in the order off on, on off,
    # … so that the database's growth falls on both alike; each run's CPU per filing too, which the
    # machine's other work disturbs less than the rate does.
    rm -f "$work/ops-off.txt" "$work/ops-on.txt"
    for round in $(seq 1 "${ROUNDS:-3}"); do
        for turn in $(turn_order "$round"); do
            stop_server
            if [ "$turn" = on ]; then ops=("${ops_on[@]}"); else ops=("${ops_off[@]}"); fi
            start_server
            echo "filing, rate limits and metrics $turn (round $round): $connections connections for ${duration}s"
            measured_filing "$work/bodies.jsonl" "ops_$turn" "$work/ops-$turn.txt"
        done
    done
    compare_turns "$work/ops-off.txt" "$work/ops-on.txt" ops
    exit 0
fi
if [ "$notify" = 1 ]; then
    # Local receivers: aiosmtpd for e-mail (it only counts what arrives), a threaded HTTP server for webhooks.
    python3 -c 'import aiosmtpd' 2> /dev/null || { echo "NOTIFY=1 needs aiosmtpd: pip install aiosmtpd" >&2; exit 1; }
    smtp_port=$((port + 1)); hook_port=$((port + 2))
    python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" > /dev/null 2>&1 &
    sink_pids="$sink_pids $!"
    python3 - "$hook_port" > /dev/null 2>&1 << 'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as an agency's receiver would
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
    sink_pids="$sink_pids $!"
    psql -q "host=$socket user=siang dbname=siang" -c \
        "INSERT INTO agency_webhooks (agency_code, url, secret, created_at) SELECT code, 'http://127.0.0.1:$hook_port/hook', 'bench', now() FROM agencies"
    # Off and on take turns (ROUNDS of each, default 3) in the order off on, on off, …, so that the
    # tables' growth (each run adds tens of thousands of cases), checkpoints and the machine's other work
    # fall on both alike; the totals of each are the figures to compare. (Always off before on, "on" ran
    # on the bigger database every time.)
    start_notifying_server() {
        start_server SIANG_SMTP_HOST=127.0.0.1 SIANG_SMTP_PORT="$smtp_port" SIANG_SMTP_SECURITY=none \
            SIANG_NOTIFICATIONS_DELIVERY_INTERVAL_MS=200
    }
    rm -f "$work/off.txt" "$work/on.txt"
    for round in $(seq 1 "${ROUNDS:-3}"); do
        for turn in $(turn_order "$round"); do
            stop_server
            if [ "$turn" = off ]; then
                start_server SIANG_NOTIFICATIONS_ENABLED=false
                echo "filing, notifications off (round $round): $connections connections for ${duration}s (e-mail asked for, nothing written)"
                measured_filing "$work/notify-bodies.jsonl" notifications_off "$work/off.txt"
            else
                start_notifying_server
                echo "filing, notifications on (round $round): $connections connections for ${duration}s (an e-mail and a webhook event per case)"
                measured_filing "$work/notify-bodies.jsonl" notifications_on "$work/on.txt"
            fi
        done
    done
    # The drain below needs a server that delivers (an even round ends with "off").
    stop_server
    start_notifying_server
    compare_turns "$work/off.txt" "$work/on.txt" notifications
    # The receivers are small Python servers, far slower than a provider: report how far delivery got
    # in DRAIN_SECONDS (default 30) after filing stopped, and why anything failed.
    for _ in $(seq 1 "${DRAIN_SECONDS:-30}"); do
        pending=$(psql -At "host=$socket user=siang dbname=siang" -c "SELECT count(*) FROM outbox WHERE status = 'pending'")
        [ "$pending" = 0 ] && break
        sleep 1
    done
    psql -At "host=$socket user=siang dbname=siang" -c "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status" \
        | tr '\n' ' ' | sed 's/^/RESULT outbox after filing: /; s/$/\n/'
    psql -At "host=$socket user=siang dbname=siang" -c \
        "SELECT count(*), channel, left(last_error, 100) FROM outbox WHERE last_error IS NOT NULL GROUP BY 2, 3 ORDER BY 1 DESC LIMIT 3" \
        | sed 's/^/failures: /'
fi

# Cases to track: file 2,000 and keep their codes and secrets.
python3 - "$port" "$work/bodies.jsonl" > "$work/codes.txt" << 'PY'
import json, sys, urllib.request, concurrent.futures
port, bodies = sys.argv[1], [line for line in open(sys.argv[2], "rb")]
def file(body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/cases", data=body, headers={"Content-Type": "application/json"})
    reply = json.load(urllib.request.urlopen(request))
    return f"{reply['code']} {reply['secret']}"
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    for line in pool.map(file, bodies[:2000]): print(line)
PY
echo "tracking: $connections connections for ${duration}s (case cache: ${cache_seconds}s)"
CODES="$work/codes.txt" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/track.lua "http://127.0.0.1:$port" | tee "$work/tracking.txt" | grep -E "RESULT|Non-2xx" || true

if [ "${OPS:-1}" = 1 ]; then
    curl -sf "http://127.0.0.1:$((port + 3))/metrics" | grep -E '^siang_http_requests_total\{.*route="/api/v1/cases".*status="201"' \
        | sed 's/^/RESULT metrics /' || echo "RESULT metrics: no filing series on /metrics"
fi

# pgbench on the same cluster, same client count: one single-row INSERT per transaction.
psql -q "host=$socket user=siang dbname=siang" -c "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload text, created_at timestamptz DEFAULT now())"
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench 2> /dev/null | tail -1)
pgbench=${pgbench:-pgbench}
"$pgbench" -n -c "$connections" -j 2 -T "$duration" -f bench/pgbench-insert.sql "host=$socket user=siang dbname=siang" 2>&1 \
    | grep -E "^tps|latency average" | sed 's/^/RESULT pgbench /'
