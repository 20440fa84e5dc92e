using LocalRqa.Data;
using LocalRqa.Modeling.CausalLm;
using LocalRqa.Runtime;
using LocalRqa.Teachers.LanguageModel;
using LocalRqa.Tests.Modeling;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Teachers.LanguageModel;

/// <summary>
/// The RPG LM score through the text path: template → tokens → LM → mean answer log-prob. The reference
/// prompt and answer are the fixture's ids turned back into text, so any fixture set (RQA_FIXTURES) works.
/// </summary>
public sealed class LmPassageScorerTests : IDisposable
{
    // Passage first, question second, nothing around them: the filled prompt is exactly the text it is given.
    static readonly RpgPromptTemplate Bare = RpgPromptTemplate.Parse("{formatted_documents}{formatted_chat}", "bare");

    readonly string dir = Directory.CreateTempSubdirectory("rqa-lmscore-").FullName;

    public LmPassageScorerTests() => TorchRuntime.Initialize();

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>The fixture's answer_likelihood case as text: a passage, a question and an answer whose ids are the reference's.</summary>
    sealed record FixtureCase(string Passage, string Question, string Answer, int[] PromptIds, int[] AnswerIds, float MeanLogProb, double Tolerance);

    static FixtureCase ReadCase(string folder, ITextTokenizer tokenizer)
    {
        var reference = new ReferenceFile(folder);
        var node = reference.Root["answer_likelihood"]!;
        var prompt = node["prompt_ids"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var answer = node["answer_ids"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var decoder = Assert.IsType<PipelineTokenizer>(tokenizer);

        // The reference prompt ends with the ids of "\n", as the RPG prompt does; the post-processor's own
        // specials (if any) lead it and are added back by the scorer.
        var newline = tokenizer.Encode("\n", int.MaxValue, addSpecialTokens: false).Ids;
        Assert.True(prompt.Length > newline.Length && prompt[^newline.Length..].SequenceEqual(newline),
            $"{folder}: reference prompt_ids do not end with the ids of \"\\n\" ({string.Join(",", newline)})");
        var leading = tokenizer.Encode("", int.MaxValue, addSpecialTokens: true).Ids;
        var body = prompt[..^newline.Length];
        if (leading.Length > 0 && body.Take(leading.Length).SequenceEqual(leading)) body = body[leading.Length..];
        var text = decoder.Decode(body, skipSpecialTokens: false);
        var split = text.Length / 2;
        return new FixtureCase(text[..split], text[split..], decoder.Decode(answer, skipSpecialTokens: false), prompt, answer,
            node["mean_logprob"]!.GetValue<float>(), reference.ToleranceAbs);
    }

    static LmPassageScorer Scorer(string folder, int textMaxLength, RpgPromptTemplate? template = null, LmScoreCache? cache = null,
        string? fingerprint = null)
    {
        var tokenizer = TokenizerLoader.FromFolder(folder);
        return new LmPassageScorer(CausalLanguageModel.FromPretrained(folder), tokenizer, fingerprint ?? "fixture:" + folder,
            textMaxLength, template ?? Bare, cache, ownsModel: true);
    }

    static Document Passage(string text, string? source = null, string? fmt = null) =>
        Document.Create(text, fmt, source is null ? null : new Dictionary<string, object?> { ["source"] = source });

    [Theory]
    [MemberData(nameof(CausalLmFixtures.Names), MemberType = typeof(CausalLmFixtures))]
    public void TheScoreOfTheFixturePromptAndAnswerIsTheReferenceMeanLogProb(string name)
    {
        var folder = TestPaths.Fixture(name);
        var fixture = ReadCase(folder, TokenizerLoader.FromFolder(folder));
        using var scorer = Scorer(folder, fixture.PromptIds.Length + fixture.AnswerIds.Length);
        var passage = Passage(fixture.Passage);

        Assert.Equal(fixture.PromptIds, scorer.PromptIds(passage, fixture.Question));
        Assert.Equal(fixture.AnswerIds, scorer.AnswerIds(fixture.Answer));
        var score = scorer.Score(fixture.Question, [passage], fixture.Answer).Single();
        Assert.True(Math.Abs(score - fixture.MeanLogProb) <= fixture.Tolerance,
            $"{name}: LM score {score}, reference mean_logprob {fixture.MeanLogProb}");
    }

    [Fact]
    public void TheSequenceIsCutFromTheLeftToTextMaxLength()
    {
        var folder = TestPaths.Fixture("llama-tiny");
        var fixture = ReadCase(folder, TokenizerLoader.FromFolder(folder));
        var keep = Math.Min(7, fixture.PromptIds.Length - 1);
        var answerLength = Math.Min(fixture.AnswerIds.Length, AnswerSequence.DefaultMaxAnswerTokens);
        using var scorer = Scorer(folder, keep + answerLength);

        var truncated = scorer.Score(fixture.Question, [Passage(fixture.Passage)], fixture.Answer).Single();

        using var model = CausalLanguageModel.FromPretrained(folder);
        var expected = new AnswerLikelihoodScorer(model).Score([(fixture.PromptIds[^keep..], fixture.AnswerIds)], 100_000).Single().MeanLogProb;
        // The same ids scored through another batch: LM log-probs ≈ −7 agree to 1e-4 abs, as in AnswerLikelihoodScorerTests.
        Assert.Equal(expected, truncated, 1e-4);
        // The cut mattered: ten times that agreement at least, so the difference is the cut, not rounding.
        Assert.True(Math.Abs(fixture.MeanLogProb - truncated) > 1e-3, $"truncated {truncated} vs untruncated {fixture.MeanLogProb}");
    }

    [Fact]
    public void ThePassagesOfAQuestionAreScoredInOneBatchAndThenComeFromTheCache()
    {
        var folder = TestPaths.Fixture("llama-tiny");
        var path = Path.Combine(dir, "scores.jsonl");
        Document[] passages = [Passage("the showroom is free.", "a.pdf"), Passage("retailers bring things in.", "b.pdf"), Passage("the thing", "c.pdf")];
        float[] first;
        using (var cache = LmScoreCache.Open(path))
        using (var scorer = Scorer(folder, 64, cache: cache))
        {
            first = scorer.Score("what is the showroom?", passages, "the showroom is free.");
            Assert.Equal(1, scorer.LmForwardPasses);
            Assert.Equal(3, scorer.ScoredSequences);

            var second = scorer.Score("what is the showroom?", passages, "the showroom is free.");
            Assert.Equal(1, scorer.LmForwardPasses); // no LM run on the second epoch
            Assert.Equal(3, scorer.CacheHits);
            Assert.Equal(first, second);
            Assert.Equal(3, first.Distinct().Count());
        }

        // A later run with the same file and LM reuses the scores; fmt_content is not part of a passage's identity.
        using (var cache = LmScoreCache.Open(path))
        using (var scorer = Scorer(folder, 64, cache: cache))
        {
            Document[] reformatted = [.. passages.Select(p => p with { FmtContent = "other formatting" })];
            Assert.Equal(first, scorer.Score("what is the showroom?", reformatted, "the showroom is free."));
            Assert.Equal(0, scorer.LmForwardPasses);
        }
    }

    [Fact]
    public void AChangedAnswerTemplateLmLengthOrPassageMissesTheCache()
    {
        var folder = TestPaths.Fixture("llama-tiny");
        using var cache = LmScoreCache.InMemory();
        Document[] passages = [Passage("the showroom is free.", "a.pdf")];
        const string question = "what is the showroom?", answer = "the showroom is free.";
        using (var scorer = Scorer(folder, 64, cache: cache)) scorer.Score(question, passages, answer);

        void AssertMiss(LmPassageScorer scorer, string q, Document[] p, string a, string what)
        {
            using (scorer)
            {
                scorer.Score(q, p, a);
                Assert.True(scorer.LmForwardPasses == 1, $"{what} should miss the cache");
            }
        }
        AssertMiss(Scorer(folder, 64, cache: cache), question, passages, "it is free.", "another answer");
        AssertMiss(Scorer(folder, 64, RpgPromptTemplate.Default, cache), question, passages, answer, "another template");
        AssertMiss(Scorer(folder, 64, cache: cache, fingerprint: "another LM"), question, passages, answer, "another LM");
        AssertMiss(Scorer(folder, 32, cache: cache), question, passages, answer, "another text_maxlength");
        AssertMiss(Scorer(folder, 64, cache: cache), question, [Passage("the showroom is free.", "other.pdf")], answer, "another source");
        AssertMiss(Scorer(folder, 64, cache: cache), "is the showroom free?", passages, answer, "another question");
    }

    [Fact]
    public void AFingerprintCoversTheWeightsAndTheDtype()
    {
        var llama = LmFingerprint.OfFolder(TestPaths.Fixture("llama-tiny"), ScalarType.Float32);
        Assert.Equal(llama, LmFingerprint.OfFolder(TestPaths.Fixture("llama-tiny"), ScalarType.Float32));
        Assert.NotEqual(llama, LmFingerprint.OfFolder(TestPaths.Fixture("llama-tiny"), ScalarType.BFloat16));
        Assert.NotEqual(llama, LmFingerprint.OfFolder(TestPaths.Fixture("qwen2-tiny"), ScalarType.Float32));
    }

    [Fact]
    public void ARepeatedPassageRunsOnce()
    {
        using var scorer = Scorer(TestPaths.Fixture("llama-tiny"), 64);
        var passage = Passage("the showroom is free.", "a.pdf");
        var scores = scorer.Score("what is the showroom?", [passage, Passage("the thing"), passage], "the showroom is free.");
        Assert.Equal(2, scorer.ScoredSequences);
        Assert.Equal(scores[0], scores[2]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    public void AnEmptyAnswerIsRefused(string answer)
    {
        using var scorer = Scorer(TestPaths.Fixture("llama-tiny"), 64);
        var error = Assert.Throws<RqaException>(() => scorer.Score("q", [Passage("p")], answer));
        Assert.Contains("answer to score is empty", error.Message);
        Assert.Equal(0, scorer.LmForwardPasses);
    }

    [Fact]
    public void OpeningAFolderThatIsNotACausalLmFailsClearly()
    {
        var error = Assert.Throws<RqaException>(() => LmPassageScorer.Open(TestPaths.Fixture("bert-tiny"), ScalarType.Float32, 512));
        Assert.Contains("llama", error.Message);
    }

    [Fact]
    public void OpeningAFixtureFolderScoresLikeTheModelItLoads()
    {
        var folder = TestPaths.Fixture("qwen2-tiny");
        var fixture = ReadCase(folder, TokenizerLoader.FromFolder(folder));
        using var scorer = LmPassageScorer.Open(folder, ScalarType.Float32, 512, Bare);
        Assert.Equal(LmFingerprint.OfFolder(folder, ScalarType.Float32), scorer.LmFingerprint);
        var score = scorer.Score(fixture.Question, [Passage(fixture.Passage)], fixture.Answer).Single();
        Assert.True(Math.Abs(score - fixture.MeanLogProb) <= fixture.Tolerance, $"{score} vs {fixture.MeanLogProb}");
    }
}
