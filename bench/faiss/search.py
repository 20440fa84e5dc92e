#!/usr/bin/env python3
"""FAISS IndexFlatIP on the vectors `bench search` wrote: the reference rate for exact inner-product search.

Reads raw little-endian float32 files (documents [N, D], queries [Q, D]), searches the top k with the given number of
threads, prints one JSON line: {"faiss": version, "blas": ..., "threads": T, "seconds": s, "queries_per_second": r}
and writes the top-k document indices [Q, k] as int64 to --indices, for `bench search` to compare with its own.
Needs Debian's python3-faiss and libopenblas0-pthread (bench/faiss/README.md).
"""
import argparse
import json
import time

import faiss
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--indices", required=True)
    args = parser.parse_args()

    faiss.omp_set_num_threads(args.threads)
    documents = np.fromfile(args.documents, dtype="<f4").reshape(-1, args.dim)
    queries = np.fromfile(args.queries, dtype="<f4").reshape(-1, args.dim)
    index = faiss.IndexFlatIP(args.dim)
    index.add(documents)
    # One small search first, so that thread pools and BLAS are warm, as in the C# bench.
    index.search(queries[:8], args.k)
    start = time.perf_counter()
    _, indices = index.search(queries, args.k)
    seconds = time.perf_counter() - start
    indices.astype("<i8").tofile(args.indices)
    mapped = [line.split()[-1] for line in open("/proc/self/maps") if "/" in line]
    blas = next((path for path in mapped if any(name in path.rsplit("/", 1)[-1] for name in ("libopenblas", "libblas", "libmkl"))), "unknown")
    print(json.dumps({
        "faiss": faiss.__version__,
        "blas": blas,
        "threads": args.threads,
        "seconds": seconds,
        "queries_per_second": len(queries) / seconds,
    }))


if __name__ == "__main__":
    main()
