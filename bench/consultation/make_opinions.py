#!/usr/bin/env python3
"""Writes bench/consultation/opinions.csv from the hand-written lines in sentences.py.

Every line is used on its own once; then residents who say two things about one theme, who stop
half-way, who write about two themes (labelled with the first: what they wrote most about), and all
of them in their own register (openers, closers, typing slips). Deterministic (fixed seed), so the
file only changes when the lines do.
Usage: python3 bench/consultation/make_opinions.py > bench/consultation/opinions.csv
"""
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sentences import CLOSERS, OPENERS, SLIPS, THEMES  # noqa: E402

random.seed(15)
JOINERS = [" ", " แล้วก็", " อีกเรื่องคือ", "\n", " และ", " ที่สำคัญ", " นอกจากนี้", " แถม"]


def stance_for(theme, text):
    if text.startswith("ไม่เห็นด้วย") or "ไม่เห็นด้วย" in text[:20]:
        return "disagree"
    bias = THEMES[theme]["bias"]
    return random.choices(list(bias), weights=list(bias.values()))[0]


def dress(text):
    text = random.choice(OPENERS) + text + random.choice(CLOSERS)
    for _ in range(random.choice([0, 0, 1, 1, 2])):
        old, new = random.choice(SLIPS)
        if old in text:
            text = text.replace(old, new, 1)
    return text


def shortened(line):
    words = line.split(" ")
    return words[0] if len(words) > 1 and len(words[0]) > 12 else line


rows = []
names = sorted(THEMES)
for theme in names:
    lines = THEMES[theme]["lines"]
    for line in lines:
        rows.append((theme, "", line))
    for _ in range(int(len(lines) * 1.4)):
        a, b = random.sample(lines, 2)
        rows.append((theme, "", a + random.choice(JOINERS) + b))
    for line in random.sample(lines, len(lines) // 2):
        rows.append((theme, "", shortened(line)))
    for _ in range(len(lines) // 2):
        other = random.choice([n for n in names if n != theme])
        a = random.choice(lines)
        b = random.choice(THEMES[other]["lines"])
        rows.append((theme, other, a + random.choice(JOINERS) + b))

random.shuffle(rows)
seen = set()
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["id", "theme", "second_theme", "stance", "text"])
number = 0
for theme, second, text in rows:
    text = dress(text)
    if text in seen:
        continue
    seen.add(text)
    number += 1
    out.writerow([number, theme, second, stance_for(theme, text), text])
