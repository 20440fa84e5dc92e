using System.Text;
using LocalRqa.Modeling.Bert;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>
/// Pins checkpoint compatibility without weights: the parameter names and shapes our BertModel builds from
/// each supported model's published config.json must equal the approved listing (HF's state-dict names).
/// On a mismatch the test writes `*.received.txt` beside the approved file for review.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public class ArchitectureApprovalTests
{
    static string Folder => Path.Combine(TestPaths.RepoRoot, "tests", "LocalRqa.Tests", "Modeling");

    public static TheoryData<string> Models() =>
        new(Directory.GetDirectories(Path.Combine(Folder, "PublishedConfigs")).Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Models))]
    public void ParameterListingMatchesTheApprovedOne(string model)
    {
        var config = BertConfig.Load(Path.Combine(Folder, "PublishedConfigs", model));
        var listing = Listing(config);
        var approved = Path.Combine(Folder, "Approvals", $"{model}.approved.txt");
        var received = Path.ChangeExtension(approved, null).Replace(".approved", ".received") + ".txt";
        if (!File.Exists(approved) || File.ReadAllText(approved) != listing)
        {
            File.WriteAllText(received, listing);
            Assert.Fail($"parameter listing of {model} differs from {approved}; see {received}");
        }
        if (File.Exists(received)) File.Delete(received);
    }

    /// <summary>Built on the meta device: shapes without allocating 110M floats.</summary>
    static string Listing(BertConfig config)
    {
        var previous = get_default_device();
        set_default_device(META);
        try
        {
            using var model = new BertModel(config);
            var text = new StringBuilder();
            foreach (var (name, tensor) in model.state_dict())
                text.Append(name).Append(" [").Append(string.Join(", ", tensor.shape)).Append("]\n");
            var total = model.parameters().Sum(p => p.numel());
            text.Append($"# {total} parameters\n");
            return text.ToString();
        }
        finally { set_default_device(previous); }
    }
}
