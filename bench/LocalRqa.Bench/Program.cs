using LocalRqa.Bench;

return args.FirstOrDefault() switch
{
    "encode" => EncodeBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LocalRqa.Bench encode [--documents PATH] [--batch_size 16] [--max_length 512] [--limit N]");
    return 2;
}
