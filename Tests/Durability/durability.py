#!/usr/bin/env python3
"""Durability of filings: a killed server and a restarted database lose and duplicate nothing.

1. kill -9 during concurrent filings: Siang is killed while clients file cases, each with its own
   Idempotency-Key; after a restart every case that was acknowledged (201) is there with its
   secret, a retry of an acknowledged filing returns the same case, and retrying every filing
   that got no answer leaves exactly one case per key.
2. PostgreSQL restart under load, Siang left running: while the database is down filings answer
   503 in the one JSON error shape (and /readyz 503); once it is back they answer 201 again, with
   no restart of Siang, and every key still has exactly one case.

The script starts its own PostgreSQL cluster (initdb in a temporary folder, Unix socket only; as
the postgres user when run as root) and gives Siang its DATABASE_URL; Siang listens on 127.0.0.1
only. Every loop is bounded and the script stops everything it started. Plain Python 3.

    python3 Tests/Durability/durability.py [--siang .build/debug/siang]

Prints one line per check and a last line `durability: N passed, M failed`; exit status 0 only
when every check passed (1 when one failed, 2 when the tools are missing).
"""

import argparse
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ตกหลุมล้มไปสองคันแล้วค่ะ",
    "ไฟถนนดับทั้งซอยมาสามคืนแล้ว มืดมากเดินกลับบ้านไม่ปลอดภัย",
    "ท่อระบายน้ำอุดตัน ฝนตกทีไรน้ำท่วมขังหน้าบ้านทุกครั้ง",
    "มีคนเอาขยะมาทิ้งริมถนนทุกวัน ส่งกลิ่นเหม็นมาก",
]


class Checks:
    """Counts checks and prints each one."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, condition, message):
        if condition:
            self.passed += 1
            print(f"  ok    {message}", flush=True)
        else:
            self.failed += 1
            print(f"  FAIL  {message}", flush=True)
        return condition


class Cluster:
    """A PostgreSQL cluster of this run's own, reachable only through its Unix socket."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.socket = self.directory / "socket"
        self.log = self.directory / "postgres.log"
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        bindir = Path(candidates[-1]).parent if candidates else Path(shutil.which("pg_ctl") or "pg_ctl").parent
        self.initdb = str(bindir / "initdb")
        self.pg_ctl = str(bindir / "pg_ctl")
        self.as_postgres = os.geteuid() == 0
        self.url = f"host={self.socket} port=5432 user=siang dbname=siang"

    def run(self, arguments, timeout=120):
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run(prefix + arguments, capture_output=True, text=True, timeout=timeout)

    def create(self):
        for path in (self.directory, self.data, self.socket):
            path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o755)
        os.chmod(self.data, 0o700)
        self.log.touch()
        if self.as_postgres:
            for path in (self.directory, self.data, self.socket, self.log):
                shutil.chown(path, "postgres", "postgres")
        result = self.run(
            [self.initdb, "-D", str(self.data), "-U", "siang", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stdout}{result.stderr}")

    def start(self):
        options = f"-c listen_addresses='' -k {self.socket} -p 5432"
        result = self.run(
            [self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start"])
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stdout}{result.stderr}{self.log.read_text()[-2000:]}")

    def stop(self, mode="fast"):
        self.run([self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"])

    def psql(self, sql, database="siang"):
        connection = f"host={self.socket} port=5432 user=siang dbname={database}"
        result = subprocess.run(
            ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", connection, "-c", sql],
            capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return result.stdout.strip()


class Server:
    """Siang, started from the built binary in a scratch folder, on 127.0.0.1."""

    def __init__(self, binary, directory, port, database_url):
        self.binary = binary
        self.directory = directory
        self.port = port
        self.database_url = database_url
        self.process = None
        self.starts = 0

    def start(self, timeout=180):
        self.starts += 1
        log = open(Path(self.directory) / f"siang-{self.starts}.log", "wb")
        environment = dict(
            os.environ, SIANG_HOME=str(ROOT), SIANG_HOST="127.0.0.1", SIANG_PORT=str(self.port),
            DATABASE_URL=self.database_url, SIANG_DATABASE_ACQUIRE_TIMEOUT_SECONDS="2", LOG_LEVEL="warning",
            SIANG_RATE_LIMITS_ENABLED="false")  # concurrent filings from one address, by design
        self.process = subprocess.Popen(
            [self.binary, "serve"], cwd=self.directory, env=environment, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = Path(log.name).read_text(errors="replace")[-1500:]
                raise RuntimeError(f"siang exited with {self.process.returncode}:\n{tail}")
            status, _, _ = request(self.port, "GET", "/readyz", timeout=2)
            if status == 200:
                return
            time.sleep(0.25)
        raise RuntimeError("siang did not become ready")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def request(port, method, path, body=None, headers=None, timeout=15):
    """One request on its own connection; (status, headers, parsed JSON or None), status None when no answer came."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, dict(response.getheaders()), parsed
    except (OSError, http.client.HTTPException):
        return None, {}, None
    finally:
        connection.close()


def filing(number):
    text = TEXTS[number % len(TEXTS)] + f" (ครั้งที่ {number})"
    return {"text": text, "area": {"province": "10", "district": str(1001 + number % 50)}}


class Filer:
    """Clients filing concurrently, each filing with a fresh Idempotency-Key; records every outcome."""

    def __init__(self, port, threads=8, limit=4000):
        self.port = port
        self.threads = threads
        self.limit = limit  # at most this many requests in all: the loop is bounded
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.sent = 0
        self.outcomes = []  # (key, body, status, reply, finished_at)
        self.workers = []

    def run(self):
        for index in range(self.threads):
            worker = threading.Thread(target=self.work, args=(index,), daemon=True)
            worker.start()
            self.workers.append(worker)

    def work(self, index):
        while not self.stop_event.is_set():
            with self.lock:
                if self.sent >= self.limit:
                    return
                number = self.sent
                self.sent += 1
            key = uuid.uuid4().hex
            body = filing(number)
            status, _, reply = request(self.port, "POST", "/api/v1/cases", body, {"Idempotency-Key": key}, timeout=15)
            with self.lock:
                self.outcomes.append((key, body, status, reply, time.monotonic()))
            if status is None or status == 503:
                time.sleep(0.05)

    def stop(self):
        self.stop_event.set()
        for worker in self.workers:
            worker.join(timeout=30)

    def acknowledged(self):
        with self.lock:
            return [(key, body, reply) for key, body, status, reply, _ in self.outcomes if status == 201]

    def count_201(self):
        with self.lock:
            return sum(1 for outcome in self.outcomes if outcome[2] == 201)


def wait_until(condition, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def is_error_shape(reply, code):
    if not isinstance(reply, dict) or set(reply) != {"error"} or not isinstance(reply["error"], dict):
        return False
    error = reply["error"]
    texts = ("message", "message_th", "message_en", "request_id")
    return error.get("code") == code and all(isinstance(error.get(key), str) and error.get(key) for key in texts)


def retry_until_filed(port, key, body, attempts=20):
    """The filing again with the same key until it is answered 201; its reply, or None."""
    for _ in range(attempts):
        status, headers, reply = request(port, "POST", "/api/v1/cases", body, {"Idempotency-Key": key})
        if status == 201:
            return reply, headers
        time.sleep(0.25)
    return None, {}


def settle(checks, cluster, port, filer, keys_before, label):
    """Retries every filing not acknowledged, then checks: one case per key, every acknowledged case there."""
    with filer.lock:
        outcomes = list(filer.outcomes)
    codes = {}
    unanswered = [(key, body) for key, body, status, _, _ in outcomes if status != 201]
    for key, body, status, reply, _ in outcomes:
        if status == 201:
            codes[key] = reply["code"]
    retried_ok = 0
    for key, body in unanswered:
        reply, _ = retry_until_filed(port, key, body)
        if reply:
            retried_ok += 1
            codes[key] = reply["code"]
    checks.check(retried_ok == len(unanswered),
                 f"{label}: every filing without a 201 was retried to a 201 ({retried_ok}/{len(unanswered)})")
    keys = keys_before + len(outcomes)
    cases = int(cluster.psql("SELECT count(*) FROM cases"))
    distinct = len(set(codes.values()))
    checks.check(distinct == len(codes), f"{label}: each key has its own case ({distinct} codes for {len(codes)} keys)")
    checks.check(cases == keys,
                 f"{label}: exactly one case per Idempotency-Key, no loss and no duplicate ({cases} cases, {keys} keys)")
    return keys


def kill_during_filings(checks, cluster, server, port):
    print("kill -9 of Siang during concurrent filings", flush=True)
    filer = Filer(port)
    filer.run()
    wait_until(lambda: filer.count_201() >= 150, timeout=30)
    server.kill()
    killed_at = time.monotonic()
    filer.stop()
    acknowledged = filer.acknowledged()
    in_flight = sum(1 for _, _, status, _, _ in filer.outcomes if status is None)
    print(f"  killed after {len(acknowledged)} acknowledged filings, {in_flight} without an answer", flush=True)
    checks.check(len(acknowledged) >= 150, f"filings were acknowledged before the kill ({len(acknowledged)})")
    checks.check(all(status in (201, None) for _, _, status, _, _ in filer.outcomes),
                 "before the kill every filing was answered 201 (or not at all)")
    server.start()
    print(f"  restarted in {time.monotonic() - killed_at:.1f} s", flush=True)

    missing = []
    for key, body, reply in acknowledged:
        path = f"/api/v1/cases/{reply['code']}"
        status, _, tracked = request(port, "GET", path, headers={"X-Tracking-Secret": reply["secret"]})
        found = isinstance(tracked, dict) and tracked.get("code") == reply["code"] and tracked.get("text") == body["text"]
        if status != 200 or not found:
            missing.append(reply["code"])
    checks.check(not missing, f"every acknowledged case is there after the restart, with its secret and text "
                 f"({len(acknowledged) - len(missing)}/{len(acknowledged)}; missing {missing[:5]})")
    codes = ",".join(reply["code"] for _, _, reply in acknowledged)  # letters, digits and dashes only
    in_database = int(cluster.psql(f"SELECT count(*) FROM cases WHERE code = ANY(string_to_array('{codes}', ','))"))
    checks.check(in_database == len(acknowledged),
                 f"the database holds every acknowledged code ({in_database}/{len(acknowledged)})")

    before = int(cluster.psql("SELECT count(*) FROM cases"))
    sample = acknowledged[:: max(1, len(acknowledged) // 25)]
    same = 0
    for key, body, reply in sample:
        again, headers = retry_until_filed(port, key, body, attempts=3)
        replayed = headers.get("Idempotent-Replayed") == "true"
        if again and again["code"] == reply["code"] and again["secret"] == reply["secret"] and replayed:
            same += 1
    after = int(cluster.psql("SELECT count(*) FROM cases"))
    checks.check(same == len(sample),
                 f"a retry with the same Idempotency-Key returns the same case and secret ({same}/{len(sample)})")
    checks.check(after == before, f"those retries created no case ({before} cases before, {after} after)")
    return settle(checks, cluster, port, filer, 0, "after the kill")


def database_restart_under_load(checks, cluster, server, port, keys_before):
    print("PostgreSQL restart under load, Siang left running", flush=True)
    filer = Filer(port, threads=6)
    filer.run()
    wait_until(lambda: filer.count_201() >= 50, timeout=30)
    cluster.stop("fast")
    stopped_at = time.monotonic()
    time.sleep(3)
    ready_down, _, ready_reply = request(port, "GET", "/readyz", timeout=10)
    cluster.start()
    restarted_at = time.monotonic()
    print(f"  database down for {restarted_at - stopped_at:.1f} s", flush=True)
    healed = wait_until(
        lambda: any(status == 201 and at > restarted_at for _, _, status, _, at in list(filer.outcomes)), timeout=30)
    time.sleep(1)
    filer.stop()
    ready_up, _, _ = request(port, "GET", "/readyz")
    with filer.lock:
        outcomes = list(filer.outcomes)
    statuses = {}
    for _, _, status, _, _ in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"  answers: {statuses}", flush=True)
    unavailable = [reply for _, _, status, reply, _ in outcomes if status == 503]
    checks.check(server.process.poll() is None, "Siang kept running through the database restart")
    checks.check(set(statuses) <= {201, 503},
                 f"every filing was answered 201 or 503, never another error or no answer ({statuses})")
    checks.check(len(unavailable) > 0, f"filings while the database was down answered 503 ({len(unavailable)})")
    checks.check(all(is_error_shape(reply, "unavailable") for reply in unavailable),
                 "every 503 is the one JSON error shape with code \"unavailable\"")
    checks.check(ready_down == 503, f"/readyz answered 503 while the database was down ({ready_down}: {ready_reply})")
    checks.check(healed, "filings were acknowledged again after the database came back, without restarting Siang")
    checks.check(ready_up == 200, f"/readyz answered 200 after the database came back ({ready_up})")
    return settle(checks, cluster, port, filer, keys_before, "after the database restart")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--siang", default=str(ROOT / ".build/debug/siang"), help="the siang binary (default: the debug build)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, database) for a look")
    arguments = parser.parse_args()
    if not os.access(arguments.siang, os.X_OK):
        print(f"durability: {arguments.siang} is not built (swift build --product siang)", file=sys.stderr)
        return 2
    if not shutil.which("psql") or not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") and not shutil.which("pg_ctl"):
        print("durability: PostgreSQL's programs are missing (apt-get install postgresql)", file=sys.stderr)
        return 2

    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="siang-durability-")
    os.chmod(work, 0o755)
    checks = Checks()
    cluster = Cluster(Path(work) / "postgres")
    port = free_port()
    server = Server(arguments.siang, work, port, cluster.url)
    try:
        cluster.create()
        cluster.start()
        cluster.psql("CREATE DATABASE siang", database="postgres")
        server.start()
        keys = kill_during_filings(checks, cluster, server, port)
        database_restart_under_load(checks, cluster, server, port, keys)
    except Exception as error:  # a broken harness is a failure too, with its reason
        checks.check(False, f"the run could not finish: {error}")
    finally:
        server.stop()
        cluster.stop("fast")
        if arguments.keep or checks.failed:
            print(f"  scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    print(f"took {elapsed:.0f} s", flush=True)
    # Alone on the last line, so CI reads it as the run's summary.
    print(f"durability: {checks.passed} passed, {checks.failed} failed", flush=True)
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
