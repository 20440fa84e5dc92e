using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Data.Dca;

/// <summary>
/// What `rqa train dca` needs to know about its input files: whether a file is a DCA file (its questions carry
/// <c>ctxs</c>) or a LocalRQA train/eval file, and a DCA file's questions as evaluation examples.
/// </summary>
internal static class DcaInputs
{
    /// <summary>Whether the first question of a .json list or .jsonl file has a <c>ctxs</c> field.</summary>
    public static bool HasContexts(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        try
        {
            if (Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                var line = Utf8TextFile.ReadLines(path).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l));
                if (line is null) return false;
                using var document = JsonDocument.Parse(line);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ctxs", out _);
            }
            using var all = JsonDocument.Parse(Utf8TextFile.ReadAllBytes(path));
            var root = all.RootElement;
            return root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0
                && root[0].ValueKind == JsonValueKind.Object && root[0].TryGetProperty("ctxs", out _);
        }
        catch (JsonException e) { throw new RqaException($"{path}: invalid JSON: {e.Message}"); }
    }

    /// <summary>
    /// A DCA file's questions as evaluation examples. Gold passages are the question's gold_docs; a question without
    /// them takes its first ctx (the gold one in files `rqa prepare-ctxs` builds, and the one LocalRQA's modify_score
    /// boosts), matched to the database document with the same text (and the same title, when several share it).
    /// </summary>
    public static IReadOnlyList<RetrievalExample> ToRetrievalExamples(IReadOnlyList<DcaQuestion> questions, DocumentCollection documents, string path)
    {
        var byText = documents.Documents.Select((d, i) => (d, i)).ToLookup(x => x.d.PageContent, StringComparer.Ordinal);
        return questions.Select((q, line) =>
        {
            IReadOnlyList<Document> gold = q.GoldDocs;
            if (gold.Count == 0)
            {
                var first = q.Contexts.FirstOrDefault() ?? throw new RqaException($"{path}: question {q.Id} has neither gold_docs nor ctxs to evaluate with");
                var candidates = byText[first.Text].ToList();
                var match = candidates.FirstOrDefault(c => Title(c.d) == first.Title).d ?? candidates.FirstOrDefault().d
                    ?? throw new RqaException($"{path}: question {q.Id} has no gold_docs and its first ctx is not in the document database; add gold_docs");
                gold = [match];
            }
            return new RetrievalExample(q.Question, gold, [], q.Answers.FirstOrDefault(), null, line + 1);
        }).ToList();
    }

    static string Title(Document document) =>
        document.Metadata.TryGetValue("title", out var title) && title is not null ? Document.PythonStr(title) : "";
}
