using System.Text.Json.Nodes;
using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Jobs;
using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Jobs;

/// <summary>The argument records of encode, test-retriever and prepare-ctxs: the flags, defaults and values they always had.</summary>
public sealed class VerbArgumentsTests
{
    static T Parse<T>(ArgumentSchema schema, params string[] args) where T : class, IArgumentRecord =>
        ArgumentParser.Parse(args, schema).Get<T>();

    [Fact]
    public void EncodeDefaultsLeaveTheModelsSettings()
    {
        var a = Parse<EncodeArguments>(EncodeArguments.Schema, "--input", "in.jsonl", "--output", "out.jsonl");
        Assert.Equal(ModelLocator.DefaultModel, a.ModelNameOrPath);
        Assert.Equal(PromptKind.None, a.Prompt);
        Assert.Null(a.PoolingType);
        Assert.Null(a.Normalize);
        Assert.Null(a.MaxLength);
        Assert.Equal(32, a.BatchSize);

        var request = a.ToRequest(m => "/models/" + m);
        Assert.Equal(new EncodeRequest("/models/" + ModelLocator.DefaultModel, "in.jsonl", "out.jsonl", PromptKind.None, new EncoderOverrides(), 32), request);
    }

    [Fact]
    public void EncodeOverridesAndNoneForTheModelsOwn()
    {
        var a = Parse<EncodeArguments>(EncodeArguments.Schema, "--input", "i", "--output", "o", "--pooling-type", "CLS", "--normalize",
            "--max_length", "64", "--prompt", "query", "--batch_size", "3");
        Assert.Equal((PoolingType.Cls, true, 64, PromptKind.Query, 3), (a.PoolingType!.Value, a.Normalize!.Value, a.MaxLength!.Value, a.Prompt, a.BatchSize));
        Assert.Equal(new EncoderOverrides { Pooling = PoolingType.Cls, Normalize = true, MaxLength = 64 }, a.ToRequest(m => m).Overrides);

        var unset = Parse<EncodeArguments>(EncodeArguments.Schema, "--input", "i", "--output", "o", "--normalize", "false", "--normalize", "none",
            "--pooling_type", "null");
        Assert.Null(unset.Normalize);
        Assert.Null(unset.PoolingType);
    }

    [Fact]
    public void TestRetrieverDefaultsAreLocalRqas()
    {
        var a = Parse<TestRetrieverArguments>(TestRetrieverArguments.Schema, "--document_path", "d", "--eval_data_path", "e", "--output_dir", "o");
        Assert.Equal(new TestRetrieverArguments { DocumentPath = "d", EvalDataPath = "e", OutputDir = "o" }, a);
        Assert.Equal((ModelLocator.DefaultModel, RetrieverKind.Dense, 8, 4, 1000, 42), (a.EmbeddingModelNameOrPath, a.RetrieverType, a.TestBszv, a.TopK, a.BootstrapSamples, a.Seed));
        Assert.True(a.UsePrompts);
        Assert.False(a.RebuildIndex);
        Assert.False(a.RetrNdcg);
        Assert.Null(a.Similarity);
    }

    [Theory]
    [InlineData("faiss", nameof(RetrieverKind.Dense))]
    [InlineData("dense", nameof(RetrieverKind.Dense))]
    [InlineData("BM25", nameof(RetrieverKind.Bm25))]
    [InlineData("bm25", nameof(RetrieverKind.Bm25))]
    // The kind by name: RetrieverKind is internal, and a public test method cannot take it.
    public void TestRetrieverTypesAsLocalRqaNamesThem(string spelling, string kind) =>
        Assert.Equal(Enum.Parse<RetrieverKind>(kind), Parse<TestRetrieverArguments>(TestRetrieverArguments.Schema,
            "--document_path", "d", "--eval_data_path", "e", "--output_dir", "o", "--retriever_type", spelling).RetrieverType);

    [Fact]
    public void TestRetrieverAllArgsIsLocalRqasGroupedSortedFile()
    {
        var a = Parse<TestRetrieverArguments>(TestRetrieverArguments.Schema, "--document_path", "d", "--eval_data_path", "e", "--output_dir", "o",
            "--retriever_type", "dense", "--similarity", "ip", "--rebuild_index");
        var json = ArgumentSet.Create(a).ToJson();
        Assert.Equal(["model_args", "test_args"], json.Select(kv => kv.Key));
        Assert.Equal(ModelLocator.DefaultModel, (string?)json["model_args"]!["embedding_model_name_or_path"]);
        var test = json["test_args"]!.AsObject();
        Assert.Equal(["bootstrap_samples", "compare_with", "document_path", "eval_data_path", "index_path", "max_length", "output_dir",
            "rebuild_index", "retr_ndcg", "retriever_type", "save_depth", "seed", "similarity", "test_bszv", "top_k", "use_prompts"], test.Select(kv => kv.Key));
        Assert.Equal("faiss", (string?)test["retriever_type"]);
        Assert.Equal("dot", (string?)test["similarity"]); // ip is an alias: all_args.json keeps the one canonical name
        Assert.True((bool)test["rebuild_index"]!);
        Assert.Null(test["index_path"]);
    }

    [Theory]
    [InlineData("--test_bszv", "0", "--test_bszv must be at least 1, got 0")]
    [InlineData("--top_k", "0", "--top_k must be at least 1, got 0")]
    [InlineData("--save_depth", "3", "--save_depth must be at least --top_k (4), got 3")]
    [InlineData("--bootstrap_samples", "0", "--bootstrap_samples must be at least 1, got 0")]
    [InlineData("--similarity", "manhattan", "--similarity: 'manhattan' is not one of cosine, dot, euclidean")]
    [InlineData("--retriever_type", "colbert", "--retriever_type: 'colbert' is not one of faiss, bm25, hybrid, dense")]
    public void TestRetrieverRefusesBadValuesInOneLine(string flag, string value, string message) =>
        Assert.Equal(message, Assert.Throws<RqaException>(() => ArgumentParser.Parse(
            ["--document_path", "d", "--eval_data_path", "e", "--output_dir", "o", flag, value], TestRetrieverArguments.Schema)).Message);

    [Fact]
    public void PrepareCtxsGathersInputsTrainAndEvalFiles()
    {
        var a = Parse<PrepareCtxsArguments>(PrepareCtxsArguments.Schema, "--full_dataset_file_path", "d.pkl", "--input", "a.jsonl", "b.jsonl",
            "--train_file", "t.jsonl", "--eval-file", "e.jsonl", "--n_context", "4");
        var request = a.ToRequest();
        Assert.Equal(["a.jsonl", "b.jsonl", "t.jsonl", "e.jsonl"], request.Inputs);
        Assert.Equal(("d.pkl", "bm25", 4, 32), (request.DocumentPath, request.Retriever, request.NContext, request.BatchSize));
        Assert.Null(request.Output);

        var dense = Parse<PrepareCtxsArguments>(PrepareCtxsArguments.Schema, "--full_dataset_file_path", "d", "--input=a", "--retriever", "dense",
            "--model_name_or_path", "m").ToRequest();
        Assert.Equal(["a"], dense.Inputs);
        Assert.Equal(("dense", "m", 50), (dense.Retriever, dense.ModelNameOrPath, dense.NContext));
    }

    [Fact]
    public void PrepareCtxsInputIsAListInFilesToo()
    {
        var folder = Directory.CreateTempSubdirectory("rqa-prepare-args-").FullName;
        try
        {
            var file = Path.Combine(folder, "args.json");
            File.WriteAllText(file, new JsonObject { ["full_dataset_file_path"] = "d", ["input"] = new JsonArray("a", "b") }.ToJsonString());
            Assert.Equal(["a", "b"], ArgumentParser.Parse([file], PrepareCtxsArguments.Schema).Get<PrepareCtxsArguments>().Input);
            // An override replaces the list, as argparse's nargs='+' does.
            Assert.Equal(["c"], ArgumentParser.Parse([file, "--input", "c"], PrepareCtxsArguments.Schema).Get<PrepareCtxsArguments>().Input);
            File.WriteAllText(file, new JsonObject { ["full_dataset_file_path"] = "d", ["input"] = "a" }.ToJsonString());
            Assert.Equal(["a"], ArgumentParser.Parse([file], PrepareCtxsArguments.Schema).Get<PrepareCtxsArguments>().Input);
            File.WriteAllText(file, new JsonObject { ["full_dataset_file_path"] = "d", ["input"] = new JsonArray(1) }.ToJsonString());
            Assert.Equal($"{file}: input: expected a list of strings, got [1]",
                Assert.Throws<RqaException>(() => ArgumentParser.Parse([file], PrepareCtxsArguments.Schema)).Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void PrepareCtxsInputNeedsAValue() =>
        Assert.Equal("--input needs a value", Assert.Throws<RqaException>(() =>
            ArgumentParser.Parse(["--full_dataset_file_path", "d", "--input", "--n_context", "3"], PrepareCtxsArguments.Schema)).Message);
}
