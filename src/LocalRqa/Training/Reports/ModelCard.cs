using System.Globalization;
using System.Text;
using LocalRqa.Files;
using LocalRqa.Retrieval;
using LocalRqa.Training.Comparison;

namespace LocalRqa.Training.Reports;

/// <summary>
/// The README.md of a saved model folder, in HuggingFace model-card style: YAML front matter the Hub reads
/// (library, pipeline, base model, tags), then what the model is, how to use it, its data, arguments, results and charts.
/// </summary>
internal static class ModelCard
{
    public const string FileName = "README.md";

    static readonly string[] DefaultTags = ["sentence-transformers", "sentence-similarity", "feature-extraction", "dense-retrieval", "rqa"];

    /// <summary>Writes the card to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Write(string path, ModelCardInfo info) => AtomicFile.WriteAllText(path, Render(info));

    public static string Render(ModelCardInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var md = new StringBuilder();
        FrontMatter(md, info);
        md.Append("# ").AppendLine(info.ModelName).AppendLine();
        md.AppendLine($"A dense retriever (sentence embedding model) fine-tuned from {BaseModel(info.BaseModel)} " +
                      $"with **{info.Algorithm}**, trained with rqa (LocalRqa, a .NET port of LocalRQA's retriever training). " +
                      "It maps questions and passages to vectors whose similarity ranks passages for a question.").AppendLine();
        Usage(md, info);
        TrainingData(md, info);
        Arguments(md, info);
        Results(md, info);
        Charts(md, info);
        return md.ToString();
    }

    static void FrontMatter(StringBuilder md, ModelCardInfo info)
    {
        md.AppendLine("---");
        md.AppendLine("library_name: sentence-transformers");
        md.AppendLine("pipeline_tag: sentence-similarity");
        md.AppendLine($"base_model: {Yaml(info.BaseModel)}");
        md.AppendLine("tags:");
        foreach (var tag in DefaultTags.Concat(info.Tags).Distinct(StringComparer.Ordinal)) md.AppendLine($"- {Yaml(tag)}");
        if (info.HubDatasets.Count > 0)
        {
            md.AppendLine("datasets:");
            foreach (var id in info.HubDatasets) md.AppendLine($"- {Yaml(id)}");
        }
        md.AppendLine("---").AppendLine();
    }

    static void Usage(StringBuilder md, ModelCardInfo info)
    {
        md.AppendLine("## Usage").AppendLine();
        if (info.UsageNote is { } note) md.AppendLine($"**Note:** {note}").AppendLine();
        if (info.Dense is { } dense)
            md.AppendLine($"Use it with **{Cell(dense.Describe())}**, as it was trained and evaluated " +
                          "(the folder's `config_sentence_transformers.json` records them).").AppendLine();
        md.AppendLine("With rqa, embed JSONL texts (one `{\"text\": ...}` object per line):").AppendLine();
        md.AppendLine("```");
        var prompt = info.PromptNames.Contains("query") ? " --prompt query" : "";
        md.AppendLine($"rqa encode --model_name_or_path {Shell(info.ModelName)} --input questions.jsonl --output questions.emb.jsonl{prompt}");
        md.AppendLine("```").AppendLine();
        if (info.SentenceTransformersCaveat is { } caveat)
        {
            md.AppendLine($"**sentence-transformers:** {caveat}").AppendLine();
            return;
        }
        md.AppendLine("With [sentence-transformers](https://www.sbert.net) in Python:").AppendLine();
        md.AppendLine("```python");
        md.AppendLine("from sentence_transformers import SentenceTransformer").AppendLine();
        md.AppendLine($"model = SentenceTransformer({Python(info.ModelName)})");
        string PromptArgument(string name) => info.PromptNames.Contains(name) ? $", prompt_name=\"{name}\"" : "";
        var (queryArgs, passageArgs) = (PromptArgument("query"), PromptArgument("passage"));
        md.AppendLine($"queries = model.encode([\"How do I reset my password?\"]{queryArgs})");
        md.AppendLine($"passages = model.encode([\"To reset your password, open Settings > Account.\"]{passageArgs})");
        md.AppendLine("print(model.similarity(queries, passages))");
        md.AppendLine("```").AppendLine();
    }

    static void TrainingData(StringBuilder md, ModelCardInfo info)
    {
        if (info.Data.Count == 0) return;
        md.AppendLine("## Training data").AppendLine();
        md.AppendLine("| role | file | size |");
        md.AppendLine("|---|---|---|");
        foreach (var d in info.Data)
            md.AppendLine($"| {Cell(d.Role)} | `{Cell(d.Path)}` | {(d.Count is { } n ? $"{n.ToString("N0", CultureInfo.InvariantCulture)} {Cell(d.Unit)}" : "")} |");
        md.AppendLine();
    }

    static void Arguments(StringBuilder md, ModelCardInfo info)
    {
        if (info.Arguments.Count == 0) return;
        md.AppendLine("## Training arguments").AppendLine();
        md.AppendLine("| argument | value |");
        md.AppendLine("|---|---|");
        foreach (var (name, value) in info.Arguments) md.AppendLine($"| `{Cell(name)}` | {Cell(Value(value))} |");
        md.AppendLine();
    }

    static void Results(StringBuilder md, ModelCardInfo info)
    {
        if (info.Comparison is { } comparison)
        {
            Compared(md, info, comparison);
            return;
        }
        if (!info.FinalMetrics.Keys.Any(ReportMetrics.IsQuality)) return;
        var withBase = info.BaseMetrics.Count > 0;
        var withBm25 = info.Bm25Metrics.Count > 0;
        md.AppendLine("## Evaluation").AppendLine();
        md.Append(withBase
            ? "Retrieval metrics on the evaluation data, of the base model before training and of this model"
            : "Retrieval metrics of this model on the evaluation data");
        md.AppendLine(withBm25 ? ", with BM25 (keyword search) on the same questions for reference." : ".");
        md.AppendLine(MetricNames).AppendLine();
        var header = new List<string> { "metric" };
        if (withBase) header.Add("base model");
        header.Add("trained model");
        if (withBase) header.Add("difference");
        if (withBm25) header.AddRange(["BM25", "trained − BM25"]);
        md.AppendLine($"| {string.Join(" | ", header)} |");
        md.AppendLine($"|---|{string.Join("|", header.Skip(1).Select(_ => "---:"))}|");
        // Headline metrics first, the rest in the order they were given.
        var keys = info.FinalMetrics.Keys.Where(ReportMetrics.IsQuality).Select((k, i) => (k, i))
            .OrderBy(x => ReportMetrics.HeadlineRank(x.k)).ThenBy(x => x.i).Select(x => x.k);
        foreach (var key in keys)
        {
            var final = info.FinalMetrics[key];
            var cells = new List<string> { Cell(ReportMetrics.Label(key)) };
            if (withBase)
            {
                var hasBase = info.BaseMetrics.TryGetValue(key, out var before);
                cells.AddRange([hasBase ? Metric(before) : "", Metric(final), hasBase ? Difference(final, before) : ""]);
            }
            else cells.Add(Metric(final));
            if (withBm25)
            {
                var hasBm25 = info.Bm25Metrics.TryGetValue(key, out var bm25);
                cells.AddRange([hasBm25 ? Metric(bm25) : "", hasBm25 ? Difference(final, bm25) : ""]);
            }
            md.AppendLine($"| {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
        Speed(md, info);
    }

    /// <summary>rqa test-retriever's names, which the tables use; said once so "recall4" and "recall@4" are not taken for one metric.</summary>
    const string MetricNames = "Metric names as `rqa test-retriever` (and LocalRQA) print them: recall1, recall4, likely_recall, accuracy and " +
                               "likely_accuracy are LocalRQA's document metrics (top 1 or top 4); recall@k, hit@k, mrr@10, ndcg@10 and map@100 " +
                               "are ranking metrics at depth k.";

    /// <summary>Latency is no quality metric: one sentence of its own, when the evaluations measured it.</summary>
    static void Speed(StringBuilder md, ModelCardInfo info)
    {
        const string key = "eval_retr/latency/avg_latency";
        if (!info.FinalMetrics.TryGetValue(key, out var final)) return;
        var trained = Milliseconds(final);
        md.AppendLine(info.BaseMetrics.TryGetValue(key, out var before)
            ? $"Speed (not a quality metric, and the machine's as much as the model's): retrieval took {Milliseconds(before)} per question with the base model and {trained} with this one, embedding the question included."
            : $"Speed (not a quality metric, and the machine's as much as the model's): retrieval took {trained} per question, embedding the question included.").AppendLine();
    }

    static string Milliseconds(double seconds) => (seconds * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>One row per retriever, one column per metric (headline metrics first) with its margin over the base model.</summary>
    static void Compared(StringBuilder md, ModelCardInfo info, RetrieverComparison comparison)
    {
        md.AppendLine("## Evaluation").AppendLine();
        md.AppendLine("Retrieval metrics on the evaluation data: the base model and this model as dense retrievers, BM25 (keyword search), " +
                      "and each model fused with BM25 (hybrid). In parentheses: the margin over the base model as a dense retriever.");
        md.AppendLine(MetricNames).AppendLine();
        var keys = comparison.Rows.SelectMany(r => r.Metrics.Keys).Where(ReportMetrics.IsQuality).Distinct().Select((k, i) => (k, i))
            .OrderBy(x => ReportMetrics.HeadlineRank(x.k)).ThenBy(x => x.i).Select(x => x.k).ToList();
        md.AppendLine($"| retriever | {string.Join(" | ", keys.Select(k => Cell(ReportMetrics.Label(k))))} |");
        md.AppendLine($"|---|{string.Join("|", keys.Select(_ => "---:"))}|");
        var reference = comparison.Reference;
        foreach (var row in comparison.Rows)
        {
            var cells = keys.Select(key => !row.Metrics.TryGetValue(key, out var value) ? ""
                : row != reference && reference is not null && reference.Metrics.TryGetValue(key, out var basis)
                    ? $"{Metric(value)} ({Difference(value, basis)})" : Metric(value));
            md.AppendLine($"| {Cell(row.Name)} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
        Speed(md, info);
        if (comparison.Deploy is not { } deploy) return;
        md.AppendLine("## Which retriever to deploy").AppendLine();
        md.AppendLine($"Deploy **{Cell(comparison.DeployDescription!)}**: the best by {ReportMetrics.Label(comparison.Metric)} " +
                      $"(`--metric_for_best_model {comparison.Metric}`) on the evaluation data (on a tie, the simpler retriever).").AppendLine();
        var hybrid = comparison[RetrieverRole.HybridSaved]?.Fusion;
        if (deploy.Role == RetrieverRole.HybridSaved && hybrid is not null)
        {
            md.AppendLine($"This folder's `{HybridSettings.FileName}` records the fusion ({hybrid.Describe()}), so a hybrid retriever over it uses it:").AppendLine();
            md.AppendLine("```");
            md.AppendLine($"rqa test-retriever --retriever_type hybrid --embedding_model_name_or_path {Shell(info.ModelName)} " +
                          "--document_path documents.jsonl --eval_data_path questions.jsonl --output_dir results");
            md.AppendLine("```").AppendLine();
        }
        else if (deploy.Role is RetrieverRole.HybridBase)
            md.AppendLine($"That is the base model {BaseModel(info.BaseModel)} fused with BM25 ({deploy.Fusion?.Describe()}): " +
                          "training did not beat it on these questions.").AppendLine();
        else if (deploy.Role is RetrieverRole.BaseDense or RetrieverRole.Bm25)
            md.AppendLine("Training did not beat it on these questions.").AppendLine();
    }

    static string Difference(double after, double before) => double.IsFinite(before) && double.IsFinite(after)
        ? (after - before).ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture) : "";

    static void Charts(StringBuilder md, ModelCardInfo info)
    {
        if (info.Charts.Count == 0) return;
        md.AppendLine("## Training curves").AppendLine();
        foreach (var chart in info.Charts)
        {
            // Markdown links use '/', whatever the OS wrote; spaces would end the link.
            var link = chart.Replace('\\', '/').Replace(" ", "%20", StringComparison.Ordinal);
            md.AppendLine($"![{Path.GetFileNameWithoutExtension(chart).Replace('_', ' ')}]({link})").AppendLine();
        }
    }

    /// <summary>A Hub id as a link to its page; a local folder as its path (a link to a file path leads nowhere on the Hub).</summary>
    static string BaseModel(string baseModel) => BaseModelReference.IsHubId(baseModel)
        ? $"[{baseModel}](https://huggingface.co/{baseModel})"
        : $"the local model `{baseModel}`";

    static string Metric(double value) => double.IsFinite(value) ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";

    static string Value(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Table cells: a '|' or a line break would split the row.</summary>
    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    /// <summary>A YAML scalar, double-quoted when plain style could misparse it (':', '#', leading indicators, ...).</summary>
    static string Yaml(string text)
    {
        var plain = text.Length > 0 && !text.Any(c => c is ':' or '#' or '"' or '\'' or '\\' or '\n' or '\r' or '\t')
                    && !"-?[]{},&*!|>%@`".Contains(text[0]) && text.Trim() == text
                    && text is not ("true" or "false" or "null" or "yes" or "no" or "~") && !double.TryParse(text, CultureInfo.InvariantCulture, out _);
        return plain ? text : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
    }

    static string Python(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    static string Shell(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '@' or ':' or '+')
            ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
