using LocalRqa.Arguments;
using LocalRqa.Indexing;
using LocalRqa.Jobs;
using LocalRqa.Losses;
using LocalRqa.Tests.Training.Arguments;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Indexing;

/// <summary>
/// One similarity vocabulary: sentence-transformers' names (cosine, dot, euclidean) are what every flag's help,
/// all_args.json and log prints; FAISS's and older rqa's spellings (ip, l2, ...) are read as aliases, in any case.
/// </summary>
public sealed class SimilarityNamesTests
{
    [Theory]
    [InlineData("cosine", Similarity.Cosine)]
    [InlineData("COSINE", Similarity.Cosine)]
    [InlineData("cos", Similarity.Cosine)]
    [InlineData("dot", Similarity.Dot)]
    [InlineData("ip", Similarity.Dot)]
    [InlineData("IP", Similarity.Dot)]
    [InlineData("inner_product", Similarity.Dot)]
    [InlineData("dot_product", Similarity.Dot)]
    [InlineData("euclidean", Similarity.Euclidean)]
    [InlineData("l2", Similarity.Euclidean)]
    [InlineData(" L2 ", Similarity.Euclidean)]
    public void CanonicalNamesAndAliasesParseCaseInsensitively(string spelling, Similarity expected)
    {
        Assert.Equal(expected, Similarities.Parse(spelling));
        var parsed = ArgumentSet.Create(ArgumentParser.Parse(["--document_path", "d", "--eval_data_path", "e", "--output_dir", "o",
            "--similarity", spelling], TestRetrieverArguments.Schema).Get<TestRetrieverArguments>()).ToJson();
        Assert.Equal(expected.Name(), (string?)parsed["test_args"]!["similarity"]);
    }

    [Fact]
    public void EveryPlacePrintsSentenceTransformersNames()
    {
        Assert.Equal(["euclidean", "dot", "cosine"], new[] { Similarity.Euclidean, Similarity.Dot, Similarity.Cosine }.Select(s => s.Name()));
        // Help lists the canonical names only; the aliases are accepted, not advertised as other values.
        var testRetriever = TestRetrieverArguments.Schema.Fields.Single(f => f.Name == "similarity");
        Assert.Equal("cosine|dot|euclidean", testRetriever.ValueHint);
        var ctl = CtlArguments.Schema.Fields.Single(f => f.Name == "similarity");
        Assert.Equal("dot|cosine", ctl.ValueHint);
        // An all_args.json written before the one vocabulary, given back as a recipe, still reads.
        Assert.Equal("euclidean", testRetriever.ParseJson(System.Text.Json.Nodes.JsonValue.Create("l2"), "all_args.json: similarity"));
        Assert.Equal("dot", ctl.ParseJson(System.Text.Json.Nodes.JsonValue.Create("ip"), "all_args.json: similarity"));
    }

    [Theory]
    [InlineData("ip", ContrastiveSimilarity.Dot)]
    [InlineData("Dot_Product", ContrastiveSimilarity.Dot)]
    [InlineData("COS", ContrastiveSimilarity.Cosine)]
    public void TrainCtlReadsTheAliasesOfItsTwoSimilarities(string spelling, ContrastiveSimilarity expected)
    {
        var arguments = CtlArgs.ParseMinimalWith("--similarity", spelling);
        Assert.Equal(expected, arguments.Get<CtlArguments>().Similarity);
        Assert.Equal(expected.ToString().ToLowerInvariant(), (string?)arguments.ToJson()["contrastive_args"]!["similarity"]);
    }

    [Fact]
    public void AnUnknownNameSaysWhatIsAccepted()
    {
        Assert.Null(Similarities.TryParse("manhattan"));
        var e = Assert.Throws<RqaException>(() => Similarities.Parse("manhattan", "manifest.json: field 'similarity'"));
        Assert.StartsWith("manifest.json: field 'similarity': unknown similarity 'manhattan' (expected cosine, dot or euclidean; also accepted: ip", e.Message);
    }
}
