using LocalRqa.Arguments;
using LocalRqa.Tests.Training.Arguments;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Arguments;

public class ArgumentHelpTests
{
    static readonly ArgumentSchema[] Schemas = [TrainingArguments.Schema, CtlArguments.Schema];

    [Fact]
    public void EveryFieldHasADescriptionAndAUniqueSpelling()
    {
        var fields = Schemas.SelectMany(s => s.Fields).ToArray();
        Assert.All(fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Description), f.Name));
        var spellings = fields.SelectMany(f => f.Spellings).ToArray();
        Assert.Equal(spellings.Length, spellings.Distinct().Count());
    }

    [Fact]
    public void TextTableListsFlagsDefaultsAndGroups()
    {
        var help = ArgumentHelp.Text(Schemas);
        var lines = help.Split('\n');
        Assert.Contains("model_args:", lines);
        Assert.Contains("contrastive_args:", lines);
        Assert.Contains(lines, l => l.StartsWith("  --output_dir <text>") && l.Contains("(required)"));
        Assert.Contains(lines, l => l.StartsWith("  --learning_rate <number>") && l.Contains("1E-05") && l.Contains("Peak AdamW learning rate."));
        Assert.Contains(lines, l => l.StartsWith("  --lr_scheduler_type linear|cosine|constant|constant_with_warmup") && l.Contains(" cosine "));
        Assert.Contains(lines, l => l.StartsWith("  --evaluation_strategy steps|epoch|no") && l.Contains("(also --eval_strategy)"));
        Assert.Contains(lines, l => l.StartsWith("  --do_eval [true|false]") && l.Contains(" true "));
        Assert.Contains(lines, l => l.StartsWith("  --save_total_limit <int>") && l.Contains(" 1 "));
        Assert.Contains(lines, l => l.StartsWith("  --max_length <int>") && l.Contains(" null "));
        // Descriptions start in one column.
        var learningRate = lines.Single(l => l.StartsWith("  --learning_rate "));
        var saveTotalLimit = lines.Single(l => l.StartsWith("  --save_total_limit "));
        Assert.Equal(learningRate.IndexOf("Peak AdamW"), saveTotalLimit.IndexOf("Checkpoints to keep"));
    }

    [Fact]
    public void MarkdownTableHasOneRowPerField()
    {
        var markdown = ArgumentHelp.Markdown(Schemas);
        var rows = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 + Schemas.Sum(s => s.Fields.Count), rows.Length);
        Assert.Contains(@"| `--pooling_type` | `mean\|cls` | `mean` | model_args |", markdown);
    }
}
