namespace LocalRqa.Training.Optimization;

/// <summary>
/// AdamW hyperparameters with HF TrainingArguments' defaults: adam_beta1 0.9, adam_beta2 0.999,
/// adam_epsilon 1e-8, weight_decay 0.
/// </summary>
internal sealed record AdamWSettings(double LearningRate, double WeightDecay = 0, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8)
{
    public void Validate()
    {
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate)) throw new RqaException($"learning rate must be a finite number >= 0, got {LearningRate}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new RqaException($"weight decay must be a finite number >= 0, got {WeightDecay}");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new RqaException($"adam beta1 must be in [0, 1), got {Beta1}");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new RqaException($"adam beta2 must be in [0, 1), got {Beta2}");
        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon)) throw new RqaException($"adam epsilon must be a finite number >= 0, got {Epsilon}");
    }
}
