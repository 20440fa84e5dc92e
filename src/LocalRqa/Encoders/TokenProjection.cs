using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>
/// DCA's optional projection (Izacard &amp; Grave 2021, LocalRQA's <c>--projection</c>): Linear(hidden → dimension)
/// then LayerNorm, applied to every token state before pooling. It is part of the model, saved in its own
/// <see cref="Folder"/> (config.json + model.safetensors with <c>linear.*</c> and <c>norm.*</c>), so a trained
/// projection is reloaded and used by `rqa encode` and `rqa test-retriever` (LocalRQA drops it when saving).
/// </summary>
internal sealed class TokenProjection : nn.Module<Tensor, Tensor>
{
    public const string Folder = "projection";
    const string ConfigName = "config.json";

    readonly Linear linear;
    readonly LayerNorm norm;

    public int InputDimension { get; }
    public int OutputDimension { get; }

    public TokenProjection(int inputDimension, int outputDimension) : base(nameof(TokenProjection))
    {
        if (inputDimension < 1 || outputDimension < 1)
            throw new RqaException($"projection dimensions must be positive, got {inputDimension} → {outputDimension}");
        InputDimension = inputDimension;
        OutputDimension = outputDimension;
        linear = nn.Linear(inputDimension, outputDimension);
        norm = nn.LayerNorm(outputDimension); // eps 1e-5, as torch.nn.LayerNorm in LocalRQA
        RegisterComponents();
    }

    /// <param name="states">[B, T, hidden] → [B, T, dimension]</param>
    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return norm.forward(linear.forward(states)).MoveToOuterDisposeScope();
    }

    /// <summary>The projection saved in <paramref name="modelFolder"/>, or null when the model has none.</summary>
    public static TokenProjection? Load(string modelFolder, int hiddenSize)
    {
        var folder = Path.Combine(modelFolder, Folder);
        var configPath = Path.Combine(folder, ConfigName);
        if (!File.Exists(configPath)) return null;
        var config = JsonFile.ReadObject(configPath);
        var inFeatures = JsonFile.Integer(config["in_features"], configPath, "in_features") ?? throw new RqaException($"{configPath}: missing in_features");
        var outFeatures = JsonFile.Integer(config["out_features"], configPath, "out_features") ?? throw new RqaException($"{configPath}: missing out_features");
        if (inFeatures != hiddenSize)
            throw new RqaException($"{configPath}: in_features {inFeatures} does not match the encoder's hidden size {hiddenSize}");
        var projection = new TokenProjection((int)inFeatures, (int)outFeatures);
        try
        {
            StateDictLoader.Load(projection, SafetensorsFile.Open(Path.Combine(folder, CheckpointFolder.Safetensors)), name => name);
            projection.eval();
            return projection;
        }
        catch
        {
            projection.Dispose();
            throw;
        }
    }

    public void Save(string modelFolder)
    {
        var folder = Path.Combine(modelFolder, Folder);
        Directory.CreateDirectory(folder);
        JsonFile.Write(Path.Combine(folder, ConfigName), new JsonObject
        {
            ["in_features"] = InputDimension,
            ["out_features"] = OutputDimension,
            ["layer_norm"] = true,
            ["applied_to"] = "token states, before pooling",
        });
        SafetensorsFile.Write(Path.Combine(folder, CheckpointFolder.Safetensors), StateDictLoader.ToHost(this),
            new Dictionary<string, string> { ["format"] = "pt" });
    }
}
