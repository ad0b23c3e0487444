#!/usr/bin/env python3
"""Scores the classifier against the evaluation file twice: by the file's labels, and by the
taxonomy of Seeds/categories.json where a blind reading found the two disagree.

Usage: bench/adjudicated-accuracy.py [EVAL.csv] [--siang .build/release/siang] [--model MODEL]
                                     [--adjudication bench/adjudication/traffy-2024.csv]

The file's labels are Traffy Fondue's own buckets mapped one-to-one onto Siang's codes
("ไฟฟ้า" → electricity, "จุดเสี่ยง" → safety), so a street lamp filed under "ไฟฟ้า" counts
against a model that calls it `lighting`, which is what the taxonomy says and where the case
must be routed. The adjudication file records, for every row, a blind judgement between the
file's label and one other candidate, made from the category definitions alone by a reader
who was not told which candidate was the label (method in bench/adjudication/README.md).

A row's accepted categories are the candidate the reading chose, both when it found both, or
the third category it named; the label when the text was too vague to place or the row was
not read. Rows labelled `other` or not labelled are left out, as in
`siang evaluate --exclude-label other`.
"""
import argparse, collections, csv, json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("eval", nargs="?", default=os.path.join(here, "../../shared/data/traffy-2024.csv"))
parser.add_argument("--siang", default=os.path.join(here, "../.build/release/siang"))
parser.add_argument("--model")
parser.add_argument("--adjudication", default=os.path.join(here, "adjudication/traffy-2024.csv"))
parser.add_argument("--text-column", default="description")
parser.add_argument("--label-column", default="category")
arguments = parser.parse_args()

with open(arguments.eval, newline="", encoding="utf-8") as file:
    rows = [row for row in csv.DictReader(file) if row[arguments.label_column] not in ("", "other")]

command = [arguments.siang, "classify"] + (["--model", arguments.model] if arguments.model else [])
lines = "".join(json.dumps({"id": n, "text": row[arguments.text_column]}, ensure_ascii=False) + "\n"
                for n, row in enumerate(rows))
output = subprocess.run(command, input=lines, capture_output=True, text=True, check=True).stdout
predicted = {answer["id"]: answer.get("category") for answer in map(json.loads, output.splitlines())}

with open(arguments.adjudication, newline="", encoding="utf-8") as file:
    readings = {reading["ticket_id"]: reading for reading in csv.DictReader(file)}

def accepted(row):
    label = row[arguments.label_column]
    reading = readings.get(row["ticket_id"])
    if reading is None or reading["file_label"] != label:
        return {label}
    verdict = reading["verdict"]
    if verdict == "label":
        return {label}
    if verdict == "candidate":
        return {reading["candidate"]}
    if verdict == "both":
        return {label, reading["candidate"]}
    return {reading["third"]} if reading["third"] else {label}

by_label = by_taxonomy = labels_by_taxonomy = 0
disagreements = collections.Counter()
for n, row in enumerate(rows):
    guess, label = predicted.get(n), row[arguments.label_column]
    by_label += guess == label
    by_taxonomy += guess in accepted(row)
    labels_by_taxonomy += label in accepted(row)
    if guess != label:
        reading = readings.get(row["ticket_id"])
        judged = reading is not None and reading["kind"] == "disagreement" and reading["candidate"] == guess
        disagreements[reading["verdict"] if judged else "not adjudicated"] += 1

controls = collections.Counter(r["verdict"] for r in readings.values() if r["kind"] == "control")
print(json.dumps({
    "rows": len(rows),
    "accuracy_by_file_labels": round(by_label / len(rows), 4),
    "accuracy_by_taxonomy": round(by_taxonomy / len(rows), 4),
    # The file's own labels scored the same way: how often Traffy's bucket is the taxonomy's category.
    "file_labels_by_taxonomy": round(labels_by_taxonomy / len(rows), 4),
    # For the model's disagreements with the file: which side the blind reading took.
    "disagreements": dict(disagreements),
    # Rows where the model (at the time of reading) agreed with the label, read against its
    # second choice: how often the reading sides with an agreed label shows how far to trust it.
    "controls": dict(controls),
}, indent=2, ensure_ascii=False))
