"""A small BERT encoder in PyTorch eager (Hugging Face BertModel layout: post-LN, erf GELU, no pooler), loaded from
rqa's built-in model folder (config.json + model.safetensors), with the pooling and normalisation rqa applies; and
the helpers ctl_step.py and encode.py share (inputs written by `bench pytorch-inputs`, padding, threads, machine).

Run directly (`/usr/bin/python3 bench/pytorch/bert.py`) it prints the torch side of the machine description."""
import json
import math
import os
import re
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.heads, self.head_size = heads, hidden // heads
        self.query, self.key, self.value = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, bias):  # x [B, T, H], bias [B, 1, 1, T]
        b, t, h = x.shape
        split = lambda y: y.view(b, t, self.heads, self.head_size).transpose(1, 2)  # [B, heads, T, d]
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_size) + bias  # [B, heads, T, T]
        probs = self.dropout(torch.softmax(scores, dim=-1))
        return (probs @ v).transpose(1, 2).reshape(b, t, h)


class Output(nn.Module):
    """dense → dropout → + residual → LayerNorm (post-LN), as HF's BertSelfOutput and BertOutput."""

    def __init__(self, inner, hidden, dropout, eps):
        super().__init__()
        self.dense, self.LayerNorm, self.dropout = nn.Linear(inner, hidden), nn.LayerNorm(hidden, eps=eps), nn.Dropout(dropout)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttention(c["hidden_size"], c["num_attention_heads"], c["attention_probs_dropout_prob"])
        self.output = Output(c["hidden_size"], c["hidden_size"], c["hidden_dropout_prob"], c["layer_norm_eps"])

    def forward(self, x, bias):
        return self.output(self.self(x, bias), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))  # erf GELU, HF's "gelu"


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention, self.intermediate = Attention(c), Intermediate(c)
        self.output = Output(c["intermediate_size"], c["hidden_size"], c["hidden_dropout_prob"], c["layer_norm_eps"])

    def forward(self, x, bias):
        a = self.attention(x, bias)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], h)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], h)
        self.LayerNorm, self.dropout = nn.LayerNorm(h, eps=c["layer_norm_eps"]), nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, ids):  # ids [B, T]; token types all 0, as rqa's SentenceEncoder.Forward
        positions = torch.arange(ids.shape[1])[None]
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(torch.zeros_like(ids))
        return self.dropout(self.LayerNorm(x))


class Bert(nn.Module):
    def __init__(self, config):
        super().__init__()
        if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise SystemExit(f"bert.py implements gelu + absolute positions only, not {config.get('hidden_act')} / {config.get('position_embedding_type')}")
        self.config = config
        self.embeddings, self.encoder = Embeddings(config), Encoder(config)

    def forward(self, ids, mask):  # [B, T] → [B, T, H]
        # 0 to attend, the dtype's minimum to ignore: the additive bias of HF and rqa's BertModel.
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        x = self.embeddings(ids)
        for layer in self.encoder.layer:
            x = layer(x, bias)
        return x

    def set_attention_dropout(self, p):
        for layer in self.encoder.layer:
            layer.attention.self.dropout.p = p

    def non_embedding_parameters(self):
        return sum(p.numel() for n, p in self.named_parameters() if not n.startswith("embeddings."))


_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    """{name: tensor}: 8-byte little-endian header length, JSON header, then the raw little-endian data."""
    try:
        from safetensors.torch import load_file  # Debian bookworm has no package for it; parse it ourselves otherwise
        return load_file(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        raw = bytearray(f.read())
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        dtype = _DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        count = (end - start) // torch.tensor([], dtype=dtype).element_size()
        t = torch.frombuffer(raw, dtype=dtype, count=count, offset=8 + n + start) if count else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors


def load_model(folder):
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = Bert(config)
    state = {k: v.float() for k, v in read_safetensors(os.path.join(folder, "model.safetensors")).items() if not k.startswith("pooler.")}
    model.load_state_dict(state, strict=True)
    return model


def pool(hidden, mask, pooling, normalize):
    """[B, T, H] → [B, H] as rqa's Pooling: CLS or mean over real tokens, then L2 (eps 1e-12) when configured."""
    if pooling == "cls":
        pooled = hidden[:, 0]
    elif pooling == "mean":
        m = mask[:, :, None].float()
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    else:
        raise SystemExit(f"unknown pooling {pooling}")
    return F.normalize(pooled, p=2, dim=1) if normalize else pooled


def pad(texts, pad_id):
    """Token id lists → ids [B, T] and mask [B, T], padded to the longest (rqa's TokenBatch)."""
    t = max(len(x) for x in texts)
    ids = torch.tensor([x + [pad_id] * (t - len(x)) for x in texts], dtype=torch.long)
    mask = torch.tensor([[1] * len(x) + [0] * (t - len(x)) for x in texts], dtype=torch.long)
    return ids, mask


def load_inputs(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def set_threads(threads):
    torch.set_num_threads(threads or os.cpu_count())


def describe():
    blas = re.findall(r"BLAS_INFO=\w+", torch.__config__.show())
    capability = [line.strip("- ").strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line]
    libblas = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    return (f"torch {torch.__version__} ({torch.__file__}); {', '.join(blas) or 'BLAS_INFO ?'} -> libblas.so.3 = {libblas}; "
            f"{'; '.join(capability)}; mkldnn {'on' if torch.backends.mkldnn.is_available() else 'off'}; "
            f"{torch.get_num_threads()} intra-op threads, {os.cpu_count()} CPUs")


def matmul_rate(m, k, n, seconds=2.0):
    """fp32 GFLOP/s of torch.mm for [m, k] x [k, n], as the C# MatmulRate: half a second of warm-up, then ~seconds."""
    with torch.inference_mode():
        a, b = torch.randn(m, k), torch.randn(k, n)
        warm = time.perf_counter()
        while time.perf_counter() - warm < 0.5:
            a.mm(b)
        calls, start = 0, time.perf_counter()
        while True:
            a.mm(b)
            calls += 1
            if time.perf_counter() - start >= seconds:
                break
        return 2.0 * m * k * n * calls / (time.perf_counter() - start) / 1e9


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0)
    set_threads(parser.parse_args().threads)
    print(describe())
