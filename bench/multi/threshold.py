#!/usr/bin/env python3
"""How right the secondary categories (`also`) are on texts that name several problems.

bench/multi/multi-problem.csv holds texts written by the team (not taken from any evaluation
file), each with its true set of categories (semicolon-separated). Runs `siang classify` on them
and, for each threshold on the calibrated probability of the runner-up categories, prints:
  precision  of the secondary categories said (right = in the text's true set, not the primary)
  recall     of the true secondary categories (those other than the predicted primary)
  said       on how many texts it says something
then the smallest threshold whose precision is at least --goal, and, from `also` in the CLI's
output, the precision of the threshold the model ships with.

Usage: bench/multi/threshold.py [--siang .build/release/siang] [--model MODEL] [--goal 0.8]
"""
import argparse, csv, json, os, subprocess

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--siang", default=os.path.join(here, "../../.build/release/siang"))
parser.add_argument("--model")
parser.add_argument("--texts", default=os.path.join(here, "multi-problem.csv"))
parser.add_argument("--goal", type=float, default=0.8)
arguments = parser.parse_args()

with open(arguments.texts, newline="", encoding="utf-8") as file:
    rows = [(row["text"], set(row["categories"].split(";"))) for row in csv.DictReader(file)]
command = [arguments.siang, "classify"] + (["--model", arguments.model] if arguments.model else [])
lines = "".join(json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n" for n, (text, _) in enumerate(rows))
answers = [json.loads(line) for line in subprocess.run(command, input=lines, capture_output=True, text=True, check=True).stdout.splitlines()]

def score(secondary):
    """secondary: per text, the secondary categories said."""
    said = right = possible = texts = 0
    for (_, truth), answer, chosen in zip(rows, answers, secondary):
        possible += len(truth - {answer["category"]})
        said += len(chosen)
        right += len(chosen & truth)
        texts += bool(chosen)
    return {"precision": round(right / said, 3) if said else None, "recall": round(right / possible, 3) if possible else None,
            "said": texts, "of": len(rows)}

primary = sum(answer["category"] in truth for (_, truth), answer in zip(rows, answers)) / len(rows)
print(json.dumps({"texts": len(rows), "multi_problem": sum(len(t) > 1 for _, t in rows), "primary_in_true_set": round(primary, 3)}))
chosen = None
for threshold in [x / 100 for x in range(2, 52, 2)]:
    result = score([{c["category"] for c in answer["top"][1:] if c["score"] >= threshold} for answer in answers])
    print(json.dumps({"threshold": threshold, **result}))
    if chosen is None and result["precision"] is not None and result["precision"] >= arguments.goal:
        chosen = threshold
print(json.dumps({"smallest_threshold_reaching_goal": chosen, "goal": arguments.goal}))
if all("also" in answer for answer in answers):
    print(json.dumps({"shipped_also": score([{c["category"] for c in answer["also"]} for answer in answers])}))
