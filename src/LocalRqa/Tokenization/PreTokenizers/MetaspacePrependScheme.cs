namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>When Metaspace puts a replacement char in front of a piece (tokenizers' PrependScheme).</summary>
internal enum MetaspacePrependScheme
{
    /// <summary>Every piece (legacy add_prefix_space: true).</summary>
    Always,

    /// <summary>Only the piece that starts the text.</summary>
    First,

    /// <summary>No piece (legacy add_prefix_space: false).</summary>
    Never,
}
