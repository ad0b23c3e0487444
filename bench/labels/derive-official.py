#!/usr/bin/env python3
"""Writes bench/labels/traffy-2024-taxonomy.csv, the official evaluation labels, from the blind
reading in bench/adjudication/traffy-2024.csv: for each row, the category the reading chose.

  label      -> the file's label
  candidate  -> the other candidate
  neither    -> the third category the reader named; the file's label when none was named
                (texts too vague to place, where nothing better than the file's bucket is known)
  both       -> the file's label. Rule: when the reading accepts both, the tie is broken by the
                side that does not come from a model (the file's label is Traffy's bucket, or
                for controls the label the model agreed with), so the official labels never lean
                towards the model they score.

Only ticket ids and category codes are written, never texts.
"""
import csv, os

here = os.path.dirname(os.path.abspath(__file__))
source = os.path.join(here, "../adjudication/traffy-2024.csv")
target = os.path.join(here, "traffy-2024-taxonomy.csv")

def chosen(row):
    verdict = row["verdict"]
    if verdict == "candidate":
        return row["candidate"]
    if verdict == "neither" and row["third"]:
        return row["third"]
    return row["file_label"]

with open(source, newline="", encoding="utf-8") as file:
    rows = list(csv.DictReader(file))
with open(target, "w", newline="", encoding="utf-8") as file:
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(["ticket_id", "category"])
    for row in sorted(rows, key=lambda row: row["ticket_id"]):
        writer.writerow([row["ticket_id"], chosen(row)])
print(f"{len(rows)} rows -> {os.path.relpath(target)}")
