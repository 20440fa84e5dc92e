using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalRqa.Encoders;
using LocalRqa.Indexing;

namespace LocalRqa.Training.Comparison;

/// <summary>
/// How a run's dense retrievers were evaluated, and so how one must be deployed to score as measured: the similarity
/// and the prompts (base and saved model share them: the method configures the encoder before the evaluation at step 0).
/// </summary>
internal sealed record DenseSetup(Similarity Similarity, string QueryPrompt = "", string PassagePrompt = "")
{
    public static DenseSetup Of(SentenceEncoder encoder, Similarity similarity) =>
        new(similarity, encoder.Settings.QueryPrompt, encoder.Settings.PassagePrompt);

    /// <summary>`similarity cosine, query prompt "query: " (prompt_name "query"), no passage prompt`.</summary>
    public string Describe()
    {
        var query = QueryPrompt.Length > 0 ? $"query prompt {Quote(QueryPrompt)} (prompt_name \"query\")" : "no query prompt";
        var passage = PassagePrompt.Length > 0 ? $"passage prompt {Quote(PassagePrompt)} (prompt_name \"passage\")" : "no passage prompt";
        return QueryPrompt.Length == 0 && PassagePrompt.Length == 0
            ? $"similarity {Similarity.Name()}, no prompts"
            : $"similarity {Similarity.Name()}, {query}, {passage}";
    }

    public JsonObject ToJson()
    {
        var prompts = new JsonObject();
        if (QueryPrompt.Length > 0) prompts["query"] = QueryPrompt;
        if (PassagePrompt.Length > 0) prompts["passage"] = PassagePrompt;
        return new JsonObject { ["similarity"] = Similarity.Name(), ["prompts"] = prompts };
    }

    // JSON string quoting, so a prompt's trailing space or line break stays visible; the text itself unescaped.
    static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static string Quote(string text) => JsonSerializer.Serialize(text, Readable);
}
