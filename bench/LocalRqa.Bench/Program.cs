using LocalRqa.Bench;

return args.FirstOrDefault() switch
{
    "encode" => EncodeBenchmark.Run(args[1..]),
    "search" => SearchBenchmark.Run(args[1..]),
    "st-export" => SentenceTransformersExport.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LocalRqa.Bench encode [--documents PATH] [--batch_size 16] [--max_length 512] [--limit N]");
    Console.Error.WriteLine("       LocalRqa.Bench search [--docs 1000000] [--dim 384] [--queries 10000] [--k 10] [--naive_queries 20]");
    Console.Error.WriteLine("       LocalRqa.Bench st-export [OUTDIR] [FIXTURES] [DATA]   (files for bench/device/check_sentence_transformers.py)");
    return 2;
}
