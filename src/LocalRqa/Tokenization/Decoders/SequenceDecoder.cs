namespace LocalRqa.Tokenization.Decoders;

/// <summary>tokenizers "Sequence" of decoders, each rewriting the previous one's tokens.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<ITokenDecoder> decoders) : ITokenDecoder
{
    public IReadOnlyList<ITokenDecoder> Decoders { get; } = decoders;

    public List<string> DecodeChain(List<string> tokens)
    {
        foreach (var decoder in Decoders) tokens = decoder.DecodeChain(tokens);
        return tokens;
    }
}
