using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>tokenizer.json components on small hand-written files; expected tokens worked out from the tokenizers rules.</summary>
public sealed class TokenizerJsonTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rqa-tok-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const string Vocab = """
        {"[PAD]":0,"[UNK]":1,"<s>":2,"</s>":3,"hello":4,"world":5,",":6,"!":7,"it":8,"'":9,"s":10,"##s":11,"a":12,"b":13,"-":14,"_":15}
        """;

    private ITextTokenizer Load(string normalizer = "null", string preTokenizer = "null", string postProcessor = "null",
        string addedTokens = "[]", string truncation = "null", string model = "")
    {
        if (model.Length == 0) model = $$"""{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{{Vocab}}}""";
        string path = Path.Combine(dir, "tokenizer.json");
        File.WriteAllText(path, $$"""
            {"version":"1.0","truncation":{{truncation}},"padding":null,"added_tokens":{{addedTokens}},
             "normalizer":{{normalizer}},"pre_tokenizer":{{preTokenizer}},"post_processor":{{postProcessor}},"model":{{model}}}
            """);
        return TokenizerLoader.FromFolder(dir);
    }

    private static string Tokens(ITextTokenizer t, string text) => string.Join(" ", t.Tokenize(text));

    [Fact]
    public void WhitespacePreTokenizerGroupsWordAndSymbolRuns() =>
        Assert.Equal("hello , world !", Tokens(Load(preTokenizer: """{"type":"Whitespace"}"""), "hello,  world!"));

    [Fact]
    public void SequenceOfWhitespaceSplitAndMergedPunctuation()
    {
        var t = Load(preTokenizer: """{"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"Punctuation","behavior":"Isolated"}]}""");
        Assert.Equal("it ' s", Tokens(t, "it's"));
        // MergedWithPrevious: "a-" is one piece, not in the vocab.
        var merged = Load(preTokenizer: """{"type":"Punctuation","behavior":"MergedWithPrevious"}""");
        Assert.Equal("[UNK] b", Tokens(merged, "a-b"));
    }

    [Fact]
    public void NormalizerSequenceLowercasesAndStripsAccents()
    {
        var t = Load(normalizer: """{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"},{"type":"Lowercase"},{"type":"Replace","pattern":{"String":"_"},"content":" "},{"type":"Strip","strip_left":true,"strip_right":true}]}""",
            preTokenizer: """{"type":"WhitespaceSplit"}""");
        Assert.Equal("hello world", Tokens(t, "  HÉLLO_Wörld "));
    }

    [Fact]
    public void TemplateAndRobertaProcessingWrapTheSequence()
    {
        var template = Load(preTokenizer: """{"type":"WhitespaceSplit"}""", postProcessor: """
            {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":1}},{"Sequence":{"id":"A","type_id":1}},{"SpecialToken":{"id":"</s>","type_id":1}}],
             "pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[2],"tokens":["<s>"]},"</s>":{"id":"</s>","ids":[3],"tokens":["</s>"]}}}
            """);
        var encoded = template.Encode("hello world");
        Assert.Equal([2, 4, 5, 3], encoded.Ids);
        Assert.Equal([1, 1, 1, 1], encoded.TypeIds);

        var roberta = Load(preTokenizer: """{"type":"WhitespaceSplit"}""",
            postProcessor: """{"type":"RobertaProcessing","sep":["</s>",3],"cls":["<s>",2],"trim_offsets":true,"add_prefix_space":false}""");
        Assert.Equal([2, 4, 3], roberta.Encode("hello world", maxLength: 3).Ids);
    }

    [Fact]
    public void TruncationFieldAppliesUnlessMaxLengthIsGiven()
    {
        var t = Load(preTokenizer: """{"type":"WhitespaceSplit"}""",
            truncation: """{"direction":"Left","max_length":2,"strategy":"LongestFirst","stride":0}""");
        Assert.Equal([12, 13], t.Encode("hello world a b").Ids);
        Assert.Equal([5, 12, 13], t.Encode("hello world a b", maxLength: 3).Ids);
    }

    [Fact]
    public void AddedTokensHonourStripAndNormalizedFlags()
    {
        string added = """
            [{"id":16,"content":"<mark>","single_word":false,"lstrip":true,"rstrip":true,"normalized":false,"special":true},
             {"id":17,"content":"NEW","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":false}]
            """;
        // No pre-tokenizer: stripped spaces must vanish into <mark> or "hello" would carry them and become [UNK].
        var t = Load(normalizer: """{"type":"Lowercase"}""", addedTokens: added);
        Assert.Equal([4, 16, 5], t.Encode("hello <mark> world", addSpecialTokens: false).Ids);
        // A normalized added token is looked for after lower-casing, so "New" and "NEW" both hit "new".
        Assert.Equal([4, 17, 17], t.Encode("helloNewNEW", addSpecialTokens: false).Ids);
        Assert.Equal(18, t.VocabSize);
        Assert.Equal("<mark>", t.IdToToken(16));
    }

    [Fact]
    public void WordPieceUsesContinuingPrefix() =>
        Assert.Equal("hello ##s", Tokens(Load(preTokenizer: """{"type":"BertPreTokenizer"}"""), "hellos"));

    [Theory]
    [InlineData("normalizer", """{"type":"ByteLevel"}""", "ByteLevel", "Precompiled")]
    [InlineData("pre_tokenizer", """{"type":"UnicodeScripts"}""", "UnicodeScripts", "Metaspace")]
    [InlineData("post_processor", """{"type":"Fancy"}""", "Fancy", "TemplateProcessing")]
    public void UnknownComponentTypesAreNamedWithTheSupportedOnes(string kind, string json, string type, string supported)
    {
        var e = Assert.Throws<RqaException>(() => kind switch
        {
            "normalizer" => Load(normalizer: json),
            "pre_tokenizer" => Load(preTokenizer: json),
            _ => Load(postProcessor: json),
        });
        Assert.Contains($"unsupported {kind} type {type} (supported: ", e.Message);
        Assert.Contains(supported, e.Message);
    }

    [Fact]
    public void UnsupportedModelTypeIsReported()
    {
        var e = Assert.Throws<RqaException>(() => Load(model: """{"type":"WordLevel","unk_token":"[UNK]","vocab":{"[UNK]":0}}"""));
        Assert.Contains("unsupported tokenizer model type WordLevel (supported: WordPiece, Unigram, BPE)", e.Message);
    }

    [Fact]
    public void BadFilesThrowRqaExceptionNamingTheFile()
    {
        Assert.Throws<RqaException>(() => TokenizerLoader.FromFolder(Path.Combine(dir, "missing")));
        Assert.Contains("neither tokenizer.json nor vocab.txt", Assert.Throws<RqaException>(() => TokenizerLoader.FromFolder(dir)).Message);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{ not json");
        Assert.Contains("tokenizer.json", Assert.Throws<RqaException>(() => TokenizerLoader.FromFolder(dir)).Message);
        var e = Assert.Throws<RqaException>(() => Load(model: """{"type":"WordPiece","unk_token":"[UNK]"}"""));
        Assert.Contains("model.vocab", e.Message);
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"do_lower_case": "yes"}""");
        File.Delete(Path.Combine(dir, "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[UNK]\n[CLS]\n[SEP]\n[PAD]\n");
        var bad = Assert.Throws<RqaException>(() => TokenizerLoader.FromFolder(dir));
        Assert.Contains("tokenizer_config.json", bad.Message);
        Assert.Contains("do_lower_case", bad.Message);
    }
}
