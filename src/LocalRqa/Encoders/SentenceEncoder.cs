using System.Text.Json.Nodes;
using LocalRqa.Display;
using LocalRqa.Checkpoints;
using LocalRqa.Inference;
using LocalRqa.Json;
using LocalRqa.Modeling;
using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>
/// A text embedding model: tokenizer, BERT-family network, an optional token projection (DCA's
/// <c>--projection</c>), pooling and normalisation, as one unit that loads from and saves to HuggingFace +
/// sentence-transformers folders.
/// </summary>
internal sealed class SentenceEncoder : IDisposable
{
    /// <summary>Tokenizer files copied when saving, so the saved folder is complete on its own.</summary>
    static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json", "added_tokens.json"];
    /// <summary>config.json keys that are not transformers' (older rqa wrote "HeadSize"), dropped when saving.</summary>
    static readonly string[] StrayConfigKeys = ["HeadSize"];

    public BertModel Model { get; }
    public ITextTokenizer Tokenizer { get; }
    /// <summary>Settable so a trainer can record what it trained with (e.g. the similarity) before saving.</summary>
    public EncoderSettings Settings { get; set; }
    /// <summary>The folder it was loaded from (tokenizer files are copied from there when saving).</summary>
    public string SourceFolder { get; }

    /// <summary>The engine of inference-only passes (<see cref="Encode"/>); null lets <see cref="EngineChoice"/> decide per pass.</summary>
    public InferenceEngine? Engine { get; set; }

    /// <summary>The engine the last <see cref="Encode"/> pass ran on (for the log); null before the first.</summary>
    public InferenceEngine? LastPassEngine { get; private set; }

    /// <summary>Linear + LayerNorm on token states before pooling, saved in <c>projection/</c>; null for most models.</summary>
    public TokenProjection? Projection { get; private set; }

    /// <summary>The embedding size: the projection's output when there is one, else the hidden size.</summary>
    public int Dimension => Projection?.OutputDimension ?? Model.Config.HiddenSize;

    /// <summary>
    /// Null when Python's sentence-transformers loads the saved folder to the same embeddings; else why not, for
    /// the model card. Its Dense and LayerNorm modules act after pooling, and LayerNorm of a mean is not the mean
    /// of LayerNorms, so a token-level projection has no sentence-transformers equivalent.
    /// </summary>
    public string? SentenceTransformersCaveat => Projection is null ? null :
        $"This model applies a token-level projection (Linear {Projection.InputDimension} → {Projection.OutputDimension} + LayerNorm, " +
        $"before pooling; in `{TokenProjection.Folder}/`) that sentence-transformers cannot express: its modules.json names the rqa module " +
        $"{SentenceTransformersFolder.ProjectionModule}, so SentenceTransformer(folder) refuses to load it rather than embed without it. " +
        "transformers' AutoModel loads the encoder alone, without the projection.";

    public SentenceEncoder(BertModel model, ITextTokenizer tokenizer, EncoderSettings settings, string sourceFolder, TokenProjection? projection = null)
    {
        Model = model;
        Tokenizer = tokenizer;
        Settings = settings;
        SourceFolder = sourceFolder;
        Projection = projection;
    }

    /// <summary>
    /// Adds a fresh projection to <paramref name="dimension"/> (DCA's <c>--projection --indexing_dimension</c>),
    /// initialised as torch.nn.Linear and LayerNorm are. Its parameters train with the model's.
    /// </summary>
    public TokenProjection AddProjection(int dimension)
    {
        if (Projection is not null) throw new RqaException($"{SourceFolder}: the model already has a projection (to {Projection.OutputDimension} dimensions)");
        Projection = new TokenProjection(Model.Config.HiddenSize, dimension);
        Projection.train(Model.training);
        return Projection;
    }

    /// <summary>
    /// Loads the weights of a folder this encoder saved (a checkpoint, the best model) into it, the projection's
    /// included: trainers resuming or restoring the best model call this rather than loading <see cref="Model"/> alone.
    /// </summary>
    /// <param name="copy">false checks that every weight is there with the right shape, changing nothing</param>
    public void LoadWeights(string folder, bool copy = true)
    {
        StateDictLoader.Load(Model, CheckpointFolder.Open(folder), BertModel.CheckpointName, copy);
        if (Projection is null) return;
        var saved = Path.Combine(folder, TokenProjection.Folder, CheckpointFolder.Safetensors);
        if (!File.Exists(saved)) throw new RqaException($"{folder}: has no {TokenProjection.Folder}/ but the model being trained has a projection");
        StateDictLoader.Load(Projection, SafetensorsFile.Open(saved), name => name, copy);
    }

    /// <summary>The parameters a trainer optimises: the network's and the projection's.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> Parameters() =>
        Projection is null ? Model.parameters() : Model.parameters().Concat(Projection.parameters());

    /// <summary>
    /// The trained modules with the prefixes their parameter names carry in optimizer state: the network unprefixed
    /// (HF's names), the projection under <c>projection.</c>.
    /// </summary>
    public IReadOnlyList<(string Prefix, nn.Module Module)> TrainableModules() =>
        Projection is null ? [("", Model)] : [("", Model), (TokenProjection.Folder + ".", Projection)];

    /// <summary>Switches the network and the projection between training and eval mode together.</summary>
    public void Train(bool training)
    {
        Model.train(training);
        Projection?.train(training);
    }

    public static SentenceEncoder Load(string folder, EncoderOverrides? overrides = null)
    {
        TorchRuntime.Initialize();
        overrides ??= new EncoderOverrides();
        var model = BertModel.FromPretrained(folder);
        try
        {
            var tokenizer = TokenizerLoader.FromFolder(folder);
            // A token id past the embedding table would abort inside libtorch mid-run; say so up front.
            if (tokenizer.VocabSize > model.Config.VocabSize)
                throw new RqaException($"{folder}: the tokenizer has {tokenizer.VocabSize} tokens but config.json's vocab_size is {model.Config.VocabSize}");
            var fallbackLength = Math.Min(tokenizer.ModelMaxLength ?? 512, model.Config.MaxPositionEmbeddings);
            var settings = overrides.ApplyTo(SentenceTransformersFolder.ReadDefaults(folder, fallbackLength, overrides.Pooling.HasValue));
            if (settings.MaxLength < 2 || settings.MaxLength > model.Config.MaxPositionEmbeddings)
                throw new RqaException($"max length {settings.MaxLength} must be between 2 and the model's max_position_embeddings ({model.Config.MaxPositionEmbeddings})");
            return new SentenceEncoder(model, tokenizer, settings, folder, TokenProjection.Load(folder, model.Config.HiddenSize));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Token ids of texts with the prompt prepended, truncated to <paramref name="maxLength"/> or the model's.</summary>
    public TokenizedText[] Tokenize(IReadOnlyList<string> texts, PromptKind prompt, int? maxLength = null)
    {
        var limit = maxLength ?? Settings.MaxLength;
        var prefix = Settings.Prompt(prompt);
        var lower = Settings.LowerCaseInput;
        var result = new TokenizedText[texts.Count];
        Parallel.For(0, texts.Count, i =>
        {
            var text = prefix + texts[i];
            result[i] = Tokenizer.Encode(lower ? text.ToLowerInvariant() : text, limit);
        });
        return result;
    }

    /// <summary>
    /// Pooled (and, if configured, normalised) embeddings [B, H] of one padded batch, with a graph when
    /// gradients are enabled: trainers call this.
    /// </summary>
    public Tensor Forward(TokenBatch batch)
    {
        using var scope = NewDisposeScope();
        // CLS pooling reads the first token alone, so the last layer computes no other (BertEncoder).
        var hidden = TokenStates(batch.InputIds, batch.AttentionMask, firstTokenOnly: Settings.Pooling == PoolingType.Cls); // [B, T or 1, D]
        var pooled = Pooling.Pool(hidden, batch.AttentionMask, Settings.Pooling);
        if (Settings.Normalize) pooled = Pooling.Normalize(pooled);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>Last hidden states [B, T, D], through the projection when there is one (D = <see cref="Dimension"/>).</summary>
    /// <param name="inputIds">[B, T]</param>
    /// <param name="attentionMask">[B, T]; all ones lets every position, padding included, attend everywhere</param>
    /// <param name="firstTokenOnly">the first token's state only, [B, 1, D], its last layer computing no other</param>
    public Tensor TokenStates(Tensor inputIds, Tensor attentionMask, bool firstTokenOnly = false)
    {
        using var scope = NewDisposeScope();
        var hidden = Model.forward(inputIds, attentionMask, null, firstTokenOnly); // [B, T or 1, H]
        if (Projection is not null) hidden = Projection.forward(hidden); // [B, T, D]
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Embeddings of many texts, in input order: length-sorted batches without a graph, each in its own dispose
    /// scope so native memory stays flat however many texts there are. A text given several times is embedded
    /// once and its copies get equal arrays: BLAS rounds a row differently by its place in a batch, and copies of
    /// one document must not differ (the index lists identical embeddings together, in order).
    /// </summary>
    public float[][] Encode(IReadOnlyList<string> texts, PromptKind prompt, int batchSize = 32, IProgress<int>? progress = null)
    {
        var firstOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var distinct = new List<string>();
        var source = new int[texts.Count]; // position of each text among the distinct ones
        for (var i = 0; i < texts.Count; i++)
        {
            if (!firstOf.TryGetValue(texts[i], out var first)) firstOf[texts[i]] = first = distinct.Count;
            if (first == distinct.Count) distinct.Add(texts[i]);
            source[i] = first;
        }
        if (distinct.Count == texts.Count) return EncodeDistinct(texts, prompt, batchSize, progress, copies: null);
        var copies = new int[distinct.Count];
        foreach (var s in source) copies[s]++;
        var embedded = EncodeDistinct(distinct, prompt, batchSize, progress, copies);
        var result = new float[texts.Count][];
        var handedOut = new bool[distinct.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            // The first copy takes the array, the others get clones: callers may modify what they receive.
            result[i] = handedOut[source[i]] ? (float[])embedded[source[i]].Clone() : embedded[source[i]];
            handedOut[source[i]] = true;
        }
        return result;
    }

    /// <summary>Embeddings of distinct texts; progress counts each text <paramref name="copies"/>[i] times (default once).</summary>
    float[][] EncodeDistinct(IReadOnlyList<string> texts, PromptKind prompt, int batchSize, IProgress<int>? progress, int[]? copies)
    {
        var tokens = Tokenize(texts, prompt);
        var result = new float[texts.Count][];
        long work = 0, totalWork = tokens.Sum(t => (long)t.Ids.Length); // tokens: what a batch costs, roughly
        var wasTraining = Model.training;
        Train(false);
        try
        {
            using var _ = inference_mode();
            using var allocator = GlibcMalloc.ForInference(); // the same shapes batch after batch: keep large blocks
            using var onnx = (Engine ?? EngineChoice.For(totalWork)) == InferenceEngine.OnnxRuntime ? CreateOnnxSession() : null;
            LastPassEngine = onnx is null ? InferenceEngine.Torch : InferenceEngine.OnnxRuntime;
            var done = 0;
            foreach (var indices in LengthSortedBatches.Plan(tokens.Select(t => t.Ids.Length).ToArray(), batchSize))
            {
                var batch = indices.Select(i => tokens[i]).ToArray();
                var embeddings = onnx?.Embed(batch) ?? EmbedWithTorch(batch);
                var dim = embeddings.Length / indices.Length;
                for (var row = 0; row < indices.Length; row++)
                    result[indices[row]] = embeddings.AsSpan(row * dim, dim).ToArray();
                done += copies is null ? indices.Length : indices.Sum(i => copies[i]);
                work += indices.Sum(i => (long)tokens[i].Ids.Length);
                if (progress is IWorkProgress weighed) weighed.Report(done, work, totalWork);
                else progress?.Report(done);
            }
        }
        finally
        {
            if (wasTraining) Train(true);
        }
        return result;
    }

    /// <summary>ONNX Runtime over this encoder's weights as they are now; null when they do not fit in one ONNX graph (2 GB).</summary>
    internal OnnxEncoderSession? CreateOnnxSession()
    {
        var graph = SentenceEncoderGraph.Build(this, SentenceEncoderGraph.InferenceOpset, poolingInGraph: true, onnxRuntimeKernels: true);
        if (graph.WeightBytes > SentenceEncoderGraph.MaximumWeightBytes) return null;
        var model = graph.Build("rqa", "rqa embedding pass", new Dictionary<string, string>());
        return new OnnxEncoderSession(Google.Protobuf.MessageExtensions.ToByteArray(model), Dimension, Tokenizer.PadTokenId, get_num_threads());
    }

    /// <summary>One batch through the TorchSharp network, rows flattened [B·D]; its tensors freed before the next.</summary>
    float[] EmbedWithTorch(TokenizedText[] batch)
    {
        using var scope = NewDisposeScope();
        using var tokens = TokenBatch.Create(batch, Tokenizer.PadTokenId);
        return Forward(tokens).contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// Writes config.json (transformers' keys only, architectures BertModel) and copies the tokenizer files into
    /// <paramref name="folder"/>: what every folder rqa writes for this model (a save, an ONNX export) starts with.
    /// </summary>
    internal void WriteConfigAndTokenizer(string folder)
    {
        var config = ConfigFile.ReadObject(SourceFolder);
        config["architectures"] = new JsonArray("BertModel");
        // Keys older rqa versions wrote by mistake, which a base model trained by them still carries.
        foreach (var stray in StrayConfigKeys) config.Remove(stray);
        JsonFile.Write(Path.Combine(folder, ConfigFile.Name), config);
        foreach (var file in TokenizerFiles)
        {
            var source = Path.Combine(SourceFolder, file);
            if (File.Exists(source)) File.Copy(source, Path.Combine(folder, file));
        }
    }

    /// <summary>
    /// Saves a complete HuggingFace + sentence-transformers folder: config.json, model.safetensors, the
    /// tokenizer files, the projection (if any) and the pooling/normalisation/prompt settings. Written into a temporary sibling and
    /// renamed, so an interrupted save never leaves a half checkpoint at <paramref name="folder"/>.
    /// </summary>
    public void Save(string folder)
    {
        // Without the trailing separator, so the staging folder is a sibling, never a child, of the target.
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var staging = $"{target}.saving-{Environment.ProcessId}";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            WriteConfigAndTokenizer(staging);
            SafetensorsFile.Write(Path.Combine(staging, CheckpointFolder.Safetensors), StateDictLoader.ToHost(Model),
                new Dictionary<string, string> { ["format"] = "pt" });
            Projection?.Save(staging);
            SentenceTransformersFolder.Write(staging, Settings, Dimension, Projection is not null);
            ReplaceFolder(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Puts a complete staging folder at the target: an existing target is first renamed aside, so at every
    /// moment either the old or the new checkpoint is whole at its path or beside it.
    /// </summary>
    static void ReplaceFolder(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var previous = $"{target}.previous-{Environment.ProcessId}";
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        Directory.Move(target, previous);
        try { Directory.Move(staging, target); }
        catch
        {
            Directory.Move(previous, target); // put the old checkpoint back rather than leave none
            throw;
        }
        Directory.Delete(previous, recursive: true);
    }

    public void Dispose()
    {
        Model.Dispose();
        Projection?.Dispose();
    }
}
