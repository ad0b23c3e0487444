#!/usr/bin/env bash
# Peak resident memory of `siang classify` with the default model, classifying every text of a CSV file.
# Usage: bench/classify-memory.sh FILE.csv [TEXT_COLUMN]   (build first: swift build -c release)
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:?usage: bench/classify-memory.sh FILE.csv [TEXT_COLUMN]}
column=${2:-description}
siang=.build/release/siang
python3 - "$input" "$column" > /tmp/siang-classify-input.jsonl <<'PY'
import csv, json, sys
for i, row in enumerate(csv.DictReader(open(sys.argv[1], encoding="utf-8"))):
    print(json.dumps({"id": i, "text": row[sys.argv[2]]}, ensure_ascii=False))
PY
lines=$(wc -l < /tmp/siang-classify-input.jsonl)
# Warm the default model's cache first, so the measurement is of classifying, not of training.
echo '{"id": 0, "text": "ถนนพัง"}' | "$siang" classify > /dev/null
/usr/bin/time -f "%M" -o /tmp/siang-classify-rss "$siang" classify < /tmp/siang-classify-input.jsonl > /tmp/siang-classify-output.jsonl
rss_kb=$(cat /tmp/siang-classify-rss)
out=$(wc -l < /tmp/siang-classify-output.jsonl)
echo "{\"lines_in\": $lines, \"lines_out\": $out, \"peak_resident_megabytes\": $(python3 -c "print(round($rss_kb/1024, 1))")}"
