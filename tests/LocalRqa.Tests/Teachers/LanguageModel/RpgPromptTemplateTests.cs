using LocalRqa.Teachers.LanguageModel;

namespace LocalRqa.Tests.Teachers.LanguageModel;

public sealed class RpgPromptTemplateTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rqa-template-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void FillingPutsThePassageAndTheQuestionInTheirPlacesInOnePass()
    {
        var template = RpgPromptTemplate.Parse("Q: {formatted_chat} | D: {formatted_documents} {{literal}}", "hand-built");
        // The passage mentions the other field: str.format fills once, so it stays as written.
        Assert.Equal("Q: why? | D: see {formatted_chat} {literal}", template.Fill("see {formatted_chat}", "why?"));
    }

    [Fact]
    public void TheDefaultIsLocalRqasZephyrChatTurn()
    {
        var filled = RpgPromptTemplate.Default.Fill("PASSAGE", "QUESTION");
        Assert.StartsWith("\n<|user|>\nThis is a chat between a curious user and an artificial intelligence assistant.\n", filled);
        Assert.Contains("----------------\nContext:\nPASSAGE\n----------------\nQUESTION<|endoftext|>\n<|assistant|>\n", filled);
        Assert.EndsWith("<|assistant|>\n", filled);
        Assert.Equal(64, RpgPromptTemplate.Default.Hash.Length);
    }

    [Fact]
    public void AFileIsLoadedVerbatimAndHashedByItsText()
    {
        var path = Path.Combine(dir, "prompt.txt");
        File.WriteAllText(path, "Context: {formatted_documents}\nUser: {formatted_chat}\n");
        var loaded = RpgPromptTemplate.Load(path);
        Assert.Equal("Context: p\nUser: q\n", loaded.Fill("p", "q"));
        Assert.Equal(path, loaded.Source);
        Assert.NotEqual(RpgPromptTemplate.Default.Hash, loaded.Hash);
        Assert.Equal(RpgPromptTemplate.Parse(loaded.Text, "again").Hash, loaded.Hash);
    }

    [Theory]
    [InlineData("Context: {formatted_documents}", "{formatted_chat}")]
    [InlineData("User: {formatted_chat}", "{formatted_documents}")]
    [InlineData("no fields at all", "{formatted_documents} and {formatted_chat}")]
    public void ATemplateWithoutBothPlaceholdersIsRefusedNamingTheFile(string text, string missing)
    {
        var path = Path.Combine(dir, "bad.txt");
        File.WriteAllText(path, text);
        var error = Assert.Throws<RqaException>(() => RpgPromptTemplate.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("lacks " + missing, error.Message);
    }

    [Theory]
    [InlineData("{formatted_documents} {formatted_chat} {title}", "unknown field '{title}'")]
    [InlineData("{formatted_documents} {formatted_chat} {", "unclosed '{'")]
    [InlineData("{formatted_documents} {formatted_chat} }", "single '}'")]
    public void FieldsAndBracesFollowStrFormat(string text, string message)
    {
        var error = Assert.Throws<RqaException>(() => RpgPromptTemplate.Parse(text, "t.txt"));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AMissingFileIsAClearError() =>
        Assert.Contains("not found", Assert.Throws<RqaException>(() => RpgPromptTemplate.Load(Path.Combine(dir, "none.txt"))).Message);
}
