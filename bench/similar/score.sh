#!/bin/sh
# Precision@1 and recall@5 of "already reported?" on the labelled pairs (bench/similar/pairs.csv):
# every pair's second text is indexed as a filed case, every first text is asked about as at filing.
# Goal: precision@1 >= 0.90, recall@5 >= 0.95. Run from the repository's root after a build.
set -eu
cd "$(dirname "$0")/../.."
BIN=${SIANG_BIN:-.build/debug/siang}
[ -x "$BIN" ] || BIN=.build/release/siang
exec "$BIN" bench similar-pairs --pairs bench/similar/pairs.csv
