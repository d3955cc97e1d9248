using System.Globalization;
using System.Text;

namespace MicroAI.Tokenizers.Decoders;

/// <summary>
/// "ByteFallback": runs of "&lt;0xNN&gt;" tokens become the UTF-8 text they encode; an invalid run becomes one
/// U+FFFD per byte, as Hugging Face does.
/// </summary>
internal sealed class ByteFallbackDecoder : ITokenDecoder
{
    private static readonly UTF8Encoding s_strict = new(false, throwOnInvalidBytes: true);

    public void DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                pending.Add(b);
                continue;
            }
            Flush(pending, result);
            result.Add(t);
        }
        Flush(pending, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0)
            return;
        try
        {
            result.Add(s_strict.GetString([.. pending]));
        }
        catch (DecoderFallbackException)
        {
            for (var i = 0; i < pending.Count; i++)
                result.Add("\uFFFD");
        }
        pending.Clear();
    }
}
