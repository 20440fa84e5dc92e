namespace LocalRqa.Tokenization.Models;

/// <summary>The settings of a tokenizer.json "BPE" model besides its vocabulary and merges.</summary>
internal sealed record BpeOptions
{
    /// <summary>Token for characters missing from the vocabulary; null drops them (GPT-2 style files never need it).</summary>
    public string? UnkToken { get; init; }

    /// <summary>Prepended to every character but a word's first (e.g. "##"); merged tokens drop it from their right half.</summary>
    public string? ContinuingSubwordPrefix { get; init; }

    /// <summary>Appended to a word's last character (e.g. "&lt;/w&gt;").</summary>
    public string? EndOfWordSuffix { get; init; }

    /// <summary>Consecutive unknown characters become one unk token.</summary>
    public bool FuseUnk { get; init; }

    /// <summary>Unknown characters become the &lt;0xNN&gt; tokens of their UTF-8 bytes (Llama 2, Mistral).</summary>
    public bool ByteFallback { get; init; }

    /// <summary>A word that is itself in the vocabulary is taken whole, without merging (Llama 3).</summary>
    public bool IgnoreMerges { get; init; }
}
