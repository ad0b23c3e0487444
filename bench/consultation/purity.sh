#!/bin/sh
# Cluster purity and coverage of consultation theme grouping on the labelled opinions:
# purity = share of grouped opinions whose theme's majority label is their own (goal ≥ 0.85);
# coverage = share of opinions grouped into a theme rather than "other".
set -e
cd "$(dirname "$0")/../.."
swift run -c "${CONFIGURATION:-debug}" siang bench themes --purity --input bench/consultation/opinions.csv
