#!/usr/bin/env python3
"""Runs the README's API examples against two builds of Siang and compares the answers byte for byte.

    bench/api-compare.py OLD_CHECKOUT NEW_CHECKOUT

Each checkout must hold a built `.build/release/siang` (or `.build/debug/siang`). Each build gets a
fresh PostgreSQL cluster of its own and the same requests in the same order: filing (with a retry of
its Idempotency-Key), tracking public and private, an agency's token accepting, commenting and
resolving, the citizen's rating, appeal, data-access and withdrawal, statistics, open data and the
catalogue. What differs by nature from run to run (tracking codes, secrets, tokens, times, request
ids) is replaced by numbered placeholders before comparing; everything else must be identical:
status, content type and body. Prints one line per request and exits 1 on any difference.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "Durability"))
from durability import Cluster  # noqa: E402  (the same private cluster the durability test uses)

PORT = 8393
SECRET_HEADER = "X-Tracking-Secret"


def binary(checkout):
    for flavour in ("release", "debug"):
        path = Path(checkout) / ".build" / flavour / "siang"
        if path.exists():
            return path
    sys.exit(f"no built siang under {checkout}/.build")


def request(method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    merged = {"Content-Type": "application/json", **(headers or {})}
    call = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method, headers=merged)
    try:
        with urllib.request.urlopen(call, timeout=30) as reply:
            return reply.status, reply.headers.get("Content-Type"), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def scenario(checkout):
    """Every answer of the scenario against `checkout`'s build, in order, as (label, status, type, body)."""
    work = Path(tempfile.mkdtemp(prefix="siang-compare-"))
    os.chmod(work, 0o755)
    cluster = Cluster(work / "pg")
    cluster.create()
    cluster.start()
    cluster.psql("CREATE DATABASE siang", database="postgres")
    env = dict(os.environ, SIANG_HOME=str(Path(checkout).resolve()), SIANG_PORT=str(PORT), DATABASE_URL=cluster.url,
               LOG_LEVEL="warning", SIANG_CACHE_CASE_SECONDS="0")
    server = subprocess.Popen([str(binary(checkout)), "serve"], cwd=work, env=env,
                              stdout=open(work / "serve.log", "wb"), stderr=subprocess.STDOUT)
    answers = []
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2)
                break
            except Exception:
                if server.poll() is not None:
                    sys.exit(f"siang did not start:\n{(work / 'serve.log').read_text()[-2000:]}")
                time.sleep(0.5)

        def ask(label, method, path, body=None, headers=None):
            status, kind, raw = request(method, path, body, headers)
            answers.append((label, status, kind, raw))
            return json.loads(raw) if kind and kind.startswith("application/json") else None

        filing = {"kind": "complaint", "text": "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่ รถมอไซค์ล้มไปสองคันแล้ว",
                  "area": {"province": "กรุงเทพมหานคร", "district": "บางนา"},
                  "contact": {"name": "สมศรี", "phone": "081-234-5678"},
                  "consent": {"version": "2026-01", "accepted": True}, "anonymous": True}
        filed = ask("file", "POST", "/api/v1/cases", filing, {"Idempotency-Key": "4f7c2a"})
        ask("file again, same key", "POST", "/api/v1/cases", filing, {"Idempotency-Key": "4f7c2a"})
        code, secret = filed["code"], filed["secret"]
        mine = {SECRET_HEADER: secret}
        ask("track, public", "GET", f"/api/v1/cases/{code}")
        ask("track, citizen", "GET", f"/api/v1/cases/{code}", headers=mine)
        ask("suggest a category", "POST", "/api/v1/category-suggestion", {"text": "ไฟถนนดับทั้งซอย"})
        agency = filed["agency"]["code"]
        token = subprocess.run(
            [str(binary(checkout)), "token", "create", "--agency", agency, "--role", "officer", "--name", "Somsri"],
            cwd=work, env=env, capture_output=True, text=True, check=True).stdout
        token = re.search(r"siang_[A-Za-z0-9_-]+", token).group(0)
        staff = {"Authorization": f"Bearer {token}"}
        ask("agency list", "GET", "/api/v1/agency/cases?status=assigned,accepted&limit=50", headers=staff)
        ask("agency reads", "GET", f"/api/v1/agency/cases/{code}?reason=%E0%B9%82%E0%B8%97%E0%B8%A3", headers=staff)
        for action in ({"action": "accept"}, {"action": "comment", "note": "ส่งทีมช่างแล้ว"},
                       {"action": "frobnicate"}, {"action": "resolve", "result": "ซ่อมผิวถนนเรียบร้อยแล้ว"}):
            ask(f"action {action['action']}", "POST", f"/api/v1/agency/cases/{code}/actions", action, staff)
        ask("feedback", "POST", f"/api/v1/cases/{code}/feedback", {"stars": 4, "comment": "ซ่อมเร็วดี"}, mine)
        ask("reopen", "POST", f"/api/v1/cases/{code}/reopen", {"reason": "ยังเป็นหลุมอยู่"}, mine)
        ask("data access", "GET", f"/api/v1/cases/{code}/data-access", headers=mine)
        ask("withdraw", "POST", f"/api/v1/cases/{code}/withdraw", {}, mine)
        ask("erase contact", "POST", f"/api/v1/cases/{code}/erase-contact", {}, mine)
        ask("wrong secret", "GET", f"/api/v1/cases/{code}", headers={SECRET_HEADER: "nope"})
        time.sleep(2)  # live statistics apply changes every second
        for path in ("/api/v1/stats?group_by=agency,month&from=2026-01-01&to=2026-12-31",
                     "/api/v1/stats?group_by=category&area=10&kind=complaint", "/api/v1/stats/agencies?min_cases=0",
                     "/api/v1/stats/trends", "/api/v1/stats?from=2026-13-01",
                     "/api/v1/open-data/cases.csv?from=2026-01-01&to=2026-12-31", "/api/v1/open-data/cases.json",
                     "/api/v1/open-data/catalog.json"):
            ask(f"GET {path}", "GET", path)
    finally:
        server.terminate()
        server.wait(timeout=30)
        cluster.stop()
        subprocess.run(["rm", "-rf", str(work)])
    return answers


def normalised(raw):
    """`raw` with what differs by nature replaced by placeholders numbered in order of appearance."""
    text = raw.decode("utf-8", errors="replace")
    seen = {}
    numbered = [("CODE", r"SG-\d{4}-[0-9A-Z]{6}"), ("TOKEN", r"siang_[A-Za-z0-9_-]+"),
                ("SECRET", r'"secret":"[^"]+"'), ("REQUEST", r'"request_id":"[^"]+"')]
    for name, pattern in numbered:
        def placeholder(match, name=name):
            return seen.setdefault((name, match.group(0)), f"<{name}{len([k for k in seen if k[0] == name]) + 1}>")
        text = re.sub(pattern, placeholder, text)
    # Times, and durations measured in seconds, depend on when the scenario ran, not on the code.
    for name, pattern in [("TIME", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"),
                          ("DAY", r"(?<![\d-])20\d{2}-\d{2}-\d{2}(?![\d-])"), ("MONTH", r'"20\d{2}-\d{2}"')]:
        text = re.sub(pattern, f"<{name}>", text)
    return re.sub(r'"((?:median|p90)_(?:seconds|hours))":[0-9.]+', r'"\1":<N>', text)


def same_json(before, after):
    """Whether two normalised bodies are the same JSON whatever the order of object keys (JSON Lines too)."""
    try:
        parse = lambda text: [json.loads(line) for line in text.splitlines() if line.strip()]
        return parse(before) == parse(after)
    except ValueError:
        return False


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = scenario(sys.argv[1]), scenario(sys.argv[2])
    differences = reordered = 0
    for (label, *before), (_, *after) in zip(old, new):
        bodies = normalised(before[2]), normalised(after[2])
        identical = before[:2] == after[:2] and bodies[0] == bodies[1]
        # Swift dictionaries have no stable order from one process to the next, so an answer built
        # from one may list its keys in another order on each run, even of the same build.
        same = identical or (before[:2] == after[:2] and same_json(*bodies))
        differences += not same
        reordered += same and not identical
        verdict = "same" if identical else "same JSON, keys reordered" if same else "DIFFERENT"
        print(f"{verdict}  {before[0]}  {label}  ({len(before[2])} bytes)")
        if not same:
            print(f"    before: {before[0]} {before[1]} {normalised(before[2])[:600]}")
            print(f"    after:  {after[0]} {after[1]} {normalised(after[2])[:600]}")
    if len(old) != len(new):
        differences += 1
        print(f"DIFFERENT number of answers: {len(old)} against {len(new)}")
    print(f"api-compare: {len(old) - differences} same ({reordered} of them with object keys in another order), "
          f"{differences} different")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
