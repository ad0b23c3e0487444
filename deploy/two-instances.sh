#!/usr/bin/env bash
# Two Siang instances behind nginx on a PostgreSQL primary with one streaming replica, all on
# loopback, then a smoke test through nginx that kills one instance mid-load and counts what was lost.
#
#   sudo SIANG=.build/debug/siang deploy/two-instances.sh          # or a release binary
#
# Debian with PostgreSQL 15's server (/usr/lib/postgresql/15/bin); installs nginx if it is missing.
# Everything it starts (two PostgreSQL clusters, two instances, one nginx) runs from a temporary
# folder under /var/tmp and is stopped and removed on exit (KEEP=1 keeps the folder and its logs).
# Settings: CASES (smoke filings, 100), LOAD_SECONDS (filing under load, 12), KILL_AFTER (3),
# CLIENTS (8), BASE_PORT (first of seven ports, 18080). Exits non-zero when a check fails.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
siang="$(realpath "${SIANG:-$repo/.build/debug/siang}")"
pgbin="${PGBIN:-/usr/lib/postgresql/15/bin}"
base="${BASE_PORT:-18080}"
nginx_port=$base primary_port=$((base + 1)) replica_port=$((base + 2)) one_port=$((base + 3)) two_port=$((base + 4))
cases="${CASES:-100}" load_seconds="${LOAD_SECONDS:-12}" kill_after="${KILL_AFTER:-3}" clients="${CLIENTS:-8}"

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'two-instances: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (PostgreSQL runs as the postgres user, nginx binds and drops privileges)"
[ -x "$siang" ] || fail "no Siang binary at $siang (swift build, or SIANG=path)"
[ -x "$pgbin/postgres" ] || fail "no PostgreSQL 15 in $pgbin (apt-get install postgresql-15)"
id postgres >/dev/null 2>&1 || fail "no postgres user (apt-get install postgresql-15)"
if ! command -v nginx >/dev/null; then
    say "installing nginx"
    DEBIAN_FRONTEND=noninteractive apt-get install -y nginx >/dev/null
    # Debian starts the packaged nginx on port 80; this script runs its own and leaves that one alone.
fi

work="$(mktemp -d /var/tmp/siang-two.XXXXXX)"
chmod 755 "$work"
# PostgreSQL's clusters, sockets and logs, owned by the postgres user.
pgdata="$work/pg"
install -d -o postgres -g postgres -m 700 "$pgdata"
pids=()
cleanup() {
    local status=$?
    set +e
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    for cluster in replica primary; do
        [ -f "$pgdata/$cluster/postmaster.pid" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata/$cluster" -m fast -w stop >/dev/null
    done
    if [ "${KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then
        echo "logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit $status
}
trap cleanup EXIT INT TERM

pg() { runuser -u postgres -- "$@"; }
psql_at() { "$pgbin/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d "${2:-siang}" -c "$3"; }

say "PostgreSQL primary on 127.0.0.1:$primary_port"
pg "$pgbin/initdb" -D "$pgdata/primary" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$pgdata/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$pgdata'
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 200
EOF
pg "$pgbin/pg_ctl" -D "$pgdata/primary" -l "$pgdata/primary.log" -w start >/dev/null
psql_at "$primary_port" postgres "CREATE DATABASE siang"

say "streaming replica on 127.0.0.1:$replica_port (pg_basebackup -R)"
pg "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$pgdata/replica" -R -X stream --checkpoint=fast
printf 'port = %s\nhot_standby_feedback = on\n' "$replica_port" | pg tee -a "$pgdata/replica/postgresql.auto.conf" >/dev/null
pg "$pgbin/pg_ctl" -D "$pgdata/replica" -l "$pgdata/replica.log" -w start >/dev/null
[ "$(psql_at "$replica_port" siang "SELECT pg_is_in_recovery()")" = t ] || fail "the replica is not in recovery"

export SIANG_HOME="$repo"
export DATABASE_URL="postgresql://postgres@127.0.0.1:$primary_port/siang"
export DATABASE_REPLICA_URL="postgresql://postgres@127.0.0.1:$replica_port/siang"
export SIANG_WEB_BEHIND_PROXY=true
# One client address files hundreds of cases here; in production keep the limits (see README).
export SIANG_RATE_LIMITS_ENABLED=false
# Answers are computed afresh, so the smoke test sees the change feed's own delay.
export SIANG_CACHE_STATISTICS_SECONDS=0
export LOG_LEVEL=notice

start_instance() { # port, log; sets $started to its pid
    (cd "$work" && exec "$siang" serve --host 127.0.0.1 --port "$1" >>"$2" 2>&1) &
    started=$!
    pids+=("$started")
}
wait_ready() { # port
    for _ in $(seq 1 600); do
        curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    fail "the instance on port $1 never became ready (see $work)"
}

say "two Siang instances on ports $one_port and $two_port ($siang)"
start_instance "$one_port" "$work/one.log"
wait_ready "$one_port"   # the first migrates and seeds; the second starts on a ready database
start_instance "$two_port" "$work/two.log"
two=$started
wait_ready "$two_port"

say "nginx on 127.0.0.1:$nginx_port (deploy/nginx/siang.conf)"
mkdir -p "$work/nginx/logs"
sed -e "s/127.0.0.1:8081/127.0.0.1:$one_port/" -e "s/127.0.0.1:8082/127.0.0.1:$two_port/" \
    -e "s/listen 80;/listen 127.0.0.1:$nginx_port;/" "$here/nginx/siang.conf" >"$work/nginx/siang.conf"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log $work/nginx/logs/access.log;
    include $work/nginx/siang.conf;
}
EOF
nginx -t -p "$work/nginx" -c "$work/nginx/nginx.conf" -q
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$nginx_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

say "smoke test through nginx, then SIGKILL of the instance on port $two_port under load"
python3 "$here/two-instances-smoke.py" \
    --nginx "http://127.0.0.1:$nginx_port" \
    --instances "http://127.0.0.1:$one_port,http://127.0.0.1:$two_port" \
    --kill-pid "$two" --cases "$cases" --load-seconds "$load_seconds" --kill-after "$kill_after" --clients "$clients" \
    --psql "$pgbin/psql" --primary-port "$primary_port" --replica-port "$replica_port"

say "restarting the killed instance: it catches up at start"
start_instance "$two_port" "$work/two.log"
wait_ready "$two_port"
python3 "$here/two-instances-smoke.py" --agree "http://127.0.0.1:$one_port,http://127.0.0.1:$two_port" \
    --psql "$pgbin/psql" --primary-port "$primary_port"

say "all checks passed"
