"""Hold out a share of the training passages of a LocalRQA train file, with the recipe's other settings.

Usage: split.py TRAIN_FILE RECIPE_JSON OUT_DIR [--fraction 0.2] [--seed 7]

Lines are grouped by their gold passage (source + page_content); the sorted passages are shuffled with
Python's random.Random(seed) and the first `fraction` of them are held out, so no held-out passage is seen in
training. Writes OUT_DIR/train.jsonl, OUT_DIR/heldout.jsonl and OUT_DIR/recipe.json (the recipe with
train_file, eval_file and output_dir pointed at the split). Standard library only.
"""
import argparse, json, os, random

parser = argparse.ArgumentParser()
parser.add_argument("train_file")
parser.add_argument("recipe")
parser.add_argument("out_dir")
parser.add_argument("--fraction", type=float, default=0.2)
parser.add_argument("--seed", type=int, default=7)
args = parser.parse_args()

def identity(line):
    gold = json.loads(line)["gold_docs"][0]
    return (gold.get("metadata", {}).get("source") or "", gold["page_content"])

with open(args.train_file, encoding="utf-8") as f:
    lines = [l for l in f if l.strip()]
passages = sorted({identity(l) for l in lines})
random.Random(args.seed).shuffle(passages)
held = set(passages[: int(len(passages) * args.fraction)])

os.makedirs(args.out_dir, exist_ok=True)
train_path, held_path = (os.path.join(args.out_dir, n) for n in ("train.jsonl", "heldout.jsonl"))
with open(train_path, "w", encoding="utf-8") as train, open(held_path, "w", encoding="utf-8") as heldout:
    for l in lines:
        (heldout if identity(l) in held else train).write(l if l.endswith("\n") else l + "\n")

with open(args.recipe, encoding="utf-8") as f:
    recipe = json.load(f)
recipe.update(train_file=train_path, eval_file=held_path, output_dir=os.path.join(args.out_dir, "model"))
with open(os.path.join(args.out_dir, "recipe.json"), "w", encoding="utf-8") as f:
    json.dump(recipe, f, indent=2)

questions = lambda path: sum(len(json.loads(l)["questions"]) for l in open(path, encoding="utf-8"))
print(f"held out {len(held)} of {len(passages)} passages: {questions(held_path)} questions; "
      f"training on {questions(train_path)} questions")
