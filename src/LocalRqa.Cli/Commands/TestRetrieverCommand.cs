using System.CommandLine;
using LocalRqa.Evaluation;
using LocalRqa.Logging;
using LocalRqa.BuiltIn;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa test-retriever`: LocalRQA's scripts/test/test_retriever.py, with the same flags and files.</summary>
public static class TestRetrieverCommand
{
    public static Command Create()
    {
        var model = Flags.Create("--embedding_model_name_or_path", "Dense retriever model: a folder or HuggingFace id.", () => ModelLocator.DefaultModel);
        var documents = Flags.Create<string>("--document_path", "Document database: LocalRQA documents.pkl, JSONL or a JSON list of {page_content, fmt_content?, metadata?}.");
        documents.Required = true;
        var index = Flags.Create<string?>("--index_path", "Folder of the saved vector index: reused when built from the same documents and model, else built and saved.");
        var evalData = Flags.Create<string>("--eval_data_path", "Questions: JSONL with questions (or question) and gold_docs.");
        evalData.Required = true;
        var output = Flags.Create<string>("--output_dir", "Where all_args.json, score.json, test-predictions.jsonl and test.log go.");
        output.Required = true;
        var type = Flags.Create("--retriever_type", "faiss (dense, the name LocalRQA uses) or bm25.", () => "faiss");
        type.AcceptOnlyFromAmong("faiss", "bm25", "BM25", "dense");
        var batch = Flags.Create("--test_bszv", "Questions per retrieval call; also the embedding batch size.", () => 8);
        var similarity = Flags.Create<string?>("--similarity", "l2 (FAISS's default), ip or cosine (default: the model's own, else cosine).");
        similarity.AcceptOnlyFromAmong("l2", "ip", "cosine");
        var topK = Flags.Create("--top_k", "Documents retrieved per question (LocalRQA retrieves 4).", () => 4);
        var maxLength = Flags.Create<int?>("--max_length", "Truncate texts to this many tokens (default: the model's).");
        var prompts = Flags.Boolean("--use_prompts", "Embed with the model's query/passage prompts (default true; false matches LocalRQA's HuggingFaceEmbeddings).");
        var rebuild = Flags.Boolean("--rebuild_index", "Rebuild the index at --index_path even if it was built differently.");
        var ndcg = Flags.Boolean("--retr_ndcg", "Also compute LocalRQA's nDCG.");
        var compare = Flags.Create<string?>("--compare_with", "Another run's test-predictions.jsonl: gained/lost questions and paired bootstrap p-values.");
        var resamples = Flags.Create("--bootstrap_samples", "Bootstrap resamples for confidence intervals and p-values.", () => 1000);
        var seed = Flags.Create("--seed", "Seed of the bootstrap.", () => 42);

        var command = new Command("test-retriever", "Evaluate a retriever (dense or BM25) on questions with gold documents.")
        {
            model, documents, index, evalData, output, type, batch, similarity, topK, maxLength, prompts, rebuild, ndcg, compare, resamples, seed,
        };
        command.SetAction(result =>
        {
            var request = new TestRetrieverRequest
            {
                EmbeddingModel = result.GetValue(model)!,
                DocumentPath = result.GetValue(documents)!,
                IndexPath = result.GetValue(index),
                EvalDataPath = result.GetValue(evalData)!,
                OutputDir = result.GetValue(output)!,
                RetrieverType = result.GetValue(type)!,
                TestBatchSize = result.GetValue(batch),
                Similarity = result.GetValue(similarity),
                TopK = result.GetValue(topK),
                MaxLength = result.GetValue(maxLength),
                UsePrompts = result.GetBoolean(prompts) ?? true,
                RebuildIndex = result.GetBoolean(rebuild) ?? false,
                Ndcg = result.GetBoolean(ndcg) ?? false,
                CompareWith = result.GetValue(compare),
                BootstrapResamples = result.GetValue(resamples),
                Seed = result.GetValue(seed),
            };
            using var log = new RunLog(Console.Error);
            TestRetrieverJob.Run(request, log, (label, total) => new ConsoleProgress(label, Console.Error, total));
            return 0;
        });
        return command;
    }
}
