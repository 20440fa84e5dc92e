"""Writes the PyTorch-format fixtures of the checkpoint reader tests with real torch (run where torch exists).

    python3 make_pytorch_fixtures.py BERT_TINY_FOLDER OUT_FOLDER

- bert-tiny-pytorch/pytorch_model.bin: bert-tiny's state dict saved by torch.save, as transformers wrote
  checkpoints before safetensors (plus its config.json);
- bert-tiny-pytorch-sharded/: the same weights in two shards with a pytorch_model.bin.index.json;
- views.pt: tensors that share one storage (a transposed view, a row view) and a float16 tensor.
"""
import json
import os
import shutil
import sys

import torch
from safetensors.torch import load_file

source, out = sys.argv[1], sys.argv[2]
state = load_file(os.path.join(source, "model.safetensors"))

single = os.path.join(out, "bert-tiny-pytorch")
os.makedirs(single, exist_ok=True)
torch.save(state, os.path.join(single, "pytorch_model.bin"))
shutil.copy(os.path.join(source, "config.json"), single)

sharded = os.path.join(out, "bert-tiny-pytorch-sharded")
os.makedirs(sharded, exist_ok=True)
names = sorted(state)
halves = [names[: len(names) // 2], names[len(names) // 2 :]]
weight_map = {}
for i, part in enumerate(halves, start=1):
    file = f"pytorch_model-{i:05d}-of-00002.bin"
    torch.save({n: state[n] for n in part}, os.path.join(sharded, file))
    weight_map.update({n: file for n in part})
with open(os.path.join(sharded, "pytorch_model.bin.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": sum(t.numel() * t.element_size() for t in state.values())}, "weight_map": weight_map}, f, indent=2)
shutil.copy(os.path.join(source, "config.json"), sharded)

with torch.no_grad():
    views = {"matrix": torch.arange(12, dtype=torch.float32).reshape(3, 4), "half": torch.tensor([1.5, -2.0], dtype=torch.float16)}
    views["transposed"] = views["matrix"].t()
    views["row"] = views["matrix"][1]
torch.save(views, os.path.join(out, "views.pt"))
print("wrote", out, torch.__version__)
