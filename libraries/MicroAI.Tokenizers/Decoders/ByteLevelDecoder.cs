using System.Text;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Decoders;

/// <summary>
/// "ByteLevel": maps GPT-2 byte characters back to bytes and decodes them as UTF-8 (invalid sequences become
/// U+FFFD). A token with a character outside the byte alphabet (an added token such as "中文") contributes its own
/// UTF-8 instead.
/// </summary>
internal sealed class ByteLevelDecoder : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var allMapped = true;
            foreach (var c in token)
            {
                if (!ByteLevelAlphabet.TryGetByte(c, out _))
                {
                    allMapped = false;
                    break;
                }
            }
            if (allMapped)
            {
                foreach (var c in token)
                {
                    ByteLevelAlphabet.TryGetByte(c, out var b);
                    bytes.Add(b);
                }
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }
        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }
}
