using LocalRqa.Indexing;
using LocalRqa.Training.Comparison;
using LocalRqa.Training.Reports;

namespace LocalRqa.Tests.Training.Reports;

public sealed class ModelCardTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("rqa-card-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static ModelCardInfo Info() => new()
    {
        ModelName = "model_checkpoints/faire-ctl",
        Algorithm = "contrastive learning (CTL) with in-batch and hard negatives",
        BaseModel = "Snowflake/snowflake-arctic-embed-xs",
        Data =
        [
            new("train", "data/faire/train_w_q.jsonl", 1200, "questions"),
            new("eval", "data/faire/eval_w_q.jsonl", 150, "questions"),
            new("documents", "data/faire/documents.pkl", 1758, "passages"),
        ],
        Arguments = new Dictionary<string, object?>
        {
            ["learning_rate"] = 2e-5,
            ["per_device_train_batch_size"] = 64,
            ["num_train_epochs"] = 3.0,
            ["temperature"] = 0.05,
            ["hard_neg_ratio"] = 0.05,
            ["gradient_checkpointing"] = true,
        },
        BaseMetrics = new Dictionary<string, double>
        {
            ["eval_retr/document_recall/recall4"] = 0.6,
            ["eval_retr/document_recall/recall1"] = 0.4,
            ["eval_retr/ranking/ndcg@10"] = 0.55,
        },
        FinalMetrics = new Dictionary<string, double>
        {
            ["eval_retr/document_recall/recall4"] = 0.8123,
            ["eval_retr/document_recall/recall1"] = 0.35,
            ["eval_retr/ranking/ndcg@10"] = 0.7,
            ["eval_retr/document_accuracy/accuracy"] = 0.3,
        },
        Charts = ["loss.png", "eval_metrics.png"],
        PromptNames = new HashSet<string> { "query", "passage" },
    };

    [Fact]
    public void Front_matter_names_library_pipeline_base_model_and_tags()
    {
        var card = ModelCard.Render(Info());

        var lines = card.Split('\n');
        Assert.Equal("---", lines[0]);
        var end = Array.IndexOf(lines, "---", 1);
        Assert.True(end > 0);
        var front = lines[1..end];
        Assert.Contains("library_name: sentence-transformers", front);
        Assert.Contains("pipeline_tag: sentence-similarity", front);
        Assert.Contains("base_model: Snowflake/snowflake-arctic-embed-xs", front);
        Assert.Contains("tags:", front);
        Assert.Contains("- sentence-transformers", front);
        Assert.Contains("- rqa", front);
    }

    [Fact]
    public void Tables_list_data_arguments_and_results_with_differences()
    {
        var card = ModelCard.Render(Info());

        Assert.Contains("| train | `data/faire/train_w_q.jsonl` | 1,200 questions |", card);
        Assert.Contains("| documents | `data/faire/documents.pkl` | 1,758 passages |", card);
        Assert.Contains("| `learning_rate` | 2E-05 |", card);
        Assert.Contains("| `per_device_train_batch_size` | 64 |", card);
        Assert.Contains("| `gradient_checkpointing` | true |", card);
        Assert.Contains("| metric | base model | trained model | difference |", card);
        Assert.Contains("| recall4 | 0.6000 | 0.8123 | +0.2123 |", card);
        Assert.Contains("| recall1 | 0.4000 | 0.3500 | -0.0500 |", card);
        Assert.Contains("| ndcg@10 | 0.5500 | 0.7000 | +0.1500 |", card);
        // A metric the base run lacks keeps its row, without a base value or difference.
        Assert.Contains("| accuracy |  | 0.3000 |  |", card);
        // Headline order: recall1 before recall4 before ndcg@10, then the rest.
        Assert.True(card.IndexOf("| recall1 |", StringComparison.Ordinal) < card.IndexOf("| recall4 |", StringComparison.Ordinal));
        Assert.True(card.IndexOf("| ndcg@10 |", StringComparison.Ordinal) < card.IndexOf("| accuracy |", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bm25_reference_adds_its_column_and_the_margin_over_it()
    {
        var card = ModelCard.Render(Info() with
        {
            Bm25Metrics = new Dictionary<string, double>
            {
                ["eval_retr/document_recall/recall4"] = 0.863,
                ["eval_retr/document_recall/recall1"] = 0.37,
            },
        });

        Assert.Contains("with BM25 (keyword search) on the same questions for reference.", card);
        Assert.Contains("| metric | base model | trained model | difference | BM25 | trained − BM25 |", card);
        Assert.Contains("|---|---:|---:|---:|---:|---:|", card);
        Assert.Contains("| recall4 | 0.6000 | 0.8123 | +0.2123 | 0.8630 | -0.0507 |", card);
        Assert.Contains("| recall1 | 0.4000 | 0.3500 | -0.0500 | 0.3700 | -0.0200 |", card);
        // A metric BM25 was not scored on keeps empty BM25 cells.
        Assert.Contains("| ndcg@10 | 0.5500 | 0.7000 | +0.1500 |  |  |", card);
        // Without a base evaluation the BM25 columns follow the trained model directly.
        var noBase = ModelCard.Render(Info() with { BaseMetrics = new Dictionary<string, double>(), Bm25Metrics = new Dictionary<string, double> { ["eval_retr/document_recall/recall4"] = 0.9 } });
        Assert.Contains("| metric | trained model | BM25 | trained − BM25 |", noBase);
        Assert.Contains("| recall4 | 0.8123 | 0.9000 | -0.0877 |", noBase);
    }

    [Fact]
    public void Describes_training_usage_and_embeds_charts()
    {
        var card = ModelCard.Render(Info());

        Assert.Contains("[Snowflake/snowflake-arctic-embed-xs](https://huggingface.co/Snowflake/snowflake-arctic-embed-xs)", card);
        Assert.Contains("**contrastive learning (CTL) with in-batch and hard negatives**", card);
        Assert.Contains("rqa encode --model_name_or_path model_checkpoints/faire-ctl --input questions.jsonl --output questions.emb.jsonl --prompt query", card);
        Assert.Contains("model = SentenceTransformer(\"model_checkpoints/faire-ctl\")", card);
        Assert.Contains("prompt_name=\"query\"", card);
        Assert.Contains("![loss](loss.png)", card);
        Assert.Contains("![eval metrics](eval_metrics.png)", card);
    }

    [Fact]
    public void Snippets_name_only_the_prompts_the_folder_defines()
    {
        // arctic-embed-xs saves a query prompt and no passage prompt: prompt_name="passage" would raise in sentence-transformers.
        var card = ModelCard.Render(Info() with { PromptNames = new HashSet<string> { "query" } });
        Assert.Contains("prompt_name=\"query\"", card);
        Assert.DoesNotContain("prompt_name=\"passage\"", card);
        var none = ModelCard.Render(Info() with { PromptNames = new HashSet<string>() });
        Assert.DoesNotContain("prompt_name", none);
        Assert.DoesNotContain("--prompt", none);
    }

    [Fact]
    public void Without_base_results_the_table_has_only_the_trained_model()
    {
        var card = ModelCard.Render(Info() with { BaseMetrics = new Dictionary<string, double>(), Charts = [], Data = [] });

        Assert.Contains("| metric | trained model |", card);
        Assert.Contains("| recall4 | 0.8123 |", card);
        Assert.DoesNotContain("difference", card);
        Assert.DoesNotContain("## Training curves", card);
        Assert.DoesNotContain("## Training data", card);
    }

    [Fact]
    public void Metrics_are_named_as_test_retriever_names_them_and_latency_is_not_one()
    {
        // The card once mixed recall4, eval_retr/ranking/recall@10 and latency rows; now one style, and speed apart.
        var metrics = new Dictionary<string, double>(Info().FinalMetrics)
        {
            ["eval_retr/ranking/recall@10"] = 0.9,
            ["eval_retr/ranking/mrr@10"] = 0.5,
            ["eval_retr/latency/avg_latency"] = 0.0123,
            ["eval_retr/latency/total_latency"] = 1.8,
        };
        var baseline = new Dictionary<string, double>(Info().BaseMetrics) { ["eval_retr/latency/avg_latency"] = 0.0101 };
        var card = ModelCard.Render(Info() with { FinalMetrics = metrics, BaseMetrics = baseline });

        var rows = card.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("0.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["recall1", "recall4", "mrr@10", "ndcg@10", "accuracy", "recall@10"],
            rows.Where(r => !r.StartsWith("| train", StringComparison.Ordinal) && !r.StartsWith("| eval ", StringComparison.Ordinal)
                            && !r.StartsWith("| documents", StringComparison.Ordinal) && !r.StartsWith("| `", StringComparison.Ordinal))
                .Select(r => r.Split('|')[1].Trim()));
        Assert.DoesNotContain("eval_retr/", card);
        Assert.DoesNotContain("latency |", card);
        Assert.Contains("retrieval took 10.1 ms per question with the base model and 12.3 ms with this one", card);
    }

    [Fact]
    public void Base_model_is_a_hub_id_or_the_absolute_path_of_a_local_folder()
    {
        // Relative to where training ran, a path means nothing to the card's reader.
        var local = Path.Combine(folder, "base model");
        Directory.CreateDirectory(local);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, local);
        Assert.Equal(local, BaseModelReference.For(relative));
        Assert.Equal(local, BaseModelReference.For(local + Path.DirectorySeparatorChar));
        // A built-in model is recorded by its Hub id as the Hub spells it; another id as given.
        Assert.Equal("Snowflake/snowflake-arctic-embed-xs", BaseModelReference.For("snowflake/SNOWFLAKE-arctic-embed-xs"));
        Assert.Equal("intfloat/e5-base-v2", BaseModelReference.For("intfloat/e5-base-v2"));

        // A cache's copy of a Hub model is recorded by its id: an HF cache snapshot, a built-in model's converted folder.
        var snapshot = Path.Combine(folder, "hub", "models--intfloat--e5-small-v2", "snapshots", "ffb93f3bd4047442299a41ebb6fa998a38507c52");
        Directory.CreateDirectory(snapshot);
        Assert.Equal("intfloat/e5-small-v2", BaseModelReference.For(snapshot));
        var builtIn = Path.Combine(folder, "builtin", "Snowflake--snowflake-arctic-embed-xs", "24.9.52193");
        Directory.CreateDirectory(builtIn);
        File.WriteAllText(Path.Combine(builtIn, LocalRqa.BuiltIn.BuiltInFolderWriter.CompletionMarker), """{"hub_id": "Snowflake/snowflake-arctic-embed-xs"}""");
        Assert.Equal("Snowflake/snowflake-arctic-embed-xs", BaseModelReference.For(builtIn));

        var card = ModelCard.Render(Info() with { BaseModel = local });
        Assert.Contains($"base_model: {local}", card);
        Assert.Contains($"fine-tuned from the local model `{local}`", card);
        Assert.DoesNotContain("huggingface.co/" + local.TrimStart('/'), card);
    }

    [Fact]
    public void Usage_says_which_similarity_and_prompts_to_use()
    {
        var card = ModelCard.Render(Info() with { Dense = new DenseSetup(Similarity.Cosine, "query: ") });
        Assert.Contains("Use it with **similarity cosine, query prompt \"query: \" (prompt_name \"query\"), no passage prompt**, as it was trained and evaluated", card);
        var plain = ModelCard.Render(Info() with { Dense = new DenseSetup(Similarity.Dot) });
        Assert.Contains("Use it with **similarity dot, no prompts**", plain);
    }

    [Fact]
    public void Yaml_values_that_would_misparse_are_quoted()
    {
        var card = ModelCard.Render(Info() with { BaseModel = "/models/base: v1", Tags = ["#x"] });

        Assert.Contains("base_model: \"/models/base: v1\"", card);
        Assert.Contains("- \"#x\"", card);
    }

    [Fact]
    public void Write_replaces_the_file_and_leaves_no_temporary_files()
    {
        var path = Path.Combine(folder, ModelCard.FileName);
        File.WriteAllText(path, "old");

        ModelCard.Write(path, Info());

        Assert.Equal(ModelCard.Render(Info()), File.ReadAllText(path));
        Assert.Equal([ModelCard.FileName], Directory.GetFiles(folder).Select(Path.GetFileName));
    }
}
