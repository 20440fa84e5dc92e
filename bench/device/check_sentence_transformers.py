"""Cross-checks rqa against the Python ecosystem on a machine with PyTorch, transformers and sentence-transformers.

Input: the folder written by `dotnet run --project bench/LocalRqa.Bench -- st-export device-check`.
  1. Folders saved by rqa load in sentence-transformers and embed like `rqa encode` (cosine and max abs diff); so does
     the folder `rqa export onnx` wrote, through the ONNX backend, where Optimum and onnxruntime are installed.
  2. They load in transformers' AutoModel with no missing or unexpected weights.
  3. transformers' tokenizer for the converted arctic folder gives the same ids as rqa's tokenizer.
  4. Writes pytorch_model.bin files the way real torch / transformers do, for rqa's reader tests.
Usage: python3 check_sentence_transformers.py DEVICE_CHECK_DIR OUT_DIR
"""
import json
import os
import shutil
import sys

import torch
from safetensors.torch import load_file, save_file
from sentence_transformers import SentenceTransformer
from transformers import AutoModel, AutoTokenizer

root, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
torch.backends.cuda.matmul.allow_tf32 = False
report = {"torch": torch.__version__}


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def compare(folder, expected_file, prompt_name, backend="torch"):
    rows = read_jsonl(os.path.join(root, expected_file))
    texts = [r["text"] for r in rows]
    expected = torch.tensor([r["embedding"] for r in rows], dtype=torch.float32)
    model = SentenceTransformer(folder, device="cpu", backend=backend)
    got = model.encode(texts, prompt_name=prompt_name, convert_to_tensor=True, batch_size=16).float().cpu()
    cosine = torch.nn.functional.cosine_similarity(got, expected, dim=1)
    result = {
        "texts": len(texts),
        "min_cosine": float(cosine.min()),
        "max_abs_diff": float((got - expected).abs().max()),
        "modules": [type(m).__name__ for m in model],
        "max_seq_length": model.max_seq_length,
        "similarity_fn_name": model.similarity_fn_name,
    }
    print(expected_file, result, flush=True)
    return result


# Rebuild the float32 arctic weights from the float16 copy (their values are float16-exact by construction).
arctic = os.path.join(root, "arctic")
f16 = os.path.join(arctic, "model.f16.safetensors")
if os.path.exists(f16):
    save_file({k: v.float().contiguous() for k, v in load_file(f16).items()}, os.path.join(arctic, "model.safetensors"), metadata={"format": "pt"})
    os.remove(f16)

tiny_st = os.path.join(root, "bert-tiny-st")
report["bert-tiny-st"] = compare(tiny_st, "bert-tiny-st.expected.jsonl", None)
report["arctic-queries"] = compare(arctic, "arctic.queries.expected.jsonl", "query")
report["arctic-passages"] = compare(arctic, "arctic.passages.expected.jsonl", None)

# The folder `rqa export onnx` wrote, through sentence-transformers' ONNX backend (onnx/model.onnx), when installed.
try:
    import optimum.onnxruntime  # noqa: F401  (pip install sentence-transformers[onnx])
    report["bert-tiny-onnx"] = compare(os.path.join(root, "bert-tiny-onnx"), "bert-tiny-st.expected.jsonl", None, backend="onnx")
except ImportError:
    report["bert-tiny-onnx"] = "skipped: optimum[onnxruntime] is not installed"
    print("bert-tiny-onnx", report["bert-tiny-onnx"], flush=True)

for name, folder in [("bert-tiny-st", tiny_st), ("arctic", arctic)]:
    _, info = AutoModel.from_pretrained(folder, output_loading_info=True)
    report[name + "-loading"] = {k: list(v) for k, v in info.items()}
    print(name, "loading info", report[name + "-loading"], flush=True)

tokenizer = AutoTokenizer.from_pretrained(arctic)
mismatches = []
rows = read_jsonl(os.path.join(root, "arctic.token_ids.jsonl"))
for row in rows:
    ids = tokenizer(row["text"], truncation=True, max_length=512)["input_ids"]
    if ids != row["input_ids"]:
        mismatches.append({"text": row["text"][:200], "hf": ids[:40], "rqa": row["input_ids"][:40]})
report["tokenizer"] = {"class": type(tokenizer).__name__, "texts": len(rows), "mismatches": len(mismatches), "examples": mismatches[:3]}
print("tokenizer", report["tokenizer"], flush=True)

# pytorch_model.bin as transformers writes it, and a plain torch.save of a state dict with a transposed view.
tiny = os.path.join(root, "bert-tiny")
bin_dir = os.path.join(out, "bert-tiny-pytorch")
model = AutoModel.from_pretrained(tiny)
model.save_pretrained(bin_dir, safe_serialization=False)
for extra in ["config.json", "model.safetensors"]:
    path = os.path.join(bin_dir, extra)
    if extra == "model.safetensors" and os.path.exists(path):
        os.remove(path)
with torch.no_grad():
    sample = {"matrix": torch.arange(12, dtype=torch.float32).reshape(3, 4), "half": torch.tensor([1.5, -2.0], dtype=torch.float16)}
    sample["transposed"] = sample["matrix"].t()
    sample["row"] = sample["matrix"][1]
torch.save(sample, os.path.join(out, "views.pt"))
report["pytorch_files"] = sorted(os.listdir(bin_dir))

with open(os.path.join(out, "report.json"), "w") as f:
    json.dump(report, f, indent=2)
print("done", flush=True)
