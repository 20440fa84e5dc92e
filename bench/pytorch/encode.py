"""PyTorch eager counterpart of `bench encode`'s TorchSharp measurement: docs/s of the built-in arctic-embed-xs over the
very batches rqa encodes (encode_batches.json from `bench pytorch-inputs`: the Faire passages' token ids in
LengthSortedBatches order), eval mode under torch.inference_mode(), one warm-up batch (the last, as the C# bench);
then the min cosine against rqa's embeddings of the same batches.
Usage: /usr/bin/python3 bench/pytorch/encode.py INPUTS_DIR [--threads N]"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("inputs", help="the OUTDIR of `bench pytorch-inputs`")
parser.add_argument("--threads", type=int, default=0, help="intra-op threads (default: os.cpu_count())")
args = parser.parse_args()
bert.set_threads(args.threads)

data = bert.load_inputs(os.path.join(args.inputs, "encode_batches.json"))
model = bert.load_model(data["model_folder"]).eval()
batches = [b["ids"] for b in data["batches"]]
pad_id, pooling, normalize = data["pad_token_id"], data["pooling"], data["normalize"]
tokens = sum(len(t) for b in batches for t in b)
print(f"encode: {data['texts']} passages from {data['documents']}; {tokens} tokens (max {data['max_length']}); "
      f"{len(batches)} length-sorted batches of {data['batch_size']}; {torch.get_num_threads()} threads; "
      f"pooling {pooling}, normalize {normalize}")


def encode(texts):
    with torch.inference_mode():
        ids, mask = bert.pad(texts, pad_id)
        return bert.pool(model(ids, mask), mask, pooling, normalize)


encode(batches[-1])  # warm-up, as EncodeBenchmark.Time
start = time.perf_counter()
embeddings = [encode(b) for b in batches]
seconds = time.perf_counter() - start

ours = torch.cat(embeddings).double()
rqa = torch.tensor([row for b in data["batches"] for row in b["embeddings"]], dtype=torch.float64)
min_cosine = F.cosine_similarity(ours, rqa, dim=1).min().item()
print(f"PyTorch eager: {data['texts'] / seconds:7.2f} docs/s ({seconds:.1f} s)")
print(f"min cosine against rqa's embeddings of the same batches: {min_cosine:.6f} ({'ok' if min_cosine >= 0.99999 else 'BELOW 0.99999'})")
sys.exit(0 if min_cosine >= 0.99999 else 1)
