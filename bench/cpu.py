"""CPU seconds spent by each part of a benchmark, from /proc: the server, PostgreSQL and the local
receivers that stand in for providers. Used by bench/load.sh to show where the time of a
run went (a process that exits during the run takes its seconds with it, so figures are a floor).

    python3 bench/cpu.py snapshot SERVER_PID "RECEIVER_PIDS" > before.json
    python3 bench/cpu.py diff before.json after.json REQUESTS LABEL   -> a RESULT line, ms of CPU per request
"""
import json, os, sys

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot(server, receivers):
    groups = {"siang": 0.0, "postgres": 0.0, "receivers": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICKS
        pid = int(entry)
        if pid == server:
            groups["siang"] += seconds
        elif pid in receivers:
            groups["receivers"] += seconds
        elif name == "postgres":
            groups["postgres"] += seconds
    return groups


if sys.argv[1] == "snapshot":
    receivers = {int(p) for p in sys.argv[3].split()}
    print(json.dumps(snapshot(int(sys.argv[2]), receivers)))
else:
    before, after = (json.load(open(path)) for path in sys.argv[2:4])
    requests, label = int(sys.argv[4]), sys.argv[5]
    parts = " ".join(f"{group}_ms={(after[group] - before[group]) * 1000 / max(requests, 1):.3f}" for group in after)
    print(f"RESULT cpu_per_request {label} {parts}")
