#!/usr/bin/env python3
"""Prints the rows of the second reading: 300 of the officially labelled tickets drawn with a
fixed seed, as `ticket_id<TAB>text` (text cut at 500 characters), for a reader who sees the
text and Seeds/categories.json only. Texts go to standard output, never into the project.

Usage: bench/labels/second-reading-sample.py [EVAL.csv] > /tmp/sample.tsv
"""
import csv, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
evaluation = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../shared/data/traffy-2024.csv")
with open(os.path.join(here, "traffy-2024-taxonomy.csv"), newline="", encoding="utf-8") as file:
    labelled = sorted(row["ticket_id"] for row in csv.DictReader(file))
sample = set(random.Random(20261206).sample(labelled, 300))
with open(evaluation, newline="", encoding="utf-8") as file:
    for row in csv.DictReader(file):
        if row["ticket_id"] in sample:
            text = " ".join(row["description"].split())[:500]
            print(f"{row['ticket_id']}\t{text}")
