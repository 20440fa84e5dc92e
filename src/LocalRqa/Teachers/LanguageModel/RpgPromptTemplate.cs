using System.Security.Cryptography;
using System.Text;
using LocalRqa.Files;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// The instruction the LM reads before the answer it scores (REPLUG, Shi et al. 2023): a passage goes into
/// <c>{formatted_documents}</c> and the question into <c>{formatted_chat}</c>. Filling follows Python's
/// <c>str.format</c>, as LocalRQA's trainer fills its template: <c>{{</c> and <c>}}</c> are literal braces, any
/// other <c>{field}</c> is an error, and both values are substituted in one pass (a passage that contains
/// "{formatted_chat}" stays as it is).
/// </summary>
internal sealed class RpgPromptTemplate
{
    public const string DocumentsField = "formatted_documents";
    public const string ChatField = "formatted_chat";

    /// <summary>
    /// LocalRQA's RPG/REPLUG prompt (local_rqa/trainers/retriever/retriever_replug_trainer.py, PROMPT): a
    /// zephyr-style chat turn for its default LM, stablelm-zephyr-3b. It starts with a newline and ends with one
    /// after &lt;|assistant|&gt;, exactly as the Python triple-quoted string does.
    /// </summary>
    public const string LocalRqaText =
        "\n<|user|>\n" +
        "This is a chat between a curious user and an artificial intelligence assistant.\n" +
        "The assistant gives helpful, detailed, and polite answers using documents from the following context.\n" +
        "Do not mention 'this context' in the assistant's response, since the following context is only visible to the assistant.\n" +
        "----------------\n" +
        "Context:\n" +
        "{formatted_documents}\n" +
        "----------------\n" +
        "{formatted_chat}<|endoftext|>\n" +
        "<|assistant|>\n";

    public static RpgPromptTemplate Default { get; } = Parse(LocalRqaText, "LocalRQA's RPG prompt");

    // Literal text and field names, in order: Parse has already checked every field.
    readonly IReadOnlyList<(string Literal, string? Field)> pieces;

    RpgPromptTemplate(string text, string source, IReadOnlyList<(string, string?)> pieces)
    {
        Text = text;
        Source = source;
        this.pieces = pieces;
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The template as written (before filling).</summary>
    public string Text { get; }

    /// <summary>Where the template came from (a file path, or a description of the built-in one), for messages.</summary>
    public string Source { get; }

    /// <summary>SHA-256 of <see cref="Text"/>: part of every LM score cache key.</summary>
    public string Hash { get; }

    /// <summary>The template in a file (<c>--lm_prompt_template FILE</c>), read as UTF-8 and used verbatim.</summary>
    public static RpgPromptTemplate Load(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: prompt template file not found");
        string text;
        try { text = Utf8TextFile.ReadAllText(path); }
        catch (IOException e) { throw new RqaException($"{path}: cannot read the prompt template ({e.Message})", e); }
        return Parse(text, path);
    }

    /// <summary>Checks <paramref name="text"/> like str.format would and that it uses both fields.</summary>
    /// <param name="source">names the template in error messages</param>
    public static RpgPromptTemplate Parse(string text, string source)
    {
        var pieces = new List<(string, string?)>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal.Append(c);
                i++;
            }
            else if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close < 0) throw new RqaException($"{source}: prompt template has an unclosed '{{' at character {i} (write '{{{{' for a literal brace)");
                var field = text[(i + 1)..close];
                if (field is not (DocumentsField or ChatField))
                    throw new RqaException($"{source}: prompt template has an unknown field '{{{field}}}' (only {{{DocumentsField}}} and {{{ChatField}}} are filled; write '{{{{' and '}}}}' for literal braces)");
                pieces.Add((literal.ToString(), field));
                literal.Clear();
                i = close;
            }
            else if (c == '}')
                throw new RqaException($"{source}: prompt template has a single '}}' at character {i} (write '}}}}' for a literal brace)");
            else literal.Append(c);
        }
        pieces.Add((literal.ToString(), null));

        var missing = new[] { DocumentsField, ChatField }.Where(f => !pieces.Any(p => p.Item2 == f)).ToArray();
        if (missing.Length > 0)
            throw new RqaException($"{source}: prompt template lacks {string.Join(" and ", missing.Select(f => "{" + f + "}"))}: " +
                                   "the passage goes into {formatted_documents} and the question into {formatted_chat}");
        return new RpgPromptTemplate(text, source, pieces);
    }

    /// <summary>
    /// The prompt for one passage: LocalRQA puts the passage's page_content (not its fmt_content) into
    /// {formatted_documents} and the bare question into {formatted_chat}.
    /// </summary>
    public string Fill(string passageText, string question)
    {
        var text = new StringBuilder(Text.Length + passageText.Length + question.Length);
        foreach (var (literal, field) in pieces)
        {
            text.Append(literal);
            if (field == DocumentsField) text.Append(passageText);
            else if (field == ChatField) text.Append(question);
        }
        return text.ToString();
    }
}
