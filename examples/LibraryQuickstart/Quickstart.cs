using LocalRqa.Data;
using LocalRqa.Export;
using LocalRqa.Indexing;
using LocalRqa.Library;
using LocalRqa.Retrieval;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LibraryQuickstart;

/// <summary>What the worked example computed, for Program to print and the sample's test to check.</summary>
public sealed record QuickstartResult(
    int Dimension,
    SearchHit[] HybridHits,
    string BestPassage,
    RetrievalScores Dense,
    RetrievalScores Bm25,
    RetrievalScores Hybrid,
    TrainingResult Training,
    RetrievalScores Trained,
    string OnnxFolder);

/// <summary>
/// The worked example of docs/library.md, line for line: the region between the quickstart markers is the document's
/// code block (a test compares them).
/// </summary>
public static class Quickstart
{
    /// <param name="modelNameOrPath">an embedding model: a folder, a HuggingFace id or a built-in model</param>
    /// <param name="documentsPath">the document database (LocalRQA's documents.pkl, JSONL or a JSON list)</param>
    /// <param name="trainPath">training questions with gold passages (LocalRQA's train_w_q.jsonl)</param>
    /// <param name="evalPath">evaluation questions with gold passages (LocalRQA's eval_w_q.jsonl)</param>
    /// <param name="work">a folder for the index and the trained model</param>
    /// <param name="trainSteps">optimizer steps of the CTL run</param>
    /// <param name="log">where progress lines go</param>
    public static QuickstartResult Run(string modelNameOrPath, string documentsPath, string trainPath, string evalPath, string work,
        int trainSteps, TextWriter log)
    {
        // <quickstart>
        // The document database and the questions to evaluate on, in LocalRQA's formats.
        var evaluation = EvaluationSet.Load(documentsPath, evalPath, log);
        var documents = evaluation.Documents;

        // Load a model (a folder, a HuggingFace id, or a built-in one such as EmbeddingModel.DefaultModelId)
        // and embed a question; the model holds native memory, hence `using`.
        using var model = EmbeddingModel.Load(modelNameOrPath);
        float[][] vectors = model.EncodeQueries(["How do I return an order?"]);

        // Dense retrieval: the documents embedded into an exact vector index, saved in indexPath. A later call with
        // the same path, documents and model loads it instead of embedding again (as below, for the hybrid).
        var indexPath = Path.Combine(work, "index");
        using var dense = model.IndexDocuments(documents, indexPath, log: log);
        var bm25 = new Bm25Retriever(documents.Documents);
        using var hybrid = new HybridRetriever(model.IndexDocuments(documents, indexPath, log: log), bm25, new HybridSettings());

        // Search: hits are positions in the database, best first.
        SearchHit[] hits = hybrid.Retrieve(["How do I return an order?"], k: 4)[0];
        Document best = documents.Documents[hits[0].Index];

        // Evaluate each retriever as `rqa test-retriever` does: LocalRQA's metrics, named as in its score.json.
        RetrievalScores denseScores = evaluation.Evaluate(dense);
        RetrievalScores bm25Scores = evaluation.Evaluate(bm25);
        RetrievalScores hybridScores = evaluation.Evaluate(hybrid);
        log.WriteLine(hybridScores.Summary);

        // Train with CTL from the records `rqa train ctl` fills from its flags; the run writes what the CLI writes
        // (the model, trainer_state.json, train.log, the reports) to OutputDir.
        var training = new TrainingArguments
        {
            ModelNameOrPath = modelNameOrPath,
            TrainFile = trainPath,
            EvalFile = evalPath,
            FullDatasetFilePath = documentsPath,
            OutputDir = Path.Combine(work, "ctl"),
            OverwriteOutputDir = true,
            MaxSteps = trainSteps,
            PerDeviceTrainBatchSize = 8,
        };
        TrainingResult trained = RetrieverTrainer.TrainCtl(training, new CtlArguments { Temperature = 0.05 }, log: log);
        log.WriteLine($"trained {trained.GlobalStep} steps into {trained.OutputDir}");

        // The trained model is a model folder like any other.
        using var tuned = EmbeddingModel.Load(trained.OutputDir);
        using var tunedDense = tuned.IndexDocuments(documents);
        RetrievalScores tunedScores = evaluation.Evaluate(tunedDense);
        log.WriteLine($"recall@4: base {denseScores.Recall4:F3}, bm25 {bm25Scores.Recall4:F3}, hybrid {hybridScores.Recall4:F3}, trained {tunedScores.Recall4:F3}");

        // Export it for ONNX Runtime: a sentence-transformers folder with onnx/model.onnx (docs/manual/export.md).
        string onnxFolder = ModelExport.ToOnnx(new OnnxExportArguments { ModelNameOrPath = trained.OutputDir, OutputDir = Path.Combine(work, "ctl-onnx") }, log);
        // </quickstart>

        return new QuickstartResult(vectors[0].Length, hits, best.PageContent, denseScores, bm25Scores, hybridScores, trained, tunedScores, onnxFolder);
    }
}
