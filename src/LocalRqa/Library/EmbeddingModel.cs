using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Library;

/// <summary>
/// A text embedding model for callers in their own process: a sentence-transformers / HuggingFace BERT-family folder
/// (one `rqa train` saved, or any from the Hub) or a built-in model, with its pooling, normalisation and query and
/// passage prompts as the folder records them, exactly as `rqa encode` and `rqa test-retriever` load it. It holds the
/// network's weights in native (libtorch) memory: dispose it, after the retrievers made from it.
/// </summary>
public sealed class EmbeddingModel : IDisposable
{
    readonly SentenceEncoder encoder;
    bool disposed;

    EmbeddingModel(SentenceEncoder encoder, string nameOrPath)
    {
        this.encoder = encoder;
        NameOrPath = nameOrPath;
    }

    /// <summary>The model every verb uses when none is named: Snowflake/snowflake-arctic-embed-xs, built in (offline).</summary>
    public const string DefaultModelId = ModelLocator.DefaultModel;

    /// <summary>The HuggingFace ids of the built-in models this build carries (available offline, converted on first use).</summary>
    public static IReadOnlyList<string> BuiltInModelIds => [.. BuiltInModels.Available().Select(m => m.HubId)];

    /// <summary>
    /// Loads a model: <paramref name="nameOrPath"/> is a local folder, else a built-in model's id, else a HuggingFace id
    /// found in the HF cache or downloaded (as `--model_name_or_path` everywhere).
    /// </summary>
    /// <param name="nameOrPath">a model folder or a HuggingFace id, e.g. <see cref="DefaultModelId"/></param>
    /// <param name="maxLength">tokens kept per text (2 to the model's max_position_embeddings); null: the model's own maximum</param>
    /// <param name="usePrompts">false embeds without the model's query and passage prompts (as LocalRQA's HuggingFaceEmbeddings)</param>
    /// <exception cref="RqaException">the folder is not a supported model, the id cannot be found or downloaded, or <paramref name="maxLength"/> is out of range</exception>
    public static EmbeddingModel Load(string nameOrPath, int? maxLength = null, bool usePrompts = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        var folder = ModelLocator.Resolve(nameOrPath);
        return new EmbeddingModel(SentenceEncoder.Load(folder, new EncoderOverrides { MaxLength = maxLength, UsePrompts = usePrompts }), nameOrPath);
    }

    /// <summary>The name or path it was loaded by.</summary>
    public string NameOrPath { get; }

    /// <summary>The local folder it was loaded from (for a built-in or Hub model, the converted or cached folder).</summary>
    public string Folder => encoder.SourceFolder;

    /// <summary>The length of every embedding (floats).</summary>
    public int Dimension => encoder.Dimension;

    /// <summary>Tokens kept per text; longer texts are truncated.</summary>
    public int MaxLength => encoder.Settings.MaxLength;

    /// <summary>The similarity the model was trained for (its sentence-transformers `similarity_fn_name`), else cosine.</summary>
    public Similarity Similarity => DenseRetriever.DefaultSimilarity(encoder);

    /// <summary>
    /// Embeddings of questions, in input order, with the model's query prompt. Each array has <see cref="Dimension"/>
    /// floats, normalised when the model normalises.
    /// </summary>
    /// <param name="questions">the texts to embed</param>
    /// <param name="batchSize">texts per forward pass (memory grows with it; results agree to float rounding)</param>
    public float[][] EncodeQueries(IReadOnlyList<string> questions, int batchSize = 32) => Encode(questions, PromptKind.Query, batchSize);

    /// <summary>As <see cref="EncodeQueries"/> for passages, with the model's passage prompt (how documents are indexed).</summary>
    /// <param name="passages">the texts to embed (a document's text as indexed is its fmt_content)</param>
    /// <param name="batchSize">texts per forward pass</param>
    public float[][] EncodePassages(IReadOnlyList<string> passages, int batchSize = 32) => Encode(passages, PromptKind.Passage, batchSize);

    /// <summary>
    /// A dense retriever over <paramref name="documents"/> (LocalRQA's "faiss"): their fmt_content embedded into an exact
    /// vector index. With <paramref name="indexPath"/>, the index saved there is reused when it was built from the same
    /// documents, model and settings, and otherwise built and saved there (as `rqa test-retriever --index_path`). The
    /// retriever uses this model for queries: dispose it before the model.
    /// </summary>
    /// <param name="documents">the database to search; hits are positions in its <see cref="DocumentCollection.Documents"/></param>
    /// <param name="indexPath">a folder for the saved index; null: kept in memory only</param>
    /// <param name="similarity">l2, inner product or cosine; null: <see cref="Similarity"/></param>
    /// <param name="rebuild">rebuild an index saved at <paramref name="indexPath"/> that was built differently, rather than refuse it</param>
    /// <param name="batchSize">texts per forward pass when embedding documents and queries; the default is
    /// `rqa test-retriever`'s (--test_bszv 8), so its embeddings and numbers are the CLI's</param>
    /// <param name="log">where progress lines go (e.g. Console.Error); null: nowhere</param>
    /// <exception cref="RqaException">the index at <paramref name="indexPath"/> was built differently (without <paramref name="rebuild"/>),
    /// is damaged, or the folder holds something else or cannot be written</exception>
    public DenseRetriever IndexDocuments(DocumentCollection documents, string? indexPath = null, Similarity? similarity = null,
        bool rebuild = false, int batchSize = 8, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ObjectDisposedException.ThrowIf(disposed, this);
        return DenseRetriever.Build(encoder, documents, similarity ?? Similarity, batchSize, indexPath, rebuild, log);
    }

    float[][] Encode(IReadOnlyList<string> texts, PromptKind prompt, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ObjectDisposedException.ThrowIf(disposed, this);
        return encoder.Encode(texts, prompt, batchSize);
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        encoder.Dispose();
    }
}
