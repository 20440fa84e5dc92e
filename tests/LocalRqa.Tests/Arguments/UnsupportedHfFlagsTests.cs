using System.Text.Json.Nodes;
using LocalRqa.Arguments;
using LocalRqa.Tests.Training.Arguments;

namespace LocalRqa.Tests.Arguments;

/// <summary>HF TrainingArguments flags rqa does without: one line saying what rqa does instead.</summary>
public sealed class UnsupportedHfFlagsTests
{
    [Theory]
    [InlineData("--fp16", "rqa trains and evaluates in float32 on the CPU; drop the flag")]
    [InlineData("--bf16", "rqa trains and evaluates in float32 on the CPU (rqa train rpg: --lm_dtype bfloat16 runs the frozen LM in bfloat16); drop the flag")]
    [InlineData("--tf32", "TF32 is a GPU matmul mode and rqa runs on the CPU in float32; drop the flag")]
    [InlineData("--fp16_full_eval", "rqa trains and evaluates in float32 on the CPU; drop the flag")]
    [InlineData("--half_precision_backend", "rqa trains and evaluates in float32 on the CPU; drop the flag")]
    [InlineData("--no_cuda", "rqa always runs on the CPU; drop the flag")]
    [InlineData("--use_cpu", "rqa always runs on the CPU; drop the flag")]
    [InlineData("--gradient_checkpointing", "rqa keeps activations rather than recomputing them; to train a large batch in little memory use --grad_cache_chunk_size (rqa train ctl)")]
    [InlineData("--deepspeed", "rqa trains in one process on one machine, with no distributed training; drop the flag")]
    [InlineData("--local_rank", "rqa trains in one process on one machine, with no distributed training; drop the flag")]
    [InlineData("--fsdp", "rqa trains in one process on one machine, with no distributed training; drop the flag")]
    [InlineData("--fsdp_config", "rqa trains in one process on one machine, with no distributed training; drop the flag")]
    [InlineData("--ddp_find_unused_parameters", "rqa trains in one process on one machine, with no distributed training; drop the flag")]
    [InlineData("--ddp_backend", "rqa trains in one process on one machine, with no distributed training; drop the flag")]
    [InlineData("--push_to_hub", "rqa never uploads anything: the model stays in --output_dir; drop the flag")]
    [InlineData("--hub_model_id", "rqa never uploads anything: the model stays in --output_dir; drop the flag")]
    [InlineData("--run_name", "rqa reports to local files only (--report_to jsonl|tensorboard), which need no run name; drop the flag")]
    [InlineData("--optim", "rqa always trains with AdamW (HF's adamw_torch) and HF's weight-decay groups; drop the flag")]
    [InlineData("--adam_beta2", "rqa's AdamW uses HF's defaults, beta1 0.9, beta2 0.999, epsilon 1e-8; drop the flag")]
    [InlineData("--dataloader_num_workers", "rqa builds batches on the training thread, with no loader workers; drop the flag")]
    [InlineData("--dataloader_pin_memory", "rqa builds batches on the training thread, with no loader workers; drop the flag")]
    [InlineData("--torch_compile", "rqa runs TorchSharp eagerly, with nothing to compile; drop the flag")]
    [InlineData("--torch_compile_mode", "rqa runs TorchSharp eagerly, with nothing to compile; drop the flag")]
    [InlineData("--auto_find_batch_size", "rqa does not search for a batch size; set --per_device_train_batch_size, or save memory with --grad_cache_chunk_size (rqa train ctl)")]
    [InlineData("--do_predict", "rqa evaluates --test_file after training whenever one is given; drop the flag")]
    [InlineData("--logging_strategy", "rqa logs every --logging_steps steps; drop the flag")]
    public void EachGetsOneLineSayingWhatRqaDoesInstead(string flag, string answer)
    {
        var expected = $"{flag}: {answer}";
        // With a value, bare, as --flag=value and in kebab case: the same one line.
        Assert.Equal(expected, CtlArgs.ErrorWith(flag, "true"));
        Assert.Equal(expected, CtlArgs.ErrorWith(flag));
        Assert.Equal(expected, CtlArgs.ErrorWith(flag + "=1"));
        Assert.Equal($"{flag.Replace('_', '-')}: {answer}", CtlArgs.ErrorWith(flag.Replace('_', '-'), "1"));
        Assert.DoesNotContain('\n', expected);
    }

    [Fact]
    public void ReportToWandbSaysWhatIsAccepted() =>
        Assert.Equal("--report_to: 'wandb' is not one of none, jsonl, tensorboard (rqa reports to local files only; no network services such as wandb are supported)",
            CtlArgs.ErrorWith("--report_to", "wandb"));

    [Fact]
    public void InAnArgumentFileTheKeyGetsTheSameAnswer()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rqa-hf-flags-").FullName, "args.json");
        File.WriteAllText(path, new JsonObject { ["output_dir"] = "o", ["fp16"] = true }.ToJsonString());
        try
        {
            Assert.Equal($"{path}: 'fp16': rqa trains and evaluates in float32 on the CPU; drop the flag",
                Assert.Throws<RqaException>(() => CtlArgs.Parse(path)).Message);
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    [Fact]
    public void OtherFlagsAreNotAnswered()
    {
        Assert.Null(UnsupportedHfFlags.Answer("learning_rate"));
        Assert.Null(UnsupportedHfFlags.Answer("fp"));
        Assert.Null(UnsupportedHfFlags.Answer("xyzzy"));
        Assert.NotNull(UnsupportedHfFlags.Answer("FP16"));
    }
}
