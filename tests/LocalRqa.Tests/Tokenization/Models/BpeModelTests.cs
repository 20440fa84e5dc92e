using System.Text;
using System.Text.Json;

namespace LocalRqa.Tests.Tokenization.Models;

/// <summary>BPE merging, byte-level mapping and the Llama 2 style sentencepiece BPE on hand-written files.</summary>
public sealed class BpeModelTests : IDisposable
{
    private readonly TokenizerFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Bpe(string vocab, string merges, string extra = "") =>
        $$"""{"type":"BPE","dropout":null,"unk_token":null,"fuse_unk":false,"byte_fallback":false{{extra}},"vocab":{{vocab}},"merges":{{merges}}}""";

    private const string Abc = """{"a":0,"b":1,"c":2,"ab":3,"bc":4,"abc":5}""";

    [Fact]
    public void LowerRankMergesFirst()
    {
        // "b c" outranks "a b": a|b|c → a|bc, and no "a bc" merge exists.
        Assert.Equal([0, 4], folder.Load(Bpe(Abc, """["b c","a b"]""")).Encode("abc").Ids);
        // The other order: ab|c, then "ab c" → abc.
        Assert.Equal([5], folder.Load(Bpe(Abc, """["a b","b c","ab c"]""")).Encode("abc").Ids);
        // Pair-list merges (tokenizers ≥ 0.20) mean the same.
        Assert.Equal([0, 4], folder.Load(Bpe(Abc, """[["b","c"],["a","b"]]""")).Encode("abc").Ids);
    }

    [Fact]
    public void EqualPairsMergeLeftToRight()
    {
        const string vocab = """{"a":0,"aa":1,"aaa":2}""";
        // a|a|a: both pairs are "a a" (same rank); the leftmost goes first → aa|a.
        Assert.Equal([1, 0], folder.Load(Bpe(vocab, """["a a"]""")).Encode("aaa").Ids);
    }

    [Theory]
    [InlineData(true, new[] { 0, 1, 0 })]
    [InlineData(false, new[] { 0, 0, 1, 0 })]
    public void FuseUnkJoinsRunsOfUnknowns(bool fuse, int[] expected)
    {
        string model = $$"""{"type":"BPE","unk_token":"<unk>","fuse_unk":{{(fuse ? "true" : "false")}},"vocab":{"<unk>":0,"a":1},"merges":[]}""";
        Assert.Equal(expected, folder.Load(model).Encode("xyaz").Ids);
    }

    [Fact]
    public void PrefixSuffixAndIgnoreMerges()
    {
        const string vocab = """{"a":0,"##b":1,"##c</w>":2,"ab":3,"##b</w>":4,"abc</w>":5,"ab##c</w>":6}""";
        string model = $$"""{"type":"BPE","continuing_subword_prefix":"##","end_of_word_suffix":"</w>","vocab":{{vocab}},"merges":["a ##b"]}""";
        // a ##b ##c</w> → "a ##b" merges into "ab" (the right half loses its prefix).
        Assert.Equal([3, 2], folder.Load(model).Encode("abc").Ids);
        string whole = $$"""{"type":"BPE","ignore_merges":true,"vocab":{"a":0,"b":1,"ab":2,"abab":3},"merges":["a b"]}""";
        var t = folder.Load(whole);
        Assert.Equal([3], t.Encode("abab").Ids);
        Assert.Equal([2, 0], t.Encode("aba").Ids);
    }

    /// <summary>GPT-2's byte alphabet, computed here independently: printable Latin-1 bytes map to themselves.</summary>
    private static char ByteChar(int b)
    {
        int extra = 0;
        for (int x = 0; x < 256; x++)
        {
            bool printable = (x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255);
            if (x == b) return printable ? (char)x : (char)(256 + extra);
            if (!printable) extra++;
        }
        throw new ArgumentOutOfRangeException(nameof(b));
    }

    private static string ByteLevelVocab(params string[] more)
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteChar(b).ToString()] = b;
        foreach (var token in more) vocab[token] = vocab.Count;
        return JsonSerializer.Serialize(vocab);
    }

    [Fact]
    public void ByteLevelMapsUtf8BytesOfNonAscii()
    {
        Assert.Equal('Ġ', ByteChar(' '));
        Assert.Equal('Ċ', ByteChar('\n'));
        // " é😀中": é = C3 A9, 😀 = F0 9F 98 80, 中 = E4 B8 AD; the regex keeps " é", "😀" and "中" apart.
        string vocab = ByteLevelVocab("Ã©");
        const string byteLevel = """{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""";
        var t = folder.Load(Bpe(vocab, """["Ã ©"]"""), preTokenizer: byteLevel, decoder: byteLevel, postProcessor: byteLevel);
        const string text = " é😀中";
        var expected = new List<string> { "Ġ", "Ã©" };
        foreach (byte b in Encoding.UTF8.GetBytes("😀中")) expected.Add(ByteChar(b).ToString());
        Assert.Equal(expected, t.Tokenize(text));
        Assert.Equal(["Ġ", "Ã©", "ð", "Ł", "ĺ", "Ģ", "ä", "¸", "Ń"], t.Tokenize(text));
        Assert.Equal(text, t.Decode(t.Encode(text).Ids));
    }

    [Fact]
    public void ByteLevelPrefixSpaceAndGpt2Split()
    {
        string vocab = ByteLevelVocab("Ġh", "Ġhi", "'s");
        const string byteLevel = """{"type":"ByteLevel","add_prefix_space":true,"use_regex":true}""";
        var t = folder.Load(Bpe(vocab, """["Ġ h","Ġh i","' s"]"""), preTokenizer: byteLevel, decoder: byteLevel);
        // "hi's  x": prefix space → " hi", "'s", " " (space before a space run), " x".
        Assert.Equal(["Ġhi", "'s", "Ġ", "Ġ", "x"], t.Tokenize("hi's  x"));
        Assert.Equal(" hi's  x", t.Decode(t.Encode("hi's  x").Ids));
    }

    [Fact]
    public void SplitRegexThenByteLevelAsLlama3()
    {
        // Llama 3: digits in groups of up to three, then ByteLevel without its own regex.
        const string split = """
            {"type":"Sequence","pretokenizers":[
              {"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},
              {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}
            """;
        string vocab = ByteLevelVocab("12", "123", "Ġa", "'S");
        var t = folder.Load(Bpe(vocab, """["1 2","12 3","Ġ a","' S"]""", ""","ignore_merges":true"""), preTokenizer: split);
        Assert.Equal(["123", "4", "Ġa", "'S"], t.Tokenize("1234 a'S"));
    }

    // Llama 2 / Mistral as transformers converts them: Prepend "▁" and Replace " " → "▁", no pre-tokenizer,
    // sentencepiece BPE with byte fallback, <s> in front, and the matching decoder chain.
    private string Llama2Vocab()
    {
        var vocab = new Dictionary<string, int> { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = vocab.Count;
        foreach (var token in new[] { "▁", "h", "e", "l", "o", "▁h", "ll", "▁he", "▁hell", "▁hello" }) vocab[token] = vocab.Count;
        return JsonSerializer.Serialize(vocab);
    }

    private const string Llama2Normalizer = """
        {"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]}
        """;

    private const string Llama2Decoder = """
        {"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}
        """;

    private const string Llama2Template = """
        {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
         "pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}}
        """;

    private const string Llama2Added = """
        [{"id":0,"content":"<unk>","special":true,"normalized":false},{"id":1,"content":"<s>","special":true,"normalized":false},
         {"id":2,"content":"</s>","special":true,"normalized":false}]
        """;

    private const string Llama2Merges = """["▁ h","l l","▁h e","▁he ll","▁hell o"]""";

    [Fact]
    public void SentencePieceBpeWithByteFallbackAsLlama2()
    {
        string model = $$"""{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":true,"vocab":{{Llama2Vocab()}},"merges":{{Llama2Merges}}}""";
        var t = folder.Load(model, Llama2Normalizer, postProcessor: Llama2Template, decoder: Llama2Decoder, addedTokens: Llama2Added);
        // "hello é" → "▁hello▁é": ▁hello, ▁, then é as <0xC3> <0xA9>.
        Assert.Equal(["▁hello", "▁", "<0xC3>", "<0xA9>"], t.Tokenize("hello é"));
        var ids = t.Encode("hello é").Ids;
        Assert.Equal(1, ids[0]);
        Assert.Equal("hello é", t.Decode(ids));
        Assert.Equal("<s> hello é", t.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void LlamaTokenizerClassRebuildsThePostProcessorFromAddBosToken()
    {
        string model = $$"""{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":true,"vocab":{{Llama2Vocab()}},"merges":{{Llama2Merges}}}""";
        var noBos = folder.Load(model, Llama2Normalizer, postProcessor: Llama2Template, addedTokens: Llama2Added,
            config: """{"tokenizer_class":"LlamaTokenizer","bos_token":"<s>","eos_token":"</s>","add_bos_token":false,"add_eos_token":true}""");
        var ids = noBos.Encode("hello").Ids;
        Assert.Equal(2, ids[^1]);
        Assert.NotEqual(1, ids[0]);
        // Any other class keeps the file's template.
        var other = folder.Load(model, Llama2Normalizer, postProcessor: Llama2Template, addedTokens: Llama2Added,
            config: """{"tokenizer_class":"PreTrainedTokenizerFast","add_bos_token":false}""");
        Assert.Equal(1, other.Encode("hello").Ids[0]);
    }

    [Fact]
    public void MetaspaceFirstPrependsOnlyAtTheStartOfText()
    {
        // Llama 2 with legacy=false: Metaspace(prepend_scheme "first", split false); after an added token no "▁".
        string model = $$"""{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":true,"vocab":{{Llama2Vocab()}},"merges":{{Llama2Merges}}}""";
        var t = folder.Load(model, preTokenizer: """{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false}""",
            addedTokens: Llama2Added);
        Assert.Equal(["▁hello", "</s>", "h", "e", "ll", "o"], t.Tokenize("hello</s>hello"));
    }
}
