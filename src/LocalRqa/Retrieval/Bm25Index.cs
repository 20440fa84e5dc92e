namespace LocalRqa.Retrieval;

/// <summary>
/// rank_bm25's BM25Okapi over pre-tokenised documents, stored as an inverted index (term → postings of documents
/// with their precomputed term weight) so a query touches only the documents that contain its terms.
/// <para>
/// idf(t) = ln(N − n(t) + 0.5) − ln(n(t) + 0.5); terms with a negative idf (in more than half the documents) get
/// ε · mean idf instead, the mean taken over all distinct terms, negative ones included.
/// score(q, d) = Σ over query tokens, repeats included, of idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)).
/// </para>
/// Arithmetic follows rank_bm25's order of operations in doubles, so scores equal LocalRQA's bit for bit.
/// </summary>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, int> termIds = new(StringComparer.Ordinal);
    private readonly double[] idf;
    private readonly int[] documentFrequency;
    // CSR layout: the postings of term t are [postingStart[t], postingStart[t + 1]).
    private readonly int[] postingStart;
    private readonly int[] postingDocument;
    private readonly double[] postingWeight;

    public Bm25Index(IReadOnlyList<IReadOnlyList<string>> documents, double k1 = 1.5, double b = 0.75, double epsilon = 0.25)
    {
        if (documents.Count == 0) throw new RqaException("BM25 needs at least one document");
        K1 = k1;
        B = b;
        Epsilon = epsilon;
        DocumentCount = documents.Count;

        // Term ids in order of first occurrence: rank_bm25 sums idfs in its dict's insertion order, which is this one.
        var termFrequencies = new List<(int Term, int Tf)>[documents.Count];
        long totalTokens = 0;
        var counts = new Dictionary<int, int>();
        for (int d = 0; d < documents.Count; d++)
        {
            counts.Clear();
            var order = new List<int>();
            foreach (var token in documents[d])
            {
                if (!termIds.TryGetValue(token, out int term)) termIds.Add(token, term = termIds.Count);
                if (counts.TryGetValue(term, out int c)) counts[term] = c + 1;
                else { counts.Add(term, 1); order.Add(term); }
            }
            termFrequencies[d] = order.ConvertAll(t => (t, counts[t]));
            totalTokens += documents[d].Count;
        }
        AverageDocumentLength = (double)totalTokens / DocumentCount;

        int termCount = termIds.Count;
        documentFrequency = new int[termCount];
        foreach (var doc in termFrequencies)
            foreach (var (term, _) in doc) documentFrequency[term]++;

        idf = new double[termCount];
        double idfSum = 0;
        var negative = new List<int>();
        for (int t = 0; t < termCount; t++)
        {
            int n = documentFrequency[t];
            idf[t] = Math.Log(DocumentCount - n + 0.5) - Math.Log(n + 0.5);
            idfSum += idf[t];
            if (idf[t] < 0) negative.Add(t);
        }
        // rank_bm25 divides by the number of terms; a corpus of empty documents has none (and no postings to score).
        AverageIdf = termCount == 0 ? 0 : idfSum / termCount;
        foreach (int t in negative) idf[t] = Epsilon * AverageIdf;

        postingStart = new int[termCount + 1];
        for (int t = 0; t < termCount; t++) postingStart[t + 1] = postingStart[t] + documentFrequency[t];
        postingDocument = new int[postingStart[termCount]];
        postingWeight = new double[postingStart[termCount]];
        var next = postingStart[..termCount];
        for (int d = 0; d < documents.Count; d++)
        {
            // Same grouping as rank_bm25: k1 * (1 - b + b * doc_len / avgdl), then idf * (tf * (k1 + 1) / (tf + that)).
            double lengthNorm = K1 * (1 - B + B * documents[d].Count / AverageDocumentLength);
            foreach (var (term, tf) in termFrequencies[d])
            {
                int p = next[term]++;
                postingDocument[p] = d;
                postingWeight[p] = idf[term] * (tf * (K1 + 1) / (tf + lengthNorm));
            }
        }
    }

    public double K1 { get; }
    public double B { get; }
    public double Epsilon { get; }
    public int DocumentCount { get; }
    public int TermCount => termIds.Count;
    public double AverageDocumentLength { get; }

    /// <summary>Mean of the raw idfs of all distinct terms (before negative ones are replaced).</summary>
    public double AverageIdf { get; }

    /// <summary>The idf used in scoring (after the ε replacement); 0 for a term not in the corpus.</summary>
    public double Idf(string term) => termIds.TryGetValue(term, out int t) ? idf[t] : 0;

    /// <summary>How many documents contain the term.</summary>
    public int DocumentFrequency(string term) => termIds.TryGetValue(term, out int t) ? documentFrequency[t] : 0;

    /// <summary>BM25 scores of every document for the query tokens.</summary>
    public double[] Scores(IReadOnlyList<string> queryTokens)
    {
        var scores = new double[DocumentCount];
        Scores(queryTokens, scores);
        return scores;
    }

    /// <summary>Writes the BM25 score of every document into <paramref name="scores"/> (length = document count).</summary>
    public void Scores(IReadOnlyList<string> queryTokens, Span<double> scores)
    {
        if (scores.Length != DocumentCount)
            throw new ArgumentException($"expected {DocumentCount} scores, got {scores.Length}", nameof(scores));
        scores.Clear();
        // Tokens in query order, repeats included, as rank_bm25 adds them; absent terms add 0 and change nothing.
        foreach (var token in queryTokens)
        {
            if (!termIds.TryGetValue(token, out int term)) continue;
            for (int p = postingStart[term]; p < postingStart[term + 1]; p++)
                scores[postingDocument[p]] += postingWeight[p];
        }
    }
}
