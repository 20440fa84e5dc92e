namespace LocalRqa.Arguments;

/// <summary>
/// HuggingFace TrainingArguments flags that LocalRQA's scripts accept and rqa does without, each with one line on
/// what rqa does instead. Users carry them over from LocalRQA commands; "unknown flag" would leave them guessing
/// whether the flag was misspelled, should be replaced, or can simply go.
/// </summary>
internal static class UnsupportedHfFlags
{
    const string Float32 = "rqa trains and evaluates in float32 on the CPU; drop the flag";
    const string OneProcess = "rqa trains in one process on one machine, with no distributed training; drop the flag";
    const string NoUpload = "rqa never uploads anything: the model stays in --output_dir; drop the flag";

    /// <summary>Names as HF spells them; a trailing `*` matches every name with that prefix (HF's flag families).</summary>
    static readonly (string Name, string Answer)[] Answers =
    [
        ("fp16", Float32),
        ("fp16_full_eval", Float32),
        ("fp16_opt_level", Float32),
        ("fp16_backend", Float32),
        ("half_precision_backend", Float32),
        ("bf16", "rqa trains and evaluates in float32 on the CPU (rqa train rpg: --lm_dtype bfloat16 runs the frozen LM in bfloat16); drop the flag"),
        ("bf16_full_eval", Float32),
        ("tf32", "TF32 is a GPU matmul mode and rqa runs on the CPU in float32; drop the flag"),
        ("no_cuda", "rqa always runs on the CPU; drop the flag"),
        ("use_cpu", "rqa always runs on the CPU; drop the flag"),
        ("use_mps_device", "rqa always runs on the CPU; drop the flag"),
        ("gradient_checkpointing", "rqa keeps activations rather than recomputing them; to train a large batch in little memory use --grad_cache_chunk_size (rqa train ctl)"),
        ("gradient_checkpointing_kwargs", "rqa keeps activations rather than recomputing them; to train a large batch in little memory use --grad_cache_chunk_size (rqa train ctl)"),
        ("deepspeed", OneProcess),
        ("fsdp*", OneProcess),
        ("ddp_*", OneProcess),
        ("local_rank", OneProcess),
        ("push_to_hub*", NoUpload),
        ("hub_*", NoUpload),
        ("run_name", "rqa reports to local files only (--report_to jsonl|tensorboard), which need no run name; drop the flag"),
        ("optim", "rqa always trains with AdamW (HF's adamw_torch) and HF's weight-decay groups; drop the flag"),
        ("adam_beta1", "rqa's AdamW uses HF's defaults, beta1 0.9, beta2 0.999, epsilon 1e-8; drop the flag"),
        ("adam_beta2", "rqa's AdamW uses HF's defaults, beta1 0.9, beta2 0.999, epsilon 1e-8; drop the flag"),
        ("adam_epsilon", "rqa's AdamW uses HF's defaults, beta1 0.9, beta2 0.999, epsilon 1e-8; drop the flag"),
        ("dataloader_*", "rqa builds batches on the training thread, with no loader workers; drop the flag"),
        ("torch_compile*", "rqa runs TorchSharp eagerly, with nothing to compile; drop the flag"),
        ("auto_find_batch_size", "rqa does not search for a batch size; set --per_device_train_batch_size, or save memory with --grad_cache_chunk_size (rqa train ctl)"),
        ("do_predict", "rqa evaluates --test_file after training whenever one is given; drop the flag"),
        ("logging_strategy", "rqa logs every --logging_steps steps; drop the flag"),
    ];

    /// <summary>What rqa does instead of the HF flag <paramref name="name"/> (snake or kebab case), or null.</summary>
    public static string? Answer(string name)
    {
        var snake = name.Replace('-', '_').ToLowerInvariant();
        foreach (var (pattern, answer) in Answers)
        {
            var matches = pattern.EndsWith('*') ? snake.StartsWith(pattern[..^1], StringComparison.Ordinal) : snake == pattern;
            if (matches) return answer;
        }
        return null;
    }

    /// <summary>Every name and prefix pattern, for tests and documentation.</summary>
    public static IEnumerable<string> Names => Answers.Select(a => a.Name);
}
