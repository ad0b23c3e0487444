#!/usr/bin/env python3
"""Checks that the seed corpus was written by the team, not copied from an evaluation file.

Usage: bench/corpus-overlap.py [EVAL.csv] [--column description] [--length 40]

Prints every seed example that shares a run of LENGTH characters (spaces ignored) with a text
of the evaluation file, or that is identical to a short one, and exits 1 if there is any.
Short texts ("เสียงดังรบกวน") are everyday phrases: identity counts from 15 characters on.
"""
import argparse, csv, glob, json, os, sys

parser = argparse.ArgumentParser()
parser.add_argument("eval", nargs="?", default=os.path.join(os.path.dirname(__file__), "../../shared/data/traffy-2024.csv"))
parser.add_argument("--column", default="description")
parser.add_argument("--length", type=int, default=40)
arguments = parser.parse_args()

def squeeze(text):
    return "".join(text.split())

runs, whole = {}, set()
with open(arguments.eval, newline="", encoding="utf-8") as file:
    for row in csv.DictReader(file):
        text = squeeze(row[arguments.column])
        whole.add(text)
        for start in range(len(text) - arguments.length + 1):
            runs.setdefault(text[start:start + arguments.length], text)

seeds = os.path.join(os.path.dirname(__file__), "../Seeds/corpus/*.jsonl")
found = checked = 0
for path in sorted(glob.glob(seeds)):
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        text = squeeze(json.loads(line)["text"])
        checked += 1
        shared = text if len(text) >= 15 and text in whole else next(
            (text[s:s + arguments.length] for s in range(len(text) - arguments.length + 1)
             if text[s:s + arguments.length] in runs), None)
        if shared is not None:
            found += 1
            print(f"{os.path.basename(path)}:{number}: shares \"{shared}\" with: {runs.get(shared, shared)[:80]}")
print(f"{checked} seed examples checked against {len(whole)} evaluation texts: {found} overlapping", file=sys.stderr)
sys.exit(1 if found else 0)
