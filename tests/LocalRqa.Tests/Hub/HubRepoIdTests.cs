using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class HubRepoIdTests
{
    [Theory]
    [InlineData("bert-base-uncased", "bert-base-uncased", "main", "models--bert-base-uncased")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "main",
        "models--sentence-transformers--all-MiniLM-L6-v2")]
    [InlineData("org/name@v1.0", "org/name", "v1.0", "models--org--name")]
    [InlineData("org/name@refs/pr/1", "org/name", "refs/pr/1", "models--org--name")]
    [InlineData("  org/x_y.z  ", "org/x_y.z", "main", "models--org--x_y.z")]
    public void Parse_Valid(string text, string repo, string revision, string folder)
    {
        var id = HubRepoId.Parse(text);

        Assert.Equal(repo, id.RepoId);
        Assert.Equal(revision, id.Revision);
        Assert.Equal(folder, id.CacheFolderName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b/c")]
    [InlineData("a/")]
    [InlineData("a..b")]
    [InlineData("a/b.")]
    [InlineData("a/b@x y")]
    [InlineData("a/b@/x")]
    public void Parse_Invalid_ThrowsRqaException(string text) =>
        Assert.Throws<RqaException>(() => HubRepoId.Parse(text));

    [Fact]
    public void CommitRevision_IsRecognized()
    {
        Assert.True(HubRepoId.Parse("a/b@" + new string('0', 40)).RevisionIsCommit);
        Assert.False(HubRepoId.Parse("a/b").RevisionIsCommit);
    }
}
