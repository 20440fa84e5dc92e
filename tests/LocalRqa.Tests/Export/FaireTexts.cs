using System.Text.Json.Nodes;
using LocalRqa.Data;

namespace LocalRqa.Tests.Export;

/// <summary>
/// A few Faire texts for parity checks: the 3 longest passages, the three joined into one (over 512 tokens: longer than
/// any model here reads, so the tokenizer truncates it; the longest passage alone is shorter than arctic-embed-xs' 512)
/// and the first 5 passages; the questions of the first 4 evaluation entries.
/// </summary>
internal static class FaireTexts
{
    static string Faire => Path.Combine(TestPaths.SharedDataRoot, "faire");

    static readonly Lazy<IReadOnlyList<string>> LoadedPassages = new(() =>
    {
        var all = DocumentDatabase.Load(Path.Combine(Faire, "documents.pkl")).Select(d => d.FmtContent).ToList();
        var longest = all.OrderByDescending(t => t.Length).Take(3).ToList();
        return [.. longest, string.Join("\n\n", longest), .. all.Take(5)];
    });

    static readonly Lazy<IReadOnlyList<string>> LoadedQuestions = new(() =>
        [.. File.ReadLines(Path.Combine(Faire, "eval_w_q.jsonl")).Take(4)
            .SelectMany(l => JsonNode.Parse(l)!["questions"]!.AsArray().Select(q => q!.GetValue<string>()))]);

    public static IReadOnlyList<string> Passages => LoadedPassages.Value;
    public static IReadOnlyList<string> Questions => LoadedQuestions.Value;
}
