using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>
/// added_tokens.json, the {"token": id} file transformers before 4.34 saved next to vocab.txt: its tokens are added
/// tokens (special when they are special tokens, else normalized), cut out before WordPiece and never split.
/// </summary>
public sealed class LegacyAddedTokensTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rqa-legacy-").FullName;

    public LegacyAddedTokensTests()
    {
        // "covid19" alone is co ##vid ##19.
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\nco\n##vid\n##19\n");
        File.WriteAllText(Path.Combine(dir, "special_tokens_map.json"), """{"additional_special_tokens":["<ent>","<x>"]}""");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(dir, name), json);

    private ITextTokenizer Load() => TokenizerLoader.FromFolder(dir);

    [Fact]
    public void WithoutTheFileWordsGoThroughWordPiece() =>
        Assert.Equal([2, 5, 7, 8, 9, 3], Load().Encode("hello covid19").Ids);

    [Fact]
    public void AddedTokensAreMatchedBeforeWordPieceAndNeverSplit()
    {
        Write("added_tokens.json", """{"covid19": 10, "<ent>": 11}""");
        var t = Load();

        Assert.Equal([2, 5, 10, 6, 3], t.Encode("hello covid19 world").Ids);
        // Non-special tokens are normalized: found in the lower-cased text of an uncased model, and inside words.
        Assert.Equal([2, 5, 10, 6, 3], t.Encode("hello COVID19world").Ids);
        // A special token from the file is matched in the raw text only, case-sensitively.
        Assert.Equal([2, 5, 11, 6, 3], t.Encode("hello <ent>world").Ids);
        Assert.Equal([2, 1, 1, 1, 3], t.Encode("<ENT>").Ids);

        var added = Assert.IsType<PipelineTokenizer>(t).AddedTokens.ToDictionary(a => a.Content);
        Assert.Equal(new AddedToken("covid19", 10, Special: false, Normalized: true), added["covid19"]);
        Assert.Equal(new AddedToken("<ent>", 11, Special: true, Normalized: false), added["<ent>"]);
        // Special tokens missing from both files get ids after the file's, as transformers adds them on load.
        Assert.Equal(12, added["<x>"].Id);
        Assert.Equal(10, t.TokenToId("covid19"));
        Assert.Equal("covid19", t.IdToToken(10));
        Assert.Equal(13, t.VocabSize);
    }

    [Fact]
    public void AddedTokensDecoderTakesPrecedenceOverTheFile()
    {
        Write("added_tokens.json", """{"covid19": 10}""");
        Write("tokenizer_config.json", """{"added_tokens_decoder":{"1":{"content":"[UNK]","special":true}}}""");

        var t = Load();
        Assert.Equal([2, 5, 7, 8, 9, 3], t.Encode("hello covid19").Ids);
        Assert.Null(t.TokenToId("covid19"));
    }
}
