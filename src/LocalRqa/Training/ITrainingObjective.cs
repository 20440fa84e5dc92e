using System.Text.Json.Nodes;
using LocalRqa.Encoders;

namespace LocalRqa.Training;

/// <summary>
/// What a trainer optimises (CTL, DCA, RPG): it owns its data order and computes the loss of its next batch,
/// accumulating parameter gradients. The shared <see cref="Trainer"/> does everything else.
/// </summary>
internal interface ITrainingObjective
{
    string Name { get; }
    SentenceEncoder Encoder { get; }
    int BatchesPerEpoch { get; }
    /// <summary>Fractional epochs done, for logs (HF's `epoch`).</summary>
    double Epoch { get; }

    /// <summary>The loss of the next batch; gradients of loss × <paramref name="scale"/> are added to `.grad`.</summary>
    double AccumulateGradients(double scale);

    /// <summary>The data position and anything else a resumed run needs to continue identically.</summary>
    JsonObject SaveState();
    void RestoreState(JsonObject state);
}
