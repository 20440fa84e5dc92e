using LocalRqa.Bench;

return args.FirstOrDefault() switch
{
    "encode" => EncodeBenchmark.Run(args[1..]),
    "encode-ops" => EncodeOpsBenchmark.Run(args[1..]),
    "search" => SearchBenchmark.Run(args[1..]),
    "index-checksum" => IndexChecksumBenchmark.Run(args[1..]),
    "train" => TrainBenchmark.Run(args[1..]),
    "train-memory" => TrainBenchmark.RunMemoryStep(args[1..]),
    "reader" => ReaderBenchmark.Run(args[1..]),
    "lm-score" => LmScoreBenchmark.Run(args[1..]),
    "rpg-refresh" => RpgRefreshBenchmark.Run(args[1..]),
    "st-export" => SentenceTransformersExport.Run(args[1..]),
    "pytorch-inputs" => PyTorchInputs.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LocalRqa.Bench encode [--documents PATH] [--batch_size 16] [--max_length 512] [--limit N]");
    Console.Error.WriteLine("       LocalRqa.Bench encode-ops [--batch_size 16] [--length 256] [--repeats 20]");
    Console.Error.WriteLine("       LocalRqa.Bench search [--docs 1000000] [--dim 384] [--queries 10000] [--k 10] [--naive_queries 20]");
    Console.Error.WriteLine("       LocalRqa.Bench index-checksum [--docs 1000000] [--dim 384] [--repeats 3] [--dir TMP]");
    Console.Error.WriteLine("       LocalRqa.Bench train [--train PATH] [--batch_size 32] [--hard_negatives 16] [--max_length 256] [--chunk_size 16]");
    Console.Error.WriteLine("                            [--warmup_steps 1] [--steps 3] [--memory_batch 256] [--memory_max_length 512]");
    Console.Error.WriteLine("                            [--memory_chunk_size 8] [--plain_memory_batch 8] [--attention_dropout P] [--seed 42]");
    Console.Error.WriteLine("       LocalRqa.Bench reader [--questions 2] [--passages 10] [--length 200] [--new_tokens 50] [--tiny_repeats 5] [--seed 42]");
    Console.Error.WriteLine("       LocalRqa.Bench lm-score [--questions 2] [--passages 4] [--text_maxlength 256] [--tiny_repeats 3]");
    Console.Error.WriteLine("                               [--qwen_vocab 151936] [--qwen_layers 24] [--seed 42]");
    Console.Error.WriteLine("       LocalRqa.Bench rpg-refresh [--batch_size 32] [--questions 32] [--num_docs 8] [--text_maxlength 128] [--skip_refresh false]");
    Console.Error.WriteLine("       LocalRqa.Bench st-export [OUTDIR] [FIXTURES] [DATA]   (files for bench/device/check_sentence_transformers.py)");
    Console.Error.WriteLine("       LocalRqa.Bench pytorch-inputs OUTDIR [--batch_size 32] [--hard_negatives 16] [--max_length 256] [--chunk_size 16] [--steps 3]");
    Console.Error.WriteLine("                            [--warmup_steps 1] [--seed 42] [--encode_batch_size 16] [--encode_max_length 512] [--limit N]");
    Console.Error.WriteLine("                            (inputs for bench/pytorch)");
    return 2;
}
