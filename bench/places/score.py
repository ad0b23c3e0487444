#!/usr/bin/env python3
"""Scores place extraction on bench/places/places.jsonl with `siang classify`.

    swift build -c release && python3 bench/places/score.py .build/release/siang

An answer is right when the most specific area `siang classify` places the text in is the expected
one ("" = no area). On texts marked ambiguous, an area more specific than expected is a wrong guess.
Targets: at least 0.95 right, and no wrong guesses.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    siang = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", ".build", "debug", "siang")
    lines = [json.loads(l) for l in open(os.path.join(HERE, "places.jsonl"), encoding="utf-8")]
    given = [{k: v for k, v in l.items() if k in ("id", "text", "province", "district")} for l in lines]
    out = subprocess.run([siang, "classify"], input="\n".join(json.dumps(g, ensure_ascii=False) for g in given) + "\n",
                         capture_output=True, text=True, check=True, cwd=os.path.join(HERE, "..", "..")).stdout
    answers = {a["id"]: a for a in map(json.loads, out.splitlines())}
    right = guesses = 0
    for line in lines:
        area = answers[line["id"]].get("area", {})
        got = area.get("subdistrict") or area.get("district") or area.get("province") or ""
        if got == line["expect"]:
            right += 1
        else:
            guess = line.get("ambiguous") and len(got) > len(line["expect"])
            guesses += bool(guess)
            print(("GUESS " if guess else "MISS  ") + f"{line['id']}: expected {line['expect'] or '-'}, got {got or '-'}: {line['text']}")
    share = right / len(lines)
    print(f"{right}/{len(lines)} right ({share:.3f}); {guesses} wrong guesses on ambiguous names")
    sys.exit(0 if share >= 0.95 and guesses == 0 else 1)


if __name__ == "__main__":
    main()
