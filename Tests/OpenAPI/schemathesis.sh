#!/usr/bin/env bash
# schemathesis (PyPI, for the python3 on PATH) against a live `siang serve`, with the OpenAPI document the server itself serves:
# no 5xx, and every answer's status, content type, headers and body as the document says.
#
# Uses the built debug binary (`swift build` first; SIANG_BINARY overrides) and a PostgreSQL cluster of
# its own in a temporary folder (serve makes one without DATABASE_URL), removed afterwards. Rate limits
# and the wrong-credential limit are off, so generated requests are not refused with 429. Staff routes
# are exercised with an admin token made for the run.
#
#   Tests/OpenAPI/schemathesis.sh                 # 50 examples per operation (SCHEMATHESIS_EXAMPLES)
#   SCHEMATHESIS_SEED=42 Tests/OpenAPI/schemathesis.sh   # repeat a run
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
binary=${SIANG_BINARY:-$(swift build --show-bin-path)/siang}
examples=${SCHEMATHESIS_EXAMPLES:-50}
[ -x "$binary" ] || { echo "no siang binary at $binary; run swift build first" >&2; exit 1; }

# As root the private cluster runs as the postgres user, which must be able to enter the folder.
work=$(mktemp -d /tmp/siang-schemathesis.XXXXXX)
chmod 755 "$work"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SIANG_HOME="$root" SIANG_PORT="$port" SIANG_RATE_LIMITS_ENABLED=false SIANG_API_FAILED_CREDENTIALS_PER_MINUTE=0
unset DATABASE_URL

server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cd "$work"
token=$("$binary" token create --role admin --name schemathesis 2>>"$work/serve.log" | tail -n 1)
"$binary" serve >>"$work/serve.log" 2>&1 &
server=$!
# The first start migrates and seeds the new database, and trains the model when it has none.
ready=false
for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=true; break; fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
done
if [ "$ready" != true ]; then
    tail -n 40 "$work/serve.log" >&2
    echo "siang serve did not become ready on port $port" >&2
    exit 1
fi

seed=()
[ -n "${SCHEMATHESIS_SEED:-}" ] && seed=(--seed "$SCHEMATHESIS_SEED")
started=$(date +%s)
status=0
python3 -m schemathesis.cli run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --phases coverage,fuzzing,stateful \
    --max-examples "$examples" \
    --workers 2 \
    --request-timeout 20 \
    --generation-database none \
    --no-color \
    "${seed[@]}" || status=$?
echo "schemathesis: $(( $(date +%s) - started )) s, exit status $status"
if [ "$status" -ne 0 ]; then
    echo "--- the server's log (last 40 lines) ---"
    tail -n 40 "$work/serve.log"
fi
exit "$status"
