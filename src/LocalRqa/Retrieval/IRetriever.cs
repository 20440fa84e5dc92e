using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>Finds the documents of a database that best answer each query.</summary>
public interface IRetriever
{
    /// <summary>Short name for logs, e.g. "dense (model, cosine)" or "bm25".</summary>
    string Description { get; }

    /// <summary>The top <paramref name="k"/> documents of each query, best first; ties by document order.</summary>
    IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null);
}
