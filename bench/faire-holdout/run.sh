#!/usr/bin/env bash
# Trains the example CTL recipe without 20% of the Faire training passages and compares it with the base model
# and BM25 on the questions of those held-out passages: a second check of the recipe besides the 73 eval questions.
# Usage: bench/faire-holdout/run.sh [OUT_DIR] [RECIPE_JSON]   (about 5 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${1:-/tmp/rqa-faire-holdout}"
recipe="${2:-examples/faire/ctl.json}"
python3 bench/faire-holdout/split.py examples/faire/train_w_q.jsonl "$recipe" "$out"
# The run ends with the table of the base model, the trained one and BM25 (--bm25_baseline) on the held-out questions.
./rqa train ctl "$out/recipe.json" > "$out/train.out" 2>&1 || { tail -n 20 "$out/train.out"; exit 1; }
sed -n '/^Evaluation on /,$p' "$out/train.out"
