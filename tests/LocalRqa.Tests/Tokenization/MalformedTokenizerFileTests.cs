using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>
/// Valid JSON with wrong value kinds: each must be an RqaException naming the file and the field path, never a raw
/// InvalidOperationException from JsonElement.
/// </summary>
public sealed class MalformedTokenizerFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rqa-badtok-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const string Model = """{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"a":4}}""";

    private const string Template = """
        {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
         "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[2],"tokens":["[CLS]"]}}}
        """;

    private string PathOf(string name) => Path.Combine(dir, name);

    /// <summary>A tokenizer.json whose top-level fields are the defaults below, with <paramref name="field"/> replaced.</summary>
    private void WriteTokenizerJson(string field, string json)
    {
        var fields = new Dictionary<string, string>
        {
            ["added_tokens"] = "[]", ["normalizer"] = "null", ["pre_tokenizer"] = """{"type":"WhitespaceSplit"}""",
            ["post_processor"] = "null", ["truncation"] = "null", ["padding"] = "null", ["model"] = Model, ["decoder"] = "null",
        };
        fields[field] = json;
        File.WriteAllText(PathOf("tokenizer.json"), "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}");
    }

    private void AssertNamesFileAndField(string file, string field)
    {
        var e = Assert.Throws<RqaException>(() => TokenizerLoader.FromFolder(dir));
        Assert.StartsWith(PathOf(file) + ": ", e.Message);
        Assert.Contains(field, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("model", "\"WordPiece\"", "model must be an object, not a string")]
    [InlineData("model", """{"type":5,"vocab":{}}""", "model.type must be a string, not the number 5")]
    [InlineData("model", """{"type":"WordPiece","vocab":[["a",0]]}""", "model.vocab must be an object of token: id, not a list")]
    [InlineData("model", """{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":"1"}}""", "model.vocab['[UNK]'] must be an integer, not a string")]
    [InlineData("model", """{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":1.5}}""", "model.vocab['[UNK]'] must be an integer, not the number 1.5")]
    [InlineData("model", """{"type":"WordPiece","unk_token":7,"vocab":{"[UNK]":1}}""", "model.unk_token must be a string")]
    [InlineData("model", """{"type":"Unigram","unk_id":0,"vocab":{"a":0}}""", "model.vocab must be a list, not an object")]
    [InlineData("model", """{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0.0],["a"]]}""", "model.vocab[1] must be a [piece, score] pair, not a list")]
    [InlineData("model", """{"type":"Unigram","unk_id":0,"vocab":[["<unk>","0"]]}""", "model.vocab[0][1] must be a finite number, not a string")]
    [InlineData("model", """{"type":"Unigram","unk_id":0,"vocab":[["<unk>",1e400]]}""", "model.vocab[0][1] must be a finite number, not the number 1e400")]
    [InlineData("model", """{"type":"Unigram","unk_id":0,"vocab":[[1,0.0]]}""", "model.vocab[0][0] must be a string, not the number 1")]
    [InlineData("model", """{"type":"Unigram","unk_id":3,"vocab":[["<unk>",0.0]]}""", "model.unk_id 3 is outside model.vocab")]
    [InlineData("model", """{"type":"Unigram","unk_id":"0","vocab":[["<unk>",0.0]]}""", "model.unk_id must be an integer, not a string")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0},"merges":"a b"}""", "model.merges must be a list, not a string")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a  b"]}""", "model.merges[0] must be two tokens separated by one space")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0,"b":1},"merges":[["a",2]]}""", "model.merges[0][1] must be a string, not the number 2")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0,"b":1},"merges":[7]}""", "model.merges[0] must be a \"left right\" string or a [left, right] pair")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a c"]}""", "model.merges[0]: 'c' is not in model.vocab")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}""", "model.merges[0]: 'ab' is not in the vocabulary")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0},"merges":[],"unk_token":"<unk>"}""", "model.unk_token '<unk>' is not in model.vocab")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0},"merges":[],"dropout":0.1}""", "model.dropout must be null")]
    [InlineData("model", """{"type":"BPE","vocab":{"a":0},"merges":[],"byte_fallback":1}""", "model.byte_fallback must be true or false, not the number 1")]
    [InlineData("pre_tokenizer", """{"type":"Metaspace","replacement":"__"}""", "pre_tokenizer.replacement must be one character")]
    [InlineData("pre_tokenizer", """{"type":"Metaspace","prepend_scheme":"sometimes"}""", "pre_tokenizer.prepend_scheme 'sometimes' is not one of always, first, never")]
    [InlineData("pre_tokenizer", """{"type":"ByteLevel","add_prefix_space":"no"}""", "pre_tokenizer.add_prefix_space must be true or false, not a string")]
    [InlineData("pre_tokenizer", """{"type":"Split","pattern":{"Regex":"("},"behavior":"Isolated"}""", "pre_tokenizer.pattern.Regex is not a regex")]
    [InlineData("pre_tokenizer", """{"type":"Split","pattern":{"Glob":"*"},"behavior":"Isolated"}""", "pre_tokenizer.pattern must have a String or a Regex field")]
    [InlineData("pre_tokenizer", """{"type":"Split","pattern":{"String":" "}}""", "pre_tokenizer.behavior is missing")]
    [InlineData("pre_tokenizer", """{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":0}]}""", "pre_tokenizer.pretokenizers[0].individual_digits must be true or false")]
    [InlineData("normalizer", """{"type":"Replace","pattern":{"Regex":5},"content":" "}""", "normalizer.pattern.Regex must be a string, not the number 5")]
    [InlineData("post_processor", """{"type":"Sequence","processors":[{"type":"ByteLevel"},3]}""", "post_processor.processors[1] must be an object, not the number 3")]
    [InlineData("decoder", """{"type":"Sequence","decoders":[{"type":"Strip","content":"ab","start":1,"stop":0}]}""", "decoder.decoders[0].content must be one character")]
    [InlineData("decoder", """{"type":"CTC"}""", "unsupported decoder type CTC (supported: ByteLevel, Metaspace")]
    [InlineData("added_tokens", "[3]", "added_tokens[0] must be an object, not the number 3")]
    [InlineData("added_tokens", """[{"id":0,"content":"[PAD]"},{"id":"1","content":"[UNK]"}]""", "added_tokens[1].id must be an integer, not a string")]
    [InlineData("added_tokens", """[{"id":1,"content":"[UNK]","special":"yes"}]""", "added_tokens[0].special must be true or false")]
    [InlineData("added_tokens", """{"id":1}""", "added_tokens must be a list, not an object")]
    [InlineData("normalizer", "\"lowercase\"", "normalizer must be an object, not a string")]
    [InlineData("normalizer", """{"type":"Sequence","normalizers":{}}""", "normalizer.normalizers must be a list, not an object")]
    [InlineData("normalizer", """{"type":"BertNormalizer","lowercase":"true"}""", "normalizer.lowercase must be true or false, not a string")]
    [InlineData("pre_tokenizer", """{"type":"Sequence","pretokenizers":[true]}""", "pre_tokenizer.pretokenizers[0] must be an object, not true")]
    [InlineData("post_processor", """{"type":"TemplateProcessing","single":[1]}""", "post_processor.single[0] must be an object, not the number 1")]
    [InlineData("post_processor", """{"type":"TemplateProcessing","single":[{"Sequence":"A"}]}""", "post_processor.single[0].Sequence must be an object")]
    [InlineData("post_processor", """{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]"}}],"special_tokens":{"[CLS]":{"ids":["2"]}}}""",
        "post_processor.special_tokens['[CLS]'].ids[0] must be an integer, not a string")]
    [InlineData("post_processor", """{"type":"TemplateProcessing","single":[],"special_tokens":[]}""", "post_processor.special_tokens must be an object, not a list")]
    [InlineData("post_processor", """{"type":"BertProcessing","cls":["[CLS]","2"],"sep":["[SEP]",3]}""", "post_processor.cls must be [token, id]")]
    [InlineData("truncation", "[]", "truncation must be an object, not a list")]
    [InlineData("truncation", """{"max_length":"512"}""", "truncation.max_length must be an integer, not a string")]
    [InlineData("padding", "7", "padding must be an object, not the number 7")]
    [InlineData("padding", """{"pad_id":"0"}""", "padding.pad_id must be an integer, not a string")]
    public void WrongKindInTokenizerJsonNamesFileAndField(string field, string json, string message)
    {
        WriteTokenizerJson(field, json);
        AssertNamesFileAndField("tokenizer.json", message);
    }

    [Fact]
    public void WellFormedTemplateStillLoads()
    {
        WriteTokenizerJson("post_processor", Template);
        Assert.Equal([2, 4], TokenizerLoader.FromFolder(dir).Encode("a").Ids);
    }

    private void WriteVocab() => File.WriteAllText(PathOf("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\n");

    [Theory]
    [InlineData("tokenizer_config.json", """{"do_lower_case":"true"}""", "do_lower_case must be true, false or null, not a string")]
    [InlineData("tokenizer_config.json", """{"strip_accents":0}""", "strip_accents must be true, false or null, not the number 0")]
    [InlineData("tokenizer_config.json", """{"model_max_length":"512"}""", "model_max_length must be a number, not a string")]
    [InlineData("tokenizer_config.json", """{"unk_token":{"content":1}}""", "unk_token.content must be a string")]
    [InlineData("tokenizer_config.json", """{"added_tokens_decoder":[]}""", "added_tokens_decoder must be an object, not a list")]
    [InlineData("tokenizer_config.json", """{"added_tokens_decoder":{"1":"[UNK]"}}""", "added_tokens_decoder['1'] must be an object, not a string")]
    [InlineData("tokenizer_config.json", """{"added_tokens_decoder":{"1":{"content":1}}}""", "added_tokens_decoder['1'].content must be a string")]
    [InlineData("tokenizer_config.json", """{"added_tokens_decoder":{"x":{"content":"[UNK]"}}}""", "added_tokens_decoder['x']: the key must be an integer id")]
    [InlineData("special_tokens_map.json", """{"cls_token":5}""", "cls_token must be a token string or an object with 'content', not the number 5")]
    [InlineData("special_tokens_map.json", """{"additional_special_tokens":["<a>",3]}""", "additional_special_tokens[1] must be a token string")]
    [InlineData("special_tokens_map.json", """{"additional_special_tokens":"<a>"}""", "additional_special_tokens must be a list, not a string")]
    [InlineData("added_tokens.json", """{"<new>":"6"}""", "'<new>' must be an integer, not a string")]
    [InlineData("added_tokens.json", """[["<new>",6]]""", "the file must be an object, not a list")]
    public void WrongKindInFolderConfigNamesFileAndField(string file, string json, string message)
    {
        WriteVocab();
        File.WriteAllText(PathOf(file), json);
        AssertNamesFileAndField(file, message);
    }

    [Theory]
    [InlineData("1000000000000000019884624838656", null)] // int(1e30): what transformers writes for "no limit"
    [InlineData("1e30", null)]
    [InlineData("1e400", null)] // beyond a double: still "no limit", not a crash
    [InlineData("-1", null)]
    [InlineData("512", 512)]
    [InlineData("512.0", 512)]
    [InlineData("null", null)]
    public void ModelMaxLengthPlaceholdersMeanNoLimit(string json, int? expected)
    {
        WriteVocab();
        File.WriteAllText(PathOf("tokenizer_config.json"), $$"""{"model_max_length":{{json}}}""");
        Assert.Equal(expected, TokenizerLoader.FromFolder(dir).ModelMaxLength);

        // The tokenizer.json path reads the same setting.
        WriteTokenizerJson("truncation", "null");
        Assert.Equal(expected, TokenizerLoader.FromFolder(dir).ModelMaxLength);
    }

    [Theory]
    [InlineData("vocab.txt", "[PAD]\n[UNK]\n\u00e9", 3)]
    [InlineData("tokenizer.json", "{\"added_tokens\": [],\n\"normalizer\": null,\n\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"x", 44)]
    public void InvalidUtf8IsRefusedNamingTheLine(string file, string text, int byteOfLine3)
    {
        // Before, FF became U+FFFD in vocab.txt, and a tokenizer.json string holding it crashed with InvalidOperationException.
        File.WriteAllBytes(PathOf(file), [.. System.Text.Encoding.UTF8.GetBytes(text), 0xFF, .. "\": 0}}}"u8]);
        var e = Assert.Throws<RqaException>(() => TokenizerLoader.FromFolder(dir));
        Assert.Equal($"{PathOf(file)}:3: invalid UTF-8 at byte {byteOfLine3} of the line (0xFF)", e.Message);
    }
}
