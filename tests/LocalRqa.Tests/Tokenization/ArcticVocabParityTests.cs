using System.Globalization;
using System.Text;
using System.Text.Json;
using LocalRqa.BuiltIn;
using LocalRqa.Tokenization;
using Xunit.Abstractions;
using MlBertTokenizer = Microsoft.ML.Tokenizers.BertTokenizer;
using MlBertOptions = Microsoft.ML.Tokenizers.BertOptions;

namespace LocalRqa.Tests.Tokenization;

/// <summary>
/// The real 30,522-entry uncased vocab of snowflake-arctic-embed-xs against Microsoft.ML.Tokenizers' BertTokenizer, on
/// every gold passage and question of the Faire training data, at the 512-token limit the retriever uses.
/// </summary>
[Trait("Category", "ReferenceParity")]
public class ArcticVocabParityTests(ITestOutputHelper output)
{
    private const int MaxLength = 512;

    private static byte[] ArcticVocab()
    {
        var model = BuiltInModels.Find("Snowflake/snowflake-arctic-embed-xs")!;
        using var stream = EmbeddedResourceLocator.Open(BuiltInModels.LocateAssembly(model), model.VocabResourceName, out var length);
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// Microsoft.ML.Tokenizers 2.0.1 departs from HF in known ways (dotnet/machinelearning #7724: \t \n \r are deleted,
    /// joining the words around them; #7725: symbol characters S* are deleted, where BERT splits ASCII ones off as
    /// punctuation and WordPieces the rest; "_" is not split off). Texts free of these must match as they are; every
    /// text must match once those characters are turned into spaces on both sides.
    /// </summary>
    [Fact]
    public void FaireTrainTextsMatchMicrosoftMlTokenizers()
    {
        byte[] vocab = ArcticVocab();
        var ours = TokenizerLoader.FromVocab(new MemoryStream(vocab), new BertTokenizerOptions { DoLowerCase = true });
        var theirs = MlBertTokenizer.Create(new MemoryStream(vocab), new MlBertOptions { LowerCaseBeforeTokenization = true });
        Assert.Equal(30522, ours.VocabSize);

        var texts = FaireTexts();
        Assert.True(texts.Count > 800, $"expected the 290 gold passages and 575 questions, found {texts.Count} texts");
        int untouched = 0, untouchedMatched = 0, sanitizedMatched = 0, truncated = 0;
        var mismatches = new List<string>();
        foreach (string raw in texts)
        {
            string sanitized = SpaceOutKnownDifferences(raw);
            bool isUntouched = sanitized == raw;
            int[] full = theirs.EncodeToIds(sanitized, addSpecialTokens: true).ToArray();
            int[] expected = HfTruncate(full, theirs.SeparatorTokenId, MaxLength);
            int[] actual = ours.Encode(sanitized, MaxLength).Ids;
            // No Faire text reaches 512 tokens, so truncation is checked at a length most passages exceed.
            bool same = expected.SequenceEqual(actual)
                && HfTruncate(full, theirs.SeparatorTokenId, 64).SequenceEqual(ours.Encode(sanitized, 64).Ids);
            if (same) sanitizedMatched++;
            else if (mismatches.Count < 5) mismatches.Add(Describe(ours, expected, actual));
            if (isUntouched)
            {
                untouched++;
                if (same) untouchedMatched++;
            }
            if (ours.Encode(raw, MaxLength).Ids.Length == MaxLength) truncated++;
        }
        output.WriteLine($"{untouchedMatched}/{untouched} texts without \\t\\n\\r, \"_\" or symbols match as they are; "
            + $"{sanitizedMatched}/{texts.Count} match after spacing those out; {truncated} hit {MaxLength} tokens");
        Assert.True(sanitizedMatched == texts.Count, $"{texts.Count - sanitizedMatched} of {texts.Count} differ:\n{string.Join("\n", mismatches)}");
        Assert.Equal(untouched, untouchedMatched);
    }

    // A symbol's trailing marks (the U+FE0F of "✔️") go with it: left alone, HF drops the Mn, Microsoft.ML emits [UNK].
    // "_" is ASCII punctuation to BERT, which splits it off; Microsoft.ML keeps it inside the word.
    private static string SpaceOutKnownDifferences(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool afterSymbol = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            bool symbol = category is UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol;
            bool mark = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark;
            bool differs = symbol || (afterSymbol && mark) || rune.Value is '\t' or '\n' or '\r' or '_';
            afterSymbol = symbol || (afterSymbol && mark);
            sb.Append(differs ? " " : rune.ToString());
        }
        return sb.ToString();
    }

    private static string Describe(ITextTokenizer tokenizer, int[] expected, int[] actual)
    {
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        string Around(int[] ids) => string.Join(" ", ids.Skip(Math.Max(0, at - 3)).Take(8).Select(id => tokenizer.IdToToken(id)));
        return $"first difference at {at} of {expected.Length}/{actual.Length}: expected '{Around(expected)}', got '{Around(actual)}'";
    }

    // HF 'longest_first' for one sequence: keep the first max-2 content ids, then [SEP].
    private static int[] HfTruncate(int[] withSpecials, int sepId, int max) =>
        withSpecials.Length <= max ? withSpecials : [.. withSpecials[..(max - 1)], sepId];

    private static List<string> FaireTexts()
    {
        string path = Path.Combine(TestPaths.SharedDataRoot, "faire", "train_w_q.jsonl");
        var texts = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            foreach (var gold in doc.RootElement.GetProperty("gold_docs").EnumerateArray())
                texts.Add(gold.GetProperty("fmt_content").GetString()!);
            foreach (var question in doc.RootElement.GetProperty("questions").EnumerateArray())
                texts.Add(question.GetString()!);
        }
        return texts;
    }
}
