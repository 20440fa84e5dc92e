using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Training.Optimization;

/// <summary>
/// HF Trainer's default optimizer: torch AdamW over two parameter groups, one with the configured weight decay
/// (see <see cref="DecayParameters"/>) and one with none. TorchSharp's AdamW takes param groups and updates
/// as torch does: p *= 1 - lr*wd (decoupled decay), m = b1*m + (1-b1)*g, v = b2*v + (1-b2)*g^2,
/// p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
/// </summary>
internal sealed class AdamWOptimizer : IDisposable
{
    readonly AdamW optimizer;
    readonly IReadOnlyList<(string Name, Parameter Parameter)> parameters;
    readonly IReadOnlyList<string> groupOrder;

    public AdamWSettings Settings { get; }

    /// <summary>Trainable parameters in named_parameters order, with the names state files are keyed by.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => parameters;

    public IReadOnlySet<string> DecayedNames { get; }

    AdamWOptimizer(AdamW optimizer, IReadOnlyList<(string, Parameter)> parameters, IReadOnlyList<string> groupOrder, IReadOnlySet<string> decayed, AdamWSettings settings)
    {
        this.optimizer = optimizer;
        this.parameters = parameters;
        this.groupOrder = groupOrder;
        DecayedNames = decayed;
        Settings = settings;
    }

    public static AdamWOptimizer Create(nn.Module model, AdamWSettings settings) => Create([("", model)], settings);

    /// <summary>
    /// One optimizer over several modules (an encoder and its DCA projection), each parameter named with its module's
    /// prefix so that optimizer state files stay keyed by unique names; the first module usually has prefix "".
    /// </summary>
    public static AdamWOptimizer Create(IReadOnlyList<(string Prefix, nn.Module Module)> modules, AdamWSettings settings)
    {
        settings.Validate();
        var trainable = modules.SelectMany(m => m.Module.named_parameters().Select(np => (name: m.Prefix + np.name, np.parameter)))
            .Where(np => np.parameter.requires_grad).ToList();
        var duplicate = trainable.GroupBy(np => np.parameter.Handle).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new RqaException($"parameter '{duplicate.First().name}' is shared under several names; tied weights are not supported");
        var decayed = modules.SelectMany(m => DecayParameters.Names(m.Module).Select(name => m.Prefix + name)).ToHashSet(StringComparer.Ordinal);
        var withDecay = trainable.Where(np => decayed.Contains(np.name)).ToList();
        var withoutDecay = trainable.Where(np => !decayed.Contains(np.name)).ToList();
        var groups = new[] { Group(withDecay, settings, settings.WeightDecay), Group(withoutDecay, settings, 0.0) };
        var optimizer = optim.AdamW(groups, settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, settings.WeightDecay);
        var groupOrder = withDecay.Concat(withoutDecay).Select(np => np.name).ToList();
        return new AdamWOptimizer(optimizer, trainable, groupOrder, decayed, settings);
    }

    static AdamW.ParamGroup Group(IEnumerable<(string, Parameter parameter)> members, AdamWSettings settings, double weightDecay) =>
        new(members.Select(np => np.parameter).ToList(), settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, weightDecay);

    /// <summary>The lr of the first group (all groups share it; a schedule sets them together).</summary>
    public double LearningRate => optimizer.ParamGroups.First().LearningRate;

    /// <summary>What LambdaLR does before each step: every group's lr = base lr × schedule factor.</summary>
    public void SetLearningRate(double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        optimizer.step();
    }

    /// <summary>
    /// Drops the gradients (torch's zero_grad(set_to_none=True), HF's default): a parameter that gets no
    /// gradient in the next backward is then skipped by AdamW, neither decayed nor moved by stale moments.
    /// </summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var (_, parameter) in parameters)
            if (parameter.grad is not null) parameter.grad = null;
    }

    /// <summary>The live per-parameter AdamW state (step, exp_avg, exp_avg_sq), keyed by parameter name.</summary>
    internal IReadOnlyDictionary<string, AdamW.State> States()
    {
        // state_dict() lists the live states group by group, parameter by parameter: the order groupOrder records.
        var states = optimizer.state_dict().State;
        if (states.Count != groupOrder.Count)
            throw new InvalidOperationException($"AdamW holds {states.Count} parameter states for {groupOrder.Count} parameters");
        return groupOrder.Select((name, i) => (name, state: (AdamW.State)states[i]))
            .ToDictionary(x => x.name, x => x.state, StringComparer.Ordinal);
    }

    public void Dispose() => optimizer.Dispose();
}
