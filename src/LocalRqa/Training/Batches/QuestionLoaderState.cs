using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Training.Batches;

/// <summary>
/// Where the CTL data loader stands: the next example to serve is number <see cref="Position"/> of epoch
/// <see cref="Epoch"/>'s permutation of the training set, which is derived from <see cref="Seed"/> and the
/// epoch alone. These three integers are the whole state a checkpoint has to keep.
/// </summary>
internal readonly record struct QuestionLoaderState(int Seed, int Epoch, int Position)
{
    const string Where = "objective_state.json";

    public static QuestionLoaderState Start(int seed) => new(seed, 0, 0);

    /// <summary>The fields a trainer's objective_state.json holds for its data position.</summary>
    public JsonObject ToJson() => new() { ["seed"] = Seed, ["epoch"] = Epoch, ["position"] = Position };

    /// <summary>Reads <see cref="ToJson"/>'s fields back; a checkpoint of another seed is refused (its order differs).</summary>
    public static QuestionLoaderState FromJson(JsonObject state, int expectedSeed)
    {
        var restored = new QuestionLoaderState(
            (int)(JsonFile.Integer(state["seed"], Where, "seed") ?? throw new RqaException($"{Where}: missing seed")),
            (int)(JsonFile.Integer(state["epoch"], Where, "epoch") ?? 0),
            (int)(JsonFile.Integer(state["position"], Where, "position") ?? 0));
        return restored.Seed == expectedSeed
            ? restored
            : throw new RqaException($"{Where}: the checkpoint was trained with seed {restored.Seed}, this run uses {expectedSeed}");
    }
}
