using LocalRqa.Arguments;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Retrieval;
using LocalRqa.Training.Optimization;

namespace LocalRqa.Training;

/// <summary>
/// The HF TrainingArguments subset LocalRQA's retriever trainers rely on, with LocalRQA's defaults (its
/// RetrievalQATrainingArguments), plus its ModelArguments and DataArguments: the arguments every
/// `rqa train ctl|dca|rpg` shares. Trainer-specific flags live in their own record (e.g. <see cref="Ctl.CtlArguments"/>).
/// Defaults are the property initialisers; <see cref="Schema"/> declares names, groups and help.
/// </summary>
public sealed record TrainingArguments : IArgumentRecord, IHybridRetrievalUser
{
    // model_args
    /// <summary>`--model_name_or_path`: Encoder to fine-tune: a Hub id (from the local cache), a SentenceTransformers/HF folder or a built-in model.</summary>
    public string ModelNameOrPath { get; init; } = "Snowflake/snowflake-arctic-embed-xs";
    /// <summary>`--pooling_type`: How token states become one embedding: mean of non-padding tokens, or the [CLS] token.</summary>
    public PoolingType PoolingType { get; init; } = PoolingType.Mean;

    // data_args
    /// <summary>`--train_file`: Training questions with gold (and hard negative) passages, JSON Lines; required with --do_train.</summary>
    public string? TrainFile { get; init; }
    /// <summary>`--eval_file`: Evaluation questions, JSON Lines; required when evaluating.</summary>
    public string? EvalFile { get; init; }
    /// <summary>`--test_file`: Test questions evaluated once after training; optional.</summary>
    public string? TestFile { get; init; }
    /// <summary>`--full_dataset_file_path`: All documents to retrieve from during evaluation (.pkl, .json or .jsonl); required when evaluating.</summary>
    public string? FullDatasetFilePath { get; init; }

    // training_args
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string OutputDir { get; init; } = "";
    /// <summary>`--overwrite_output_dir`: Train even if output_dir already holds checkpoints.</summary>
    public bool OverwriteOutputDir { get; init; }
    /// <summary>`--do_train`: Run training.</summary>
    public bool DoTrain { get; init; } = true;
    /// <summary>`--do_eval`: Run evaluation; forced on while --evaluation_strategy is not no, as in HF.</summary>
    public bool DoEval { get; init; } = true;
    /// <summary>`--learning_rate`: Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-5;
    /// <summary>`--weight_decay`: AdamW weight decay (not applied to biases and LayerNorm weights).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Optimizer steps to train; -1 means <see cref="NumTrainEpochs"/> decides.</summary>
    public int MaxSteps { get; init; } = 200;
    /// <summary>`--num_train_epochs`: Epochs to train when --max_steps is -1 (a fraction stops mid-epoch).</summary>
    public double NumTrainEpochs { get; init; } = 3.0;
    /// <summary>`--per_device_train_batch_size`: Questions per training batch; for contrastive training also the number of in-batch negatives + 1.</summary>
    public int PerDeviceTrainBatchSize { get; init; } = 256;
    /// <summary>`--per_device_eval_batch_size`: Texts per batch when encoding for evaluation.</summary>
    public int PerDeviceEvalBatchSize { get; init; } = 8;
    /// <summary>`--warmup_ratio`: Fraction of the training steps spent warming up the learning rate linearly from 0.</summary>
    public double WarmupRatio { get; init; } = 0.1;
    /// <summary>`--warmup_steps`: Warm-up steps; when above 0 it overrides --warmup_ratio.</summary>
    public int WarmupSteps { get; init; }
    /// <summary>`--lr_scheduler_type`: Learning-rate schedule after warm-up.</summary>
    public LearningRateScheduleKind LrSchedulerType { get; init; } = LearningRateScheduleKind.Cosine;
    /// <summary>`--logging_steps`: Log loss and learning rate every this many steps.</summary>
    public int LoggingSteps { get; init; } = 10;
    /// <summary>`--eval_steps`: Evaluate every this many steps (with --evaluation_strategy steps).</summary>
    public int EvalSteps { get; init; } = 100;
    /// <summary>`--save_steps`: Save a checkpoint every this many steps (with --save_strategy steps).</summary>
    public int SaveSteps { get; init; } = 100;
    /// <summary>Checkpoints kept in output_dir; null keeps all (the best one is never deleted).</summary>
    public int? SaveTotalLimit { get; init; } = 1;
    /// <summary>`--seed`: Seed for initialisation, shuffling and hard-negative sampling.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>`--evaluation_strategy`: When to evaluate during training (also spelled `--eval_strategy`).</summary>
    public IntervalStrategy EvaluationStrategy { get; init; } = IntervalStrategy.Steps;
    /// <summary>`--save_strategy`: When to save checkpoints.</summary>
    public IntervalStrategy SaveStrategy { get; init; } = IntervalStrategy.Steps;
    /// <summary>`--metric_for_best_model`: Evaluation metric that picks the best checkpoint.</summary>
    public string MetricForBestModel { get; init; } = "eval_retr/document_recall/recall4";
    /// <summary>`--greater_is_better`: Whether a larger --metric_for_best_model is better.</summary>
    public bool GreaterIsBetter { get; init; } = true;
    /// <summary>`--load_best_model_at_end`: Finish with the best checkpoint's weights rather than the last step's.</summary>
    public bool LoadBestModelAtEnd { get; init; } = true;
    /// <summary>`--gradient_accumulation_steps`: Batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;
    /// <summary>`--max_grad_norm`: Gradient clipping norm; 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>rqa: attention-probability dropout in training; null keeps the model's attention_probs_dropout_prob.</summary>
    public double? AttentionDropout { get; init; }
    /// <summary>rqa: evaluate BM25 on the eval file at the end, as a reference beside the base and trained models.</summary>
    public bool Bm25Baseline { get; init; } = true;
    /// <summary>rqa: documents per question in the predictions files' deep `ranking`; null: 100, what the metrics use.</summary>
    public int? SaveDepth { get; init; }
    /// <summary>`--report_to`: Where metrics go besides the log: local files only (no network services such as wandb).</summary>
    public ReportTarget ReportTo { get; init; } = ReportTarget.None;
    /// <summary>A checkpoint folder, or "true" for the newest checkpoint-* in output_dir (HF's convention).</summary>
    public string? ResumeFromCheckpoint { get; init; }
    /// <summary>`--logging_dir`: Folder for jsonl/tensorboard reports; defaults to a runs folder in output_dir.</summary>
    public string? LoggingDir { get; init; }

    /// <summary>Documents per question the trainers' evaluations keep and score with LocalRQA's metrics (its 4).</summary>
    internal static int EvaluationTopK => new Evaluation.EvaluatorOptions().TopK;

    /// <summary>
    /// What evaluation during training measures, and so what --metric_for_best_model selects: the dense model, or the
    /// model fused with BM25 (the shared fusion flags, <see cref="HybridArguments"/>; under `--hybrid_weight auto`
    /// evaluation during training fuses with 0.5: choosing w at every evaluation would let the checkpoint selection
    /// pick the luckiest of seven retrievers each time).
    /// </summary>
    public EvalRetrieverKind EvalRetriever { get; init; } = EvalRetrieverKind.Dense;

    /// <summary>Whether evaluation runs at all: HF turns do_eval on whenever evaluation_strategy is not "no".</summary>
    internal bool Evaluates => DoEval || EvaluationStrategy != IntervalStrategy.No;

    /// <summary>resume_from_checkpoint asks for the newest checkpoint in output_dir rather than a given folder.</summary>
    internal bool ResumesFromLatestCheckpoint => string.Equals(ResumeFromCheckpoint, "true", StringComparison.OrdinalIgnoreCase);

    // Declared before Schema: static initialisers run in text order.
    static readonly (string, IntervalStrategy)[] Strategies =
        [("steps", IntervalStrategy.Steps), ("epoch", IntervalStrategy.Epoch), ("no", IntervalStrategy.No)];

    internal static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<TrainingArguments>(new(), "model_args")
        .Text("model_name_or_path", a => a.ModelNameOrPath, (a, v) => a with { ModelNameOrPath = v },
            "Encoder to fine-tune: a Hub id (from the local cache), a SentenceTransformers/HF folder or a built-in model.")
        .Choice("pooling_type", [("mean", PoolingType.Mean), ("cls", PoolingType.Cls)], a => a.PoolingType, (a, v) => a with { PoolingType = v },
            "How token states become one embedding: mean of non-padding tokens, or the [CLS] token.")
        .Group("data_args")
        .OptionalText("train_file", a => a.TrainFile, (a, v) => a with { TrainFile = v },
            "Training questions with gold (and hard negative) passages, JSON Lines; required with --do_train.")
        .OptionalText("eval_file", a => a.EvalFile, (a, v) => a with { EvalFile = v },
            "Evaluation questions, JSON Lines; required when evaluating.")
        .OptionalText("test_file", a => a.TestFile, (a, v) => a with { TestFile = v },
            "Test questions evaluated once after training; optional.")
        .OptionalText("full_dataset_file_path", a => a.FullDatasetFilePath, (a, v) => a with { FullDatasetFilePath = v },
            "All documents to retrieve from during evaluation (.pkl, .json or .jsonl); required when evaluating.")
        .Group("training_args")
        .Text("output_dir", a => a.OutputDir, (a, v) => a with { OutputDir = v },
            "Folder for checkpoints, the final model, logs and all_args.json.", required: true)
        .Boolean("overwrite_output_dir", a => a.OverwriteOutputDir, (a, v) => a with { OverwriteOutputDir = v },
            "Train even if output_dir already holds checkpoints.")
        .Boolean("do_train", a => a.DoTrain, (a, v) => a with { DoTrain = v }, "Run training.")
        .Boolean("do_eval", a => a.DoEval, (a, v) => a with { DoEval = v },
            "Run evaluation; forced on while --evaluation_strategy is not no, as in HF.")
        .Number("learning_rate", a => a.LearningRate, (a, v) => a with { LearningRate = v }, "Peak AdamW learning rate.")
        .Number("weight_decay", a => a.WeightDecay, (a, v) => a with { WeightDecay = v },
            "AdamW weight decay (not applied to biases and LayerNorm weights).")
        .Integer("max_steps", a => a.MaxSteps, (a, v) => a with { MaxSteps = v },
            "Optimizer steps to train; -1 trains for --num_train_epochs instead.")
        .Number("num_train_epochs", a => a.NumTrainEpochs, (a, v) => a with { NumTrainEpochs = v },
            "Epochs to train when --max_steps is -1 (a fraction stops mid-epoch).")
        .Integer("per_device_train_batch_size", a => a.PerDeviceTrainBatchSize, (a, v) => a with { PerDeviceTrainBatchSize = v },
            "Questions per training batch; for contrastive training also the number of in-batch negatives + 1.")
        .Integer("per_device_eval_batch_size", a => a.PerDeviceEvalBatchSize, (a, v) => a with { PerDeviceEvalBatchSize = v },
            "Texts per batch when encoding for evaluation.")
        .Number("warmup_ratio", a => a.WarmupRatio, (a, v) => a with { WarmupRatio = v },
            "Fraction of the training steps spent warming up the learning rate linearly from 0.")
        .Integer("warmup_steps", a => a.WarmupSteps, (a, v) => a with { WarmupSteps = v },
            "Warm-up steps; when above 0 it overrides --warmup_ratio.")
        .Choice("lr_scheduler_type", [("linear", LearningRateScheduleKind.Linear), ("cosine", LearningRateScheduleKind.Cosine),
                ("constant", LearningRateScheduleKind.Constant), ("constant_with_warmup", LearningRateScheduleKind.ConstantWithWarmup)],
            a => a.LrSchedulerType, (a, v) => a with { LrSchedulerType = v }, "Learning-rate schedule after warm-up.")
        .Integer("logging_steps", a => a.LoggingSteps, (a, v) => a with { LoggingSteps = v }, "Log loss and learning rate every this many steps.")
        .Integer("eval_steps", a => a.EvalSteps, (a, v) => a with { EvalSteps = v }, "Evaluate every this many steps (with --evaluation_strategy steps).")
            .OnlyWhen(a => a.EvaluationStrategy == IntervalStrategy.Steps, "without --evaluation_strategy steps")
        .Integer("save_steps", a => a.SaveSteps, (a, v) => a with { SaveSteps = v }, "Save a checkpoint every this many steps (with --save_strategy steps).")
            .OnlyWhen(a => a.SaveStrategy == IntervalStrategy.Steps, "without --save_strategy steps")
        .OptionalInteger("save_total_limit", a => a.SaveTotalLimit, (a, v) => a with { SaveTotalLimit = v },
            "Checkpoints to keep (the best is always kept); none keeps all.")
        .Integer("seed", a => a.Seed, (a, v) => a with { Seed = v }, "Seed for initialisation, shuffling and hard-negative sampling.")
        .Choice("evaluation_strategy", Strategies, a => a.EvaluationStrategy, (a, v) => a with { EvaluationStrategy = v },
            "When to evaluate during training.", aliases: ["eval_strategy"])
        .Choice("save_strategy", Strategies, a => a.SaveStrategy, (a, v) => a with { SaveStrategy = v }, "When to save checkpoints.")
        .Text("metric_for_best_model", a => a.MetricForBestModel, (a, v) => a with { MetricForBestModel = v },
            "Evaluation metric that picks the best checkpoint.")
        .Boolean("greater_is_better", a => a.GreaterIsBetter, (a, v) => a with { GreaterIsBetter = v },
            "Whether a larger --metric_for_best_model is better.")
        .Boolean("load_best_model_at_end", a => a.LoadBestModelAtEnd, (a, v) => a with { LoadBestModelAtEnd = v },
            "Finish with the best checkpoint's weights rather than the last step's.")
        .Integer("gradient_accumulation_steps", a => a.GradientAccumulationSteps, (a, v) => a with { GradientAccumulationSteps = v },
            "Batches whose gradients are summed before each optimizer step.")
        .Number("max_grad_norm", a => a.MaxGradNorm, (a, v) => a with { MaxGradNorm = v }, "Gradient clipping norm; 0 turns clipping off.")
        .OptionalNumber("attention_dropout", a => a.AttentionDropout, (a, v) => a with { AttentionDropout = v },
            "Dropout on attention probabilities in training; none keeps the model's. 0 lets libtorch use its fused attention "
            + "kernel in training too: about 1.6x faster on CPU and far less memory for long texts (config.json keeps the model's value).")
        .Boolean("bm25_baseline", a => a.Bm25Baseline, (a, v) => a with { Bm25Baseline = v },
            "After training, also evaluate BM25 on --eval_file against --full_dataset_file_path: a column of the final table and "
            + "the model card, so the trained retriever is compared with keyword search as well as with the base model.")
        .OptionalInteger("save_depth", a => a.SaveDepth, (a, v) => a with { SaveDepth = v },
            "Documents per question kept in the eval/test predictions files' `ranking` (retrieved_docs stays the top 4); "
            + "none: 100, the depth the metrics use, so `rqa test-retriever --compare_with` recomputes them all.")
        .Choice("report_to", [("none", ReportTarget.None), ("jsonl", ReportTarget.Jsonl), ("tensorboard", ReportTarget.Tensorboard)],
            a => a.ReportTo, (a, v) => a with { ReportTo = v }, "Where metrics go besides the log; local files only.",
            note: "rqa reports to local files only; no network services such as wandb are supported")
        .OptionalText("resume_from_checkpoint", a => a.ResumeFromCheckpoint,
            // HF's spellings: True/true resumes from the newest checkpoint, False/false does not resume.
            (a, v) => a with { ResumeFromCheckpoint = string.Equals(v, "false", StringComparison.OrdinalIgnoreCase) ? null : v },
            "Checkpoint folder to resume from, or true for the newest checkpoint in output_dir.")
        .OptionalText("logging_dir", a => a.LoggingDir, (a, v) => a with { LoggingDir = v },
            "Folder for jsonl/tensorboard reports; defaults to a runs folder in output_dir.")
        .Choice("eval_retriever", [("dense", EvalRetrieverKind.Dense), ("hybrid", EvalRetrieverKind.Hybrid)], a => a.EvalRetriever,
            (a, v) => a with { EvalRetriever = v },
            "What evaluation during training measures, and so what --metric_for_best_model selects: the dense model alone, or the "
            + "model fused with BM25 over the same documents. The final table shows both either way.")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    // The final table fuses the base and saved models with BM25 whenever it compares against BM25, and a hybrid
    // evaluation fuses at every step: the fusion flags act then. Evaluation ranks RetrievalDepth documents (MAP@100),
    // which each side must reach; auto is chosen here, on the eval questions.
    bool IHybridRetrievalUser.UsesHybrid => Evaluates && (Bm25Baseline || EvalRetriever == EvalRetrieverKind.Hybrid);
    int IHybridRetrievalUser.FusedTopK => new EvaluatorOptions().RetrievalDepth;
    string IHybridRetrievalUser.FusedTopKFlag => "the evaluation depth";
    bool IHybridRetrievalUser.ChoosesAutoWeight => true;
    string IHybridRetrievalUser.HybridFlag => "--eval_retriever hybrid";

    void IArgumentRecord.Validate(ArgumentSet arguments)
    {
        Require(OutputDir.Trim().Length > 0, "--output_dir is required");
        Require(ModelNameOrPath.Trim().Length > 0, "--model_name_or_path needs a value");
        Require(LearningRate > 0, $"--learning_rate must be > 0, got {F(LearningRate)}");
        Require(WeightDecay >= 0, $"--weight_decay must be >= 0, got {F(WeightDecay)}");
        Require(MaxSteps == -1 || MaxSteps >= 1, $"--max_steps must be -1 (train for --num_train_epochs) or at least 1, got {F(MaxSteps)}");
        Require(NumTrainEpochs > 0, $"--num_train_epochs must be > 0, got {F(NumTrainEpochs)}");
        Require(PerDeviceTrainBatchSize >= 1, $"--per_device_train_batch_size must be at least 1, got {F(PerDeviceTrainBatchSize)}");
        Require(SaveDepth is null || SaveDepth >= EvaluationTopK, $"--save_depth must be at least the {EvaluationTopK} documents evaluation keeps, got {SaveDepth}");
        Require(PerDeviceEvalBatchSize >= 1, $"--per_device_eval_batch_size must be at least 1, got {F(PerDeviceEvalBatchSize)}");
        Require(WarmupRatio is >= 0 and < 1, $"--warmup_ratio must be in [0, 1), got {F(WarmupRatio)}");
        Require(WarmupSteps >= 0, $"--warmup_steps must be >= 0, got {F(WarmupSteps)}");
        Require(LoggingSteps >= 1, $"--logging_steps must be at least 1, got {F(LoggingSteps)}");
        Require(EvalSteps >= 1, $"--eval_steps must be at least 1, got {F(EvalSteps)}");
        Require(SaveSteps >= 1, $"--save_steps must be at least 1, got {F(SaveSteps)}");
        Require(SaveTotalLimit is null or >= 1, $"--save_total_limit must be at least 1 or none, got {F(SaveTotalLimit)}");
        Require(Seed >= 0, $"--seed must be >= 0, got {F(Seed)}");
        Require(GradientAccumulationSteps >= 1, $"--gradient_accumulation_steps must be at least 1, got {F(GradientAccumulationSteps)}");
        Require(AttentionDropout is null or (>= 0 and < 1), $"--attention_dropout must be in [0, 1) or none, got {F(AttentionDropout)}");
        Require(MaxGradNorm >= 0, $"--max_grad_norm must be >= 0 (0 turns clipping off), got {F(MaxGradNorm)}");
        Require(!LoadBestModelAtEnd || MetricForBestModel.Trim().Length > 0, "--metric_for_best_model needs a value with --load_best_model_at_end");
        // Fused rankings are scored from kept rankings: their latencies measure nothing.
        Require(!arguments.GetOrDefault<HybridArguments>().AutoWeight || !MetricForBestModel.Contains("/latency/", StringComparison.Ordinal),
            $"--hybrid_weight auto chooses by --metric_for_best_model, which must then be a retrieval quality metric, not a latency (got {MetricForBestModel})");
        Require(!DoTrain || TrainFile is not null, "--train_file is required with --do_train (pass --do_train false to only evaluate)");
        if (Evaluates)
        {
            const string skip = "or pass --do_eval false --evaluation_strategy no to skip evaluation";
            Require(EvalFile is not null, $"--eval_file is required when evaluating ({skip})");
            Require(FullDatasetFilePath is not null, $"--full_dataset_file_path is required when evaluating ({skip})");
        }
    }

    IEnumerable<string> IArgumentRecord.Warnings(ArgumentSet arguments)
    {
        if (!DoEval && EvaluationStrategy != IntervalStrategy.No)
            yield return $"--do_eval false has no effect while --evaluation_strategy is {Name(EvaluationStrategy)} (as in HF); pass --evaluation_strategy no to skip evaluation";
        if (LoadBestModelAtEnd && EvaluationStrategy == IntervalStrategy.No)
            yield return "--load_best_model_at_end has no effect with --evaluation_strategy no: no metric picks a best checkpoint, so training ends with the last step's weights";
        else if (LoadBestModelAtEnd && SaveStrategy != EvaluationStrategy)
            yield return $"--load_best_model_at_end expects --save_strategy to equal --evaluation_strategy (HF refuses otherwise), got save_strategy {Name(SaveStrategy)} and evaluation_strategy {Name(EvaluationStrategy)}: only evaluations that coincide with a saved checkpoint can become the best model";
        else if (LoadBestModelAtEnd && SaveStrategy == IntervalStrategy.Steps && SaveSteps % EvalSteps != 0)
            yield return $"--load_best_model_at_end expects --save_steps ({SaveSteps}) to be a multiple of --eval_steps ({EvalSteps}) (HF refuses otherwise): only evaluations that coincide with a saved checkpoint can become the best model";
    }

    static string Name(IntervalStrategy strategy) => strategy.ToString().ToLowerInvariant();

    static string F(object? value) => ArgumentField.Format(value);

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
