#!/usr/bin/env python3
"""Learning curve: how well each classifier learns from real labelled tickets.

On the evaluation file with the official (adjudicated) labels of bench/labels, for each training
share (10, 25, 50, 80%) and seed (5), a stratified split is made once and used by every system:
  siang+seeds  `siang train --include-seeds` (seed corpus as background, its weight chosen by
               cross-validation inside the training share), scored by `siang evaluate --model`
  siang        the same without the seed corpus
  linearsvc    scikit-learn TF-IDF (words and word pairs) + LinearSVC over PyThaiNLP newmm tokens
  complementnb scikit-learn ComplementNB over the same tokens
Prints one JSON line per (system, share, seed) and a table of mean accuracy / macro-F1.
Texts are written to a temporary directory only, never into the project.

Usage: bench/learning-curve/run.py [--siang .build/release/siang] [--shares 0.1,0.25,0.5,0.8] [--seeds 5]
Needs: pip install scikit-learn pythainlp
"""
import argparse, collections, csv, json, os, random, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--siang", default=os.path.join(here, "../../.build/release/siang"))
parser.add_argument("--eval", default=os.path.join(here, "../../../shared/data/traffy-2024.csv"))
parser.add_argument("--labels", default=os.path.join(here, "../labels/traffy-2024-taxonomy.csv"))
parser.add_argument("--shares", default="0.1,0.25,0.5,0.8")
parser.add_argument("--seeds", type=int, default=5)
parser.add_argument("--first-seed", type=int, default=0, help="run seeds first-seed … first-seed + seeds - 1")
parser.add_argument("--systems", default="siang+seeds,siang,linearsvc,complementnb")
arguments = parser.parse_args()
systems = arguments.systems.split(",")

with open(arguments.labels, newline="", encoding="utf-8") as file:
    labels = {row["ticket_id"]: row["category"] for row in csv.DictReader(file)}
with open(arguments.eval, newline="", encoding="utf-8") as file:
    rows = [(row["ticket_id"], row["description"], labels[row["ticket_id"]])
            for row in csv.DictReader(file) if row["ticket_id"] in labels]

def split(share, seed):
    """Stratified: each category contributes round(share × its count) rows to training, at least
    one, and keeps at least one for testing when it has two or more."""
    generator = random.Random(seed)
    by_category = collections.defaultdict(list)
    for index, (_, _, category) in enumerate(rows):
        by_category[category].append(index)
    train = []
    for category in sorted(by_category):
        members = by_category[category][:]
        generator.shuffle(members)
        count = max(1, round(share * len(members)))
        if len(members) >= 2:
            count = min(count, len(members) - 1)
        train += members[:count]
    train_set = set(train)
    return sorted(train), [i for i in range(len(rows)) if i not in train_set]

def macro_f1(truth, predicted):
    labels = set(truth) | set(predicted)
    total = 0.0
    for label in labels:
        tp = sum(t == p == label for t, p in zip(truth, predicted))
        predicted_count = sum(p == label for p in predicted)
        true_count = sum(t == label for t in truth)
        precision = tp / predicted_count if predicted_count else 0
        recall = tp / true_count if true_count else 0
        total += 2 * precision * recall / (precision + recall) if precision + recall else 0
    return total / len(labels)

def write_csv(path, indices):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["ticket_id", "description", "category"])
        for i in indices:
            writer.writerow(rows[i])

tokens = None
def tokenised():
    global tokens
    if tokens is None:
        from pythainlp.tokenize import word_tokenize
        tokens = [[t for t in word_tokenize(text, engine="newmm", keep_whitespace=False)] for _, text, _ in rows]
    return tokens

def sklearn_predict(system, train, test):
    from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC
    words = tokenised()
    y = [rows[i][2] for i in train]
    if system == "linearsvc":
        vectorizer = TfidfVectorizer(tokenizer=lambda x: x, preprocessor=lambda x: x, token_pattern=None,
                                     ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        model = LinearSVC(C=1.0)
    else:
        vectorizer = CountVectorizer(tokenizer=lambda x: x, preprocessor=lambda x: x, token_pattern=None, ngram_range=(1, 2))
        model = ComplementNB(alpha=0.3)
    model.fit(vectorizer.fit_transform([words[i] for i in train]), y)
    return list(model.predict(vectorizer.transform([words[i] for i in test])))

def siang_score(system, train, test, directory):
    train_path, test_path, model_path = (os.path.join(directory, n) for n in ("train.csv", "test.csv", "model"))
    write_csv(train_path, train)
    write_csv(test_path, test)
    command = [arguments.siang, "train", "--input", train_path, "--text-column", "description", "--output", model_path]
    if system == "siang+seeds":
        command.append("--include-seeds")
    subprocess.run(command, check=True, capture_output=True)
    report = json.loads(subprocess.run(
        [arguments.siang, "evaluate", "--input", test_path, "--text-column", "description", "--model", model_path],
        check=True, capture_output=True, text=True).stdout)
    return report["accuracy"], report["macro_f1"]

results = collections.defaultdict(list)
with tempfile.TemporaryDirectory() as directory:
    for share in [float(s) for s in arguments.shares.split(",")]:
        for seed in range(arguments.first_seed, arguments.first_seed + arguments.seeds):
            train, test = split(share, seed)
            for system in systems:
                if system.startswith("siang"):
                    accuracy, f1 = siang_score(system, train, test, directory)
                else:
                    predicted = sklearn_predict(system, train, test)
                    truth = [rows[i][2] for i in test]
                    accuracy = sum(t == p for t, p in zip(truth, predicted)) / len(truth)
                    f1 = macro_f1(truth, predicted)
                results[(system, share)].append((accuracy, f1))
                print(json.dumps({"system": system, "share": share, "seed": seed, "train": len(train), "test": len(test),
                                  "accuracy": round(accuracy, 4), "macro_f1": round(f1, 4)}), flush=True)

print("\nmean accuracy / macro-F1 over seeds")
shares = sorted({share for _, share in results})
print("system".ljust(14) + "".join(f"{int(s * 100)}%".rjust(16) for s in shares))
for system in systems:
    cells = []
    for share in shares:
        values = results[(system, share)]
        cells.append(f"{sum(a for a, _ in values) / len(values):.3f} / {sum(f for _, f in values) / len(values):.3f}".rjust(16))
    print(system.ljust(14) + "".join(cells))
