#!/usr/bin/env python3
"""Cohen's kappa between the official labels (the first, adjudicated reading) and the second,
independent reading of bench/labels/second-reading.csv.

Rows the second reader marked `unplaceable` (texts withheld by Traffy, or too vague to place)
are counted and left out of kappa; a second figure counts them as disagreements.

Usage: bench/labels/kappa.py [--official FILE] [--second FILE]
"""
import argparse, collections, csv, json, os

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--official", default=os.path.join(here, "traffy-2024-taxonomy.csv"))
parser.add_argument("--second", default=os.path.join(here, "second-reading.csv"))
parser.add_argument("--disagreements", action="store_true", help="also list the rows the readings disagree on")
arguments = parser.parse_args()

def read(path):
    with open(path, newline="", encoding="utf-8") as file:
        return {row["ticket_id"]: row for row in csv.DictReader(file)}

official, second = read(arguments.official), read(arguments.second)
missing = [ticket for ticket in second if ticket not in official]
if missing:
    raise SystemExit(f"{len(missing)} rows of the second reading have no official label, e.g. {missing[0]}")

def kappa(pairs):
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first = collections.Counter(a for a, _ in pairs)
    other = collections.Counter(b for _, b in pairs)
    expected = sum(first[c] * other[c] for c in first) / (n * n)
    return observed, (observed - expected) / (1 - expected)

all_pairs = [(official[t]["category"], second[t]["category"]) for t in sorted(second)]
placed = [(a, b) for a, b in all_pairs if b != "unplaceable"]
agreement, k = kappa(placed)
agreement_all, k_all = kappa(all_pairs)
print(json.dumps({
    "rows": len(all_pairs),
    "unplaceable_by_second_reading": len(all_pairs) - len(placed),
    "placed": {"rows": len(placed), "agreement": round(agreement, 4), "cohen_kappa": round(k, 4)},
    "all_rows_unplaceable_as_disagreement": {"agreement": round(agreement_all, 4), "cohen_kappa": round(k_all, 4)},
    "most_common_disagreements": [
        {"official": a, "second": b, "count": n}
        for (a, b), n in collections.Counter((a, b) for a, b in placed if a != b).most_common(8)],
}, indent=2))
if arguments.disagreements:
    for ticket in sorted(second):
        a, b = official[ticket]["category"], second[ticket]["category"]
        if a != b and b != "unplaceable":
            print(f"{ticket}\t{a}\t{b}\t{second[ticket]['note']}")
