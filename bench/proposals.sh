#!/usr/bin/env bash
# Proposals at scale, on this machine (release build by default):
#   1. siang demo fills a fresh private database with PROPOSALS proposals and SUPPORTS supports
#      (defaults 100,000 and 5,000,000): RESULT line with the load time;
#   2. the public list /api/v1/proposals and the /proposals page, each order, under 16 clients: p50, p99;
#   3. supports: TOKENS supporters verified once each (a one-time code read from the outbox), then
#      CONNECTIONS (64) connections supporting open proposals at random with their tokens for DURATION s:
#      supports per second and latency percentiles (the target: >= 3,000/s with p99 < 50 ms).
#
#   bench/proposals.sh          (PROPOSALS=100000 SUPPORTS=5000000 TOKENS=2000 DURATION=20 CONNECTIONS=64 PORT=8383;
#                                BUILD=debug to run a debug build, e.g. PROPOSALS=2000 SUPPORTS=20000 to try it small)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
proposals=${PROPOSALS:-100000}
supports=${SUPPORTS:-5000000}
tokens=${TOKENS:-2000}
duration=${DURATION:-20}
connections=${CONNECTIONS:-64}
port=${PORT:-8383}
build=${BUILD:-release}
siang="$repo/.build/$build/siang"
[ -x "$siang" ] || swift build -c "$build" --product siang
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/siang-proposals-XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== siang demo --proposals $proposals --supports $supports"
(cd "$work" && SIANG_HOME="$repo" LOG_LEVEL=warning "$siang" demo --proposals "$proposals" --supports "$supports" --days 120 \
    | sed 's/^/RESULT demo /')

# Bursts are flagged per proposal and network, and rate limits count per address; every bench client is
# 127.0.0.1, so both are off here.
(cd "$work" && exec env SIANG_HOME="$repo" SIANG_PORT="$port" LOG_LEVEL=warning SIANG_PROPOSALS_BURST_SUPPORTS=0 SIANG_RATE_LIMITS_ENABLED=false \
    SIANG_NOTIFICATIONS_DELIVERY_INTERVAL_MS=600000 "$siang" serve > "$work/serve.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
    sleep 0.25
done
curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/serve.log" >&2; exit 1; }
socket="$work/.siang/postgres/socket"
sql() { psql -At "host=$socket user=siang dbname=siang" -c "$1"; }

for path in "/api/v1/proposals" "/api/v1/proposals?sort=newest" "/api/v1/proposals?sort=closest" \
    "/api/v1/proposals?scope=district&topic=road&status=published" "/proposals" "/proposals?sort=closest&page=3"; do
    result=$(wrk -t2 -c16 -d5s --latency -s bench/get.lua "http://127.0.0.1:$port$path" | grep RESULT || true)
    echo "RESULT list $path ${result#RESULT }"
done

# Supporters: each verified once through a one-time code, its token kept for the run.
python3 - "$port" "$tokens" "$socket" > "$work/tokens.txt" << 'PY'
import json, subprocess, sys, urllib.request, concurrent.futures
port, count, socket = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def post(path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
def token(index):
    address = f"supporter{index}@bench.example"
    sent = post("/api/v1/one-time-codes", {"channel": "email", "address": address, "purpose": "support"})
    body = subprocess.run(["psql", "-At", f"host={socket} user=siang dbname=siang", "-c",
                           f"SELECT body FROM outbox WHERE recipient = '{address}' ORDER BY id DESC LIMIT 1"],
                          capture_output=True, text=True, check=True).stdout
    code = next(word for word in "".join(c if c.isdigit() else " " for c in body).split() if len(word) == 6)
    return post("/api/v1/proposals/supporters", {"code_id": sent["id"], "code": code})["token"]
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for line in pool.map(token, range(count)): print(line)
PY
sql "SELECT code FROM proposals WHERE (status = 'published' AND closes_at > now()) OR status = 'routed'" > "$work/open.txt"
echo "RESULT supporters=$(wc -l < "$work/tokens.txt") open_proposals=$(wc -l < "$work/open.txt")"
before=$(sql "SELECT count(*) FROM proposal_supports")
echo "supports: $connections connections for ${duration}s"
python3 bench/cpu.py snapshot "$server_pid" "" > "$work/cpu-before.json"
TOKENS="$work/tokens.txt" CODES="$work/open.txt" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/support.lua \
    "http://127.0.0.1:$port" | grep -E "RESULT|Non-2xx" || true
python3 bench/cpu.py snapshot "$server_pid" "" > "$work/cpu-after.json"
after=$(sql "SELECT count(*) FROM proposal_supports")
echo "RESULT supports stored during the run: $((after - before))"
# Server errors (5xx) logged during the run; refusals (a 409 when a period ends mid-run) are not logged at this level.
grep -o '"status":"[45][0-9][0-9]"\|status=[45][0-9][0-9]' "$work/serve.log" | sort | uniq -c | sed 's/^/RESULT server logged /' || true
# Where the CPU went per support: the server and PostgreSQL.
python3 bench/cpu.py diff "$work/cpu-before.json" "$work/cpu-after.json" "$((after - before))" supports
echo "RESULT crossings: $(sql "SELECT count(*) FROM proposal_events WHERE kind = 'threshold_reached'") threshold_reached events"
