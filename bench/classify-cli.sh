#!/usr/bin/env bash
# Whole-process speed of `siang classify`: start-up, model load, JSON in and out, one thread.
# Builds the input (the evaluation file's texts as JSON lines, repeated; kept under /tmp, never
# in the project), runs the CLI over it a few times and prints documents per second (best run).
#
# Usage: bench/classify-cli.sh [SIANG] [REPEATS] [RUNS]
#   SIANG    the binary (default .build/release/siang)
#   REPEATS  copies of the evaluation file (default 20: about 25,000 lines)
#   RUNS     timed runs, best kept (default 5)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
siang="${1:-$here/../.build/release/siang}"
repeats="${2:-20}"
runs="${3:-5}"
evaluation="${SIANG_EVAL:-$here/../../shared/data/traffy-2024.csv}"
input="$(mktemp /tmp/classify-cli.XXXXXX.jsonl)"
trap 'rm -f "$input"' EXIT

python3 - "$evaluation" "$repeats" > "$input" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as file:
    texts = [row["description"] for row in csv.DictReader(file)]
n = 0
for _ in range(int(sys.argv[2])):
    for text in texts:
        print(json.dumps({"id": n, "text": text}, ensure_ascii=False))
        n += 1
PY
lines=$(wc -l < "$input")
"$siang" classify < "$input" > /dev/null  # warm the page cache and the default model's cache
best=""
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$siang" classify < "$input" > /dev/null
    end=$(date +%s.%N)
    seconds=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$seconds < $best" | bc -l)" = 1 ]; then best=$seconds; fi
done
python3 -c "import sys; n, s = int(sys.argv[1]), float(sys.argv[2]); print(f'{n} lines, best of $runs runs: {s:.3f} s, {n / s:,.0f} documents/s')" "$lines" "$best"
