using System.Text;
using LocalRqa.Tokenization.Models;

namespace LocalRqa.Tokenization.Decoders;

/// <summary>
/// tokenizers "ByteFallback" decoder: runs of &lt;0xNN&gt; tokens become the text of their bytes; a run that is not
/// valid UTF-8 becomes one U+FFFD per byte, as in tokenizers.
/// </summary>
internal sealed class ByteFallbackDecoder : ITokenDecoder
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var run = new List<byte>();
        foreach (var token in tokens)
        {
            if (ByteFallbackIds.TryParse(token, out byte b))
            {
                run.Add(b);
                continue;
            }
            Flush();
            result.Add(token);
        }
        Flush();
        return result;

        void Flush()
        {
            if (run.Count == 0) return;
            try
            {
                result.Add(Strict.GetString(run.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                for (int i = 0; i < run.Count; i++) result.Add("\uFFFD");
            }
            run.Clear();
        }
    }
}
