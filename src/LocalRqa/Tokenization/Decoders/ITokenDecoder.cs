namespace LocalRqa.Tokenization.Decoders;

/// <summary>
/// A tokenizer.json "decoder": rewrites the token strings of ids step by step (tokenizers' decode_chain); the
/// text is the concatenation of the last step's strings.
/// </summary>
internal interface ITokenDecoder
{
    List<string> DecodeChain(List<string> tokens);
}
