using LocalRqa.Tokenization.PreTokenizers;

namespace LocalRqa.Tokenization.Decoders;

/// <summary>
/// tokenizers "Metaspace" decoder: the replacement char becomes a space again, and the space the pre-tokenizer
/// prepended is dropped from the first token (unless the prepend scheme is "never").
/// </summary>
internal sealed class MetaspaceDecoder(char replacement = '▁', MetaspacePrependScheme prepend = MetaspacePrependScheme.Always) : ITokenDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string text = tokens[i].Replace(replacement, ' ');
            if (i == 0 && prepend != MetaspacePrependScheme.Never && text.StartsWith(' ')) text = text[1..];
            result.Add(text);
        }
        return result;
    }
}
