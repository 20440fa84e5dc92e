using LocalRqa.Data;
using LocalRqa.Modeling.CausalLm;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// REPLUG's LM score of a retrieved passage (Shi et al. 2023, as LocalRQA's RPG trainer computes it): the mean
/// log-probability the frozen LM gives the answer after the prompt "template(passage, question)" + "\n", the
/// sequence cut from the left to text_maxlength and the answer capped at 128 tokens. The passages of one
/// question go through the LM as one batch; scores already in the <see cref="LmScoreCache"/> skip the LM.
/// </summary>
/// <remarks>
/// Tokenization. LocalRQA calls the HF tokenizer with its defaults on all three pieces: prompt, "\n" and answer
/// each get the tokenizer's special tokens. For its default LM (stablelm-zephyr-3b, GPT-NeoX tokenizer) and for
/// Qwen2 that adds nothing; for a tokenizer that adds BOS (Llama 2, TinyLlama, Mistral) it would put a BOS
/// before the "\n" and before the answer, and score log p(BOS | prompt) as the answer's first token. Here the
/// prompt gets the tokenizer's own post-processor (a BOS where the LM expects one), while "\n" and the answer
/// are encoded without special tokens: identical ids for the LMs that add none, and no mid-sequence BOS for the
/// others. The tokenizer.json truncation setting is not applied (HF's __call__ without truncation=True does not
/// apply it either); the only cut is the left cut to text_maxlength.
/// </remarks>
internal sealed class LmPassageScorer : IDisposable
{
    readonly CausalLanguageModel model;
    readonly ITextTokenizer tokenizer;
    readonly AnswerLikelihoodScorer likelihood;
    readonly bool ownsModel;
    readonly int[] newline;
    readonly string settings;

    /// <param name="lmFingerprint">names the LM in cache keys (<see cref="LmFingerprint.OfFolder"/>)</param>
    /// <param name="maxBatch">at most this many sequences per LM forward pass; 0 = all passages of a question at once</param>
    /// <param name="ownsModel">dispose <paramref name="model"/> with this scorer</param>
    public LmPassageScorer(CausalLanguageModel model, ITextTokenizer tokenizer, string lmFingerprint, int textMaxLength,
        RpgPromptTemplate? template = null, LmScoreCache? cache = null, int maxBatch = 0, bool ownsModel = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(textMaxLength, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBatch);
        this.model = model;
        this.tokenizer = tokenizer;
        this.ownsModel = ownsModel;
        LmFingerprint = lmFingerprint;
        TextMaxLength = textMaxLength;
        Template = template ?? RpgPromptTemplate.Default;
        Cache = cache ?? LmScoreCache.InMemory();
        MaxBatch = maxBatch;
        likelihood = new AnswerLikelihoodScorer(model, AnswerSequence.DefaultMaxAnswerTokens);
        newline = Encode("\n", addSpecialTokens: false);
        settings = LmScoreKey.Settings(lmFingerprint, Template.Hash, textMaxLength, AnswerSequence.DefaultMaxAnswerTokens);
    }

    /// <summary>
    /// Loads the causal LM and tokenizer of a model folder (already resolved from a hub id) in
    /// <paramref name="weightType"/> and fingerprints it. A folder that holds no supported causal LM fails with
    /// the list of supported architectures before any weight is read.
    /// </summary>
    public static LmPassageScorer Open(string lmFolder, ScalarType weightType, int textMaxLength,
        RpgPromptTemplate? template = null, LmScoreCache? cache = null, int maxBatch = 0)
    {
        CausalLmFamily.LoadSettings(lmFolder); // config check first: a clear error for a non-LM folder
        var tokenizer = TokenizerLoader.FromFolder(lmFolder);
        var fingerprint = Teachers.LanguageModel.LmFingerprint.OfFolder(lmFolder, weightType);
        var model = CausalLanguageModel.FromPretrained(lmFolder, weightType);
        return new LmPassageScorer(model, tokenizer, fingerprint, textMaxLength, template, cache, maxBatch, ownsModel: true);
    }

    public string LmFingerprint { get; }
    public int TextMaxLength { get; }
    public RpgPromptTemplate Template { get; }
    public LmScoreCache Cache { get; }
    public int MaxBatch { get; }

    /// <summary>LM forward passes run so far (a cache hit runs none).</summary>
    public long LmForwardPasses { get; private set; }

    /// <summary>Sequences the LM scored so far.</summary>
    public long ScoredSequences { get; private set; }

    /// <summary>Tokens (prompt + answer, after truncation) the LM read so far.</summary>
    public long ScoredTokens { get; private set; }

    /// <summary>Scores answered from the cache so far.</summary>
    public long CacheHits { get; private set; }

    /// <summary>
    /// The LM score of each passage for this question and answer, in the order given: mean log p(answer token)
    /// over the (at most 128) answer tokens.
    /// </summary>
    public float[] Score(string question, IReadOnlyList<Document> passages, string answer)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(answer))
            throw new RqaException("the answer to score is empty: the LM score is the likelihood of a non-empty answer");
        var scores = new float[passages.Count];
        var keys = passages.Select(p => new LmScoreKey(settings, question, p.Identity, answer).Digest()).ToArray();

        // Passages to run: first occurrence of each key the cache lacks.
        var missing = new List<int>();
        var firstOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < passages.Count; i++)
        {
            if (Cache.TryGet(keys[i], out scores[i])) CacheHits++;
            else if (firstOfKey.TryAdd(keys[i], i)) missing.Add(i);
        }

        if (missing.Count > 0)
        {
            var answerIds = Encode(answer, addSpecialTokens: false);
            var chunk = MaxBatch == 0 ? missing.Count : MaxBatch;
            foreach (var part in missing.Chunk(chunk))
            {
                var pairs = part.Select(i => (PromptIds(passages[i], question), answerIds)).ToArray();
                var results = likelihood.Score(pairs, TextMaxLength);
                LmForwardPasses++;
                ScoredSequences += pairs.Length;
                ScoredTokens += pairs.Sum(p => Math.Min(p.Item1.Length + Math.Min(answerIds.Length, AnswerSequence.DefaultMaxAnswerTokens), TextMaxLength));
                for (var j = 0; j < part.Length; j++) scores[part[j]] = results[j].MeanLogProb;
                Cache.AddRange(part.Select(i => (keys[i], scores[i])));
            }
        }
        for (var i = 0; i < passages.Count; i++)
            if (firstOfKey.TryGetValue(keys[i], out var first) && first != i) scores[i] = scores[first];
        return scores;
    }

    /// <summary>The prompt ids of one passage: the filled template with the tokenizer's special tokens, then "\n".</summary>
    public int[] PromptIds(Document passage, string question) =>
        [.. Encode(Template.Fill(passage.PageContent, question), addSpecialTokens: true), .. newline];

    /// <summary>The answer ids the LM scores (before the 128-token cap): no special tokens.</summary>
    public int[] AnswerIds(string answer) => Encode(answer, addSpecialTokens: false);

    // int.MaxValue: no truncation here, not even the tokenizer.json's own (AnswerSequence cuts from the left).
    int[] Encode(string text, bool addSpecialTokens) => tokenizer.Encode(text, int.MaxValue, addSpecialTokens).Ids;

    public void Dispose()
    {
        if (ownsModel) model.Dispose();
    }
}
