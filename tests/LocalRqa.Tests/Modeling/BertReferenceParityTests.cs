using LocalRqa.Encoders;
using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>Our BertModel against outputs an independent implementation computed from the same weights.</summary>
[Trait("Category", "ReferenceParity")]
public class BertReferenceParityTests
{
    readonly string folder = TestPaths.Fixture("bert-tiny");
    readonly ReferenceFile reference;

    public BertReferenceParityTests()
    {
        TorchRuntime.Initialize();
        reference = new ReferenceFile(folder);
    }

    [Fact]
    public void LastHiddenStatePoolingAndPoolerMatchTheReference()
    {
        using var scope = NewDisposeScope();
        using var model = BertModel.FromPretrained(folder);
        var batch = reference.Root["batch"]!;
        var ids = ReferenceFile.LongMatrix(batch["input_ids"]!);
        var mask = ReferenceFile.LongMatrix(batch["attention_mask"]!);
        var types = ReferenceFile.LongMatrix(batch["token_type_ids"]!);
        var tolerance = reference.ToleranceAbs;

        using var _ = no_grad();
        var hidden = model.forward(ids, mask, types);
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(reference.Root["last_hidden_state"]!), hidden, tolerance, "last_hidden_state");
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(reference.Root["mean_pooling"]!), Pooling.Pool(hidden, mask, PoolingType.Mean), tolerance, "mean_pooling");
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(reference.Root["cls_pooling"]!), Pooling.Pool(hidden, mask, PoolingType.Cls), tolerance, "cls_pooling");
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(reference.Root["pooler_output"]!), model.Pool(hidden), tolerance, "pooler_output");
    }
}
