#!/usr/bin/env python3
"""The smoke test deploy/two-instances.sh runs through nginx (standard library only).

1. Files CASES cases with concurrent clients, reads each back with its secret, and checks that both
   instances' live statistics count them within 2 s (the change feed).
2. Files continuously for LOAD_SECONDS with CLIENTS clients and SIGKILLs one instance after
   KILL_AFTER seconds. A client whose request fails (nginx's 502 for a request the dead instance
   held, a refused connection) retries it with the same Idempotency-Key, as a careful client does.
3. Counts: every case acknowledged (201, or the same case replayed for its key) is on the primary,
   exactly once, and reaches the replica; nothing was given up; statistics kept answering.

With --agree, only checks that the instances' statistics agree with the primary.
"""
import argparse
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

TEXTS = [
    "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่ รถมอไซค์ล้มไปสองคันแล้ว",
    "ไฟถนนในซอยดับมาสามวันแล้ว กลางคืนมืดมากไม่ปลอดภัย",
    "ขยะไม่มีคนมาเก็บมาหนึ่งสัปดาห์ ส่งกลิ่นเหม็นมาก",
    "ท่อระบายน้ำอุดตัน ฝนตกทีไรน้ำท่วมขังหน้าบ้าน",
]


def request(method, url, body=None, headers=None, timeout=30, answer_headers=None):
    """(status, parsed JSON or None); raises OSError when no HTTP answer came. The answer's headers
    go into `answer_headers` (a dict) when given."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            if answer_headers is not None:
                answer_headers.update({name.lower(): value for name, value in response.getheaders()})
            raw = response.read()
            if "json" not in (response.headers.get("Content-Type") or ""):
                return response.status, raw
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, None


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = {}  # code -> (secret, title)
        self.replayed = 0  # acknowledged by a retry that found the first attempt's case
        self.retried = 0  # filings that needed more than one attempt
        self.given_up = 0
        self.errors = {}  # kind -> count, every failed attempt
        self.attempts = 0


def file_case(base, title, tally, retries=40):
    """Files one case, retrying with the same Idempotency-Key until it is acknowledged."""
    key = str(uuid.uuid4())
    body = {
        "kind": "complaint", "title": title, "text": TEXTS[hash(title) % len(TEXTS)],
        "area": {"province": "กรุงเทพมหานคร", "district": "บางนา"}, "anonymous": True,
    }
    for attempt in range(retries):
        with tally.lock:
            tally.attempts += 1
        answer = {}
        try:
            status, reply = request("POST", base + "/api/v1/cases", body, {"Idempotency-Key": key}, answer_headers=answer)
        except OSError as error:
            status, reply = None, type(error).__name__
        if status in (200, 201) and isinstance(reply, dict) and reply.get("code"):
            with tally.lock:
                tally.acknowledged[reply["code"]] = (reply.get("secret"), title)
                if attempt > 0:
                    tally.retried += 1
                    if answer.get("idempotent-replayed") == "true":
                        tally.replayed += 1
            return reply
        kind = str(status) if status else str(reply)
        with tally.lock:
            tally.errors[kind] = tally.errors.get(kind, 0) + 1
        time.sleep(0.1 * (attempt + 1) if attempt < 10 else 1)
    with tally.lock:
        tally.given_up += 1
    return None


def stats_total(base):
    status, reply = request("GET", base + "/api/v1/stats", timeout=10)
    if status != 200:
        raise RuntimeError(f"{base}/api/v1/stats answered {status}")
    return sum(group.get("filed", 0) for group in reply.get("groups", []))


def psql(args, port, sql):
    out = subprocess.run(
        [args.psql, "-X", "-q", "-At", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "siang", "-c", sql],
        check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def run_clients(count, work):
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def check(condition, message, failures):
    print(("ok    " if condition else "FAIL  ") + message, flush=True)
    if not condition:
        failures.append(message)


def smoke(args, run, failures):
    instances = args.instances.split(",")
    before = [stats_total(base) for base in instances]
    tally = Tally()
    numbers = list(range(args.cases))
    lock = threading.Lock()

    def work(_):
        while True:
            with lock:
                if not numbers:
                    return
                n = numbers.pop()
            file_case(args.nginx, f"smoke {run} {n}", tally)

    started = time.monotonic()
    run_clients(args.clients, work)
    filed_at = time.monotonic()
    check(len(tally.acknowledged) == args.cases and not tally.errors,
          f"filed {len(tally.acknowledged)}/{args.cases} cases through nginx in {filed_at - started:.1f} s "
          f"({args.clients} clients, errors {tally.errors or 0})", failures)
    read = 0
    for code, (secret, _) in tally.acknowledged.items():
        status, reply = request("GET", f"{args.nginx}/api/v1/cases/{code}", headers={"X-Tracking-Secret": secret})
        read += status == 200 and reply.get("code") == code
    check(read == len(tally.acknowledged), f"read back {read}/{len(tally.acknowledged)} with their secrets", failures)
    for base, count in zip(instances, before):
        deadline = filed_at + 2
        total = stats_total(base)
        while total != count + args.cases and time.monotonic() < deadline:
            time.sleep(0.05)
            total = stats_total(base)
        check(total == count + args.cases,
              f"{base} counts all {args.cases} in its statistics {time.monotonic() - filed_at:.2f} s after the last "
              f"filing ({total - count} counted)", failures)


def kill_under_load(args, run, failures):
    tally = Tally()
    stop = threading.Event()
    counter = iter(range(10**9))
    lock = threading.Lock()
    reads = {"ok": 0, "failed": 0}

    def filer(_):
        while not stop.is_set():
            with lock:
                n = next(counter)
            file_case(args.nginx, f"load {run} {n}", tally)

    def reader():
        while not stop.is_set():
            try:
                status, _ = request("GET", args.nginx + "/api/v1/stats?group_by=status", timeout=10)
            except OSError:
                status = None
            with lock:
                reads["ok" if status == 200 else "failed"] += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=filer, args=(n,)) for n in range(args.clients)] + [threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    time.sleep(args.kill_after)
    with tally.lock:
        before_kill = len(tally.acknowledged)
    os.kill(args.kill_pid, signal.SIGKILL)
    print(f"      SIGKILL to pid {args.kill_pid} at {args.kill_after} s ({before_kill} cases acknowledged so far)", flush=True)
    time.sleep(max(0, args.load_seconds - args.kill_after))
    stop.set()
    for thread in threads:
        thread.join()

    acknowledged = len(tally.acknowledged)
    errors = sum(tally.errors.values())
    print(f"      attempts {tally.attempts}, acknowledged {acknowledged}, failed attempts {errors} {tally.errors or ''}, "
          f"filings retried {tally.retried} (of which replayed by Idempotency-Key {tally.replayed}), "
          f"given up {tally.given_up}; statistics reads ok {reads['ok']}, failed {reads['failed']}", flush=True)
    check(tally.given_up == 0, f"no filing given up ({tally.given_up})", failures)
    check(reads["failed"] == 0, f"statistics through nginx answered throughout ({reads['failed']} failed)", failures)

    titles = {title: code for code, (_, title) in tally.acknowledged.items()}
    rows = psql(args, args.primary_port, f"SELECT code || '|' || title FROM cases WHERE title LIKE 'load {run} %'")
    on_primary = {}
    for row in rows:
        code, title = row.split("|", 1)
        on_primary.setdefault(title, []).append(code)
    found = sum(1 for code, (_, title) in tally.acknowledged.items() if code in on_primary.get(title, []))
    duplicates = sum(len(codes) - 1 for codes in on_primary.values())
    unacknowledged = sum(1 for title in on_primary if title not in titles)
    check(found == acknowledged, f"primary: {found}/{acknowledged} acknowledged cases found", failures)
    check(duplicates == 0, f"primary: no case filed twice by a retry ({duplicates})", failures)
    check(unacknowledged == 0, f"primary: no case that was never acknowledged ({unacknowledged})", failures)

    codes = set(tally.acknowledged)
    started = time.monotonic()
    while True:
        replica = set(psql(args, args.replica_port, f"SELECT code FROM cases WHERE title LIKE 'load {run} %'"))
        if codes <= replica or time.monotonic() - started > 15:
            break
        time.sleep(0.1)
    check(codes <= replica,
          f"replica: {len(codes & replica)}/{acknowledged} acknowledged cases replicated "
          f"(within {time.monotonic() - started:.1f} s)", failures)
    status, export = request("GET", args.nginx + "/api/v1/open-data/cases.csv")
    exported = len(list(csv.reader(io.StringIO(export.decode())))) - 1 if status == 200 else 0
    public = int(psql(args, args.primary_port, "SELECT count(*) FROM cases WHERE is_public")[0])
    check(status == 200 and exported == public,
          f"open-data export through nginx (read from the replica): {status}, {exported} cases; "
          f"the primary holds {public} public cases", failures)


def agree(args, failures):
    instances = args.agree.split(",")
    total = int(psql(args, args.primary_port, "SELECT count(*) FROM cases")[0])
    deadline = time.monotonic() + 5
    counts = [stats_total(base) for base in instances]
    while any(count != total for count in counts) and time.monotonic() < deadline:
        time.sleep(0.1)
        counts = [stats_total(base) for base in instances]
    check(all(count == total for count in counts),
          f"statistics of {', '.join(instances)} count {counts}; the primary holds {total} cases", failures)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nginx")
    parser.add_argument("--instances")
    parser.add_argument("--kill-pid", type=int)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--load-seconds", type=float, default=12)
    parser.add_argument("--kill-after", type=float, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--psql", default="psql")
    parser.add_argument("--primary-port", type=int)
    parser.add_argument("--replica-port", type=int)
    parser.add_argument("--agree")
    args = parser.parse_args()
    failures = []
    if args.agree:
        agree(args, failures)
    else:
        run = uuid.uuid4().hex[:8]
        smoke(args, run, failures)
        kill_under_load(args, run, failures)
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
