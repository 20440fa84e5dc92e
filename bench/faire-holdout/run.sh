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
docs="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["full_dataset_file_path"])' "$recipe")"
./rqa test-retriever --retriever_type bm25 --document_path "$docs" --eval_data_path "$out/heldout.jsonl" \
  --output_dir "$out/bm25" > "$out/bm25.log" 2>&1
# The training run ends with the table of the base model against the trained one on the held-out questions.
./rqa train ctl "$out/recipe.json" | tee "$out/train.out" | grep -v '^step\|^mining\|^eval step\|embedding'
python3 - "$out/bm25/score.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"BM25 on the same held-out questions: recall@1 {s['test_retr/document_recall/recall1']:.3f}, "
      f"recall@4 {s['test_retr/document_recall/recall4']:.3f}")
PY
