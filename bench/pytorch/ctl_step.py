"""PyTorch eager counterpart of `bench train`'s throughput table: tokens/s of the CTL step (forward + backward only, no
optimizer step, gradients zeroed before each step) on the very batches rqa measures (ctl_batches.json from
`bench pytorch-inputs`: token ids, false-negative masks, temperature), train mode, in the two modes of the C# bench:
  * plain: each tower in length-sorted passes of plain_chunk_size texts, every graph alive until one backward
    (rqa's PlainStep);
  * GradCache chunk_size: a no-grad pass recording the RNG state before each chunk, the loss on leaf embeddings,
    then each chunk replayed with its RNG state and its cached gradient pushed through (rqa's GradCacheStep).
Usage: /usr/bin/python3 bench/pytorch/ctl_step.py INPUTS_DIR [--attention_dropout P] [--threads N] [--no_matmul_rate]"""
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
parser.add_argument("--attention_dropout", type=float, default=None, help="default: the model config's (0.1)")
parser.add_argument("--threads", type=int, default=0, help="intra-op threads (default: os.cpu_count())")
parser.add_argument("--no_matmul_rate", action="store_true", help="skip the two 2.5 s matmul-rate measurements")
args = parser.parse_args()
bert.set_threads(args.threads)

data = bert.load_inputs(os.path.join(args.inputs, "ctl_batches.json"))
torch.manual_seed(data["seed"])  # as TrainBenchmark.Run; the draws differ from libtorch's anyway, the shapes do not
model = bert.load_model(data["model_folder"]).train()
if args.attention_dropout is not None:
    model.set_attention_dropout(args.attention_dropout)
config = model.config
pad_id, pooling, normalize = data["pad_token_id"], data["pooling"], data["normalize"]
if data["similarity"] != "dot":
    raise SystemExit(f"ctl_step.py implements the dot similarity only, not {data['similarity']}")
batches = [(b["queries"], b["candidates"], torch.tensor(b["mask"], dtype=torch.bool), b["temperature"]) for b in data["batches"]]
warmup, steps = data["warmup_steps"], data["steps"]


def plan(texts, size):
    """rqa's TextChunks: longest first (stable), chunks of size; and the permutation back to batch order."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    inverse = torch.empty(len(order), dtype=torch.long)
    inverse[torch.tensor(order)] = torch.arange(len(order))
    return [[texts[i] for i in order[c:c + size]] for c in range(0, len(order), size)], inverse


def encode(texts):
    ids, mask = bert.pad(texts, pad_id)
    return bert.pool(model(ids, mask), mask, pooling, normalize)


def loss_of(q, d, mask, temperature):
    """LocalRQA's in-batch contrastive loss with hard negatives: dot / T, false negatives masked, CE against i."""
    logits = (q @ d.t() / temperature).masked_fill(mask, float("-inf"))
    return F.cross_entropy(logits, torch.arange(q.shape[0]))


def plain_step(queries, candidates, mask, temperature, size):
    query_chunks, query_inverse = plan(queries, size)
    candidate_chunks, candidate_inverse = plan(candidates, size)
    q = torch.cat([encode(c) for c in query_chunks]).index_select(0, query_inverse)
    d = torch.cat([encode(c) for c in candidate_chunks]).index_select(0, candidate_inverse)
    loss = loss_of(q, d, mask, temperature)
    loss.backward()
    return loss.item()


def gradcache_step(queries, candidates, mask, temperature, size):
    if size >= max(len(queries), len(candidates)):  # one chunk per tower: GradCacheStep falls back to the plain step
        return plain_step(queries, candidates, mask, temperature, size)
    query_chunks, query_inverse = plan(queries, size)
    candidate_chunks, candidate_inverse = plan(candidates, size)
    chunks = query_chunks + candidate_chunks
    states, embeddings = [], []
    with torch.no_grad():
        for c in chunks:
            states.append(torch.get_rng_state())
            embeddings.append(encode(c))
    q = torch.cat(embeddings[:len(query_chunks)]).requires_grad_()
    d = torch.cat(embeddings[len(query_chunks):]).requires_grad_()
    loss = loss_of(q.index_select(0, query_inverse), d.index_select(0, candidate_inverse), mask, temperature)
    loss.backward()
    cached = list(q.grad.split([len(c) for c in query_chunks])) + list(d.grad.split([len(c) for c in candidate_chunks]))
    after = torch.get_rng_state()
    try:
        for c, state, gradient in zip(chunks, states, cached):
            torch.set_rng_state(state)
            encode(c).backward(gradient)
    finally:
        torch.set_rng_state(after)
    return loss.item()


def share(rate, reference):
    return "-" if reference != reference else f"{rate / reference:.0%}"  # "-" when the matmul rate was skipped (nan)


def padded(texts, size):
    return sum(len(c) * len(c[0]) for c in plan(texts, size)[0])


dense_parameters = model.non_embedding_parameters()
layers, hidden = config["num_hidden_layers"], config["hidden_size"]
attention_dropout = model.encoder.layer[0].attention.self.dropout.p
print(f"ctl_step: {data['model']} from {data['model_folder']}: {dense_parameters / 1e6:.2f} M parameters outside the embeddings; "
      f"train mode, hidden dropout {config['hidden_dropout_prob']}, attention dropout {attention_dropout}"
      f"{'' if args.attention_dropout is not None else ' (as configured)'}; {torch.get_num_threads()} threads")
if args.no_matmul_rate:
    square_rate = model_rate = float("nan")
else:
    square_rate, model_rate = bert.matmul_rate(1024, 1024, 1024), bert.matmul_rate(4096, 384, 1536)
    print(f"fp32 torch.mm [1024,1024]x[1024,1024]: {square_rate:7.1f} GFLOP/s")
    print(f"fp32 torch.mm [4096,384]x[384,1536]:   {model_rate:7.1f} GFLOP/s (the FFN shape of a 16 x 256 chunk)")
print(f"CTL batches from {data['train']}: {data['batch_size']} queries + {data['hard_negatives']} hard negatives "
      f"(+{data['batch_size']} positives), max_length {data['max_length']}, temperature {batches[0][3]}; "
      f"{warmup} warm-up + {steps} measured steps per mode")
print(f"{'step':<14} {'tokens/s':>9} {'s/step':>7} {'GFLOP/s 6NT':>12} {'+attention':>11} {'vs 1024^3':>10} {'vs model mm':>12} {'padding':>8}")
for chunk in (0, data["chunk_size"]):
    seconds = 0.0
    for i, (queries, candidates, mask, temperature) in enumerate(batches):
        model.zero_grad(set_to_none=False)  # rqa zeroes .grad in place
        start = time.perf_counter()
        value = (gradcache_step(queries, candidates, mask, temperature, chunk) if chunk > 0
                 else plain_step(queries, candidates, mask, temperature, data["plain_chunk_size"]))
        elapsed = time.perf_counter() - start
        if not torch.isfinite(torch.tensor(value)):
            raise SystemExit(f"the loss is {value}")
        if i >= warmup:
            seconds += elapsed
    measured = batches[warmup:]
    texts = [t for q, c, _, _ in measured for t in q + c]
    tokens = sum(len(t) for t in texts)
    squared = sum(len(t) ** 2 for t in texts)
    size = chunk if chunk > 0 else data["plain_chunk_size"]
    padded_tokens = sum(padded(q, size) + padded(c, size) for q, c, _, _ in measured)
    dense = 6.0 * dense_parameters * tokens / seconds / 1e9
    with_attention = dense + 12.0 * layers * hidden * squared / seconds / 1e9
    name = f"GradCache {chunk}" if chunk > 0 else f"plain ({data['plain_chunk_size']}s)"
    print(f"{name:<14} {tokens / seconds:9.0f} {seconds / len(measured):7.2f} {dense:12.1f} {with_attention:11.1f} "
          f"{share(with_attention, square_rate):>10} {share(with_attention, model_rate):>12} {1 - tokens / padded_tokens:8.0%}")
print("(forward + backward only, as `bench train`; GradCache runs every forward twice; padding = share of computed tokens that are padding)")
