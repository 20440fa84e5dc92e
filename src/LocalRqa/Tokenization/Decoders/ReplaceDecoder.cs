using LocalRqa.Tokenization.Normalizers;

namespace LocalRqa.Tokenization.Decoders;

/// <summary>tokenizers "Replace" decoder: a normalizer's Replace (literal or regex) applied to every token.</summary>
internal sealed class ReplaceDecoder(INormalizer replace) : ITokenDecoder
{
    public List<string> DecodeChain(List<string> tokens) => tokens.Select(replace.Normalize).ToList();
}
