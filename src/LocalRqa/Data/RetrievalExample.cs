using System.Text.Json.Nodes;

namespace LocalRqa.Data;

/// <summary>
/// One question of a LocalRQA train/eval file: the question, its gold passages and optional hard negatives,
/// answer and chat history. <see cref="Line"/> is its line in the file, for messages. <see cref="Answers"/> holds
/// the file's `answers` list, which LocalRQA's RPG trainer falls back to when `gold_answer` is absent.
/// </summary>
public sealed record RetrievalExample(
    string Question,
    IReadOnlyList<Document> GoldDocs,
    IReadOnlyList<Document> HardNegDocs,
    string? GoldAnswer,
    JsonNode? ChatHistory,
    int Line,
    IReadOnlyList<string>? Answers = null);
