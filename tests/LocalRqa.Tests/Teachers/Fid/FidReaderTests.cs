using LocalRqa.Modeling.T5;
using LocalRqa.Runtime;
using LocalRqa.Teachers.Fid;
using TorchSharp;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Teachers.Fid;

/// <summary>FiD passage scores of the fixture T5s against the reference, and the reader's memory discipline.</summary>
[Trait("Category", "ReferenceParity")]
public class FidReaderTests
{
    public static TheoryData<string> Fixtures() => new("t5-v1_1-tiny", "t5-tiny-tied");

    public FidReaderTests() => TorchRuntime.Initialize();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CrossAttentionScoresMatchTheReference(string fixture)
    {
        using var scope = NewDisposeScope();
        var folder = TestPaths.Fixture(fixture);
        var reference = new ReferenceFile(folder);
        var fid = reference.Root["fid_crossattention"]!;
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        var scores = new FidReader(model).Scores(ReferenceFile.LongTensor(fid["input_ids"]!), ReferenceFile.LongTensor(fid["attention_mask"]!));
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(fid["scores"]!), scores, reference.ToleranceAbs, $"{fixture} FiD scores");
    }

    [Fact]
    public void NoNativeTensorsSurviveScoringOrGeneration()
    {
        var folder = TestPaths.Fixture("t5-tiny-tied");
        var fid = new ReferenceFile(folder).Root["fid_crossattention"]!;
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        var reader = new FidReader(model);
        using var ids = ReferenceFile.LongTensor(fid["input_ids"]!);
        using var mask = ReferenceFile.LongTensor(fid["attention_mask"]!);
        void Round()
        {
            reader.Scores(ids, mask).Dispose();
            reader.Generate(ids, mask, maxNewTokens: 3).Dispose();
        }
        Round();
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var round = 0; round < 3; round++) Round();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void InputsMustBeBatchPassagesLength()
    {
        using var scope = NewDisposeScope();
        using var model = T5ForConditionalGeneration.FromPretrained(TestPaths.Fixture("t5-tiny-tied"));
        var flat = ones(2, 5, dtype: ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => new FidReader(model).Scores(flat, flat));
    }
}
