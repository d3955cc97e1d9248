using System.Buffers;
using System.Text;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>
/// "ByteLevel": optionally adds a leading space, splits with GPT-2's regex, then rewrites each piece's UTF-8 bytes
/// as GPT-2 byte characters (<see cref="ByteLevelAlphabet"/>). All pieces of a section share one buffer.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        if (text.IsEmpty)
            return;
        if (addPrefixSpace && text.Span[0] != ' ')
            text = (" " + text.Span.ToString()).AsMemory();
        var span = text.Span;

        var ranges = new List<(int Start, int Length)>();
        if (useRegex)
            Gpt2Splitter.Split(span, ranges);
        else
            ranges.Add((0, span.Length));

        // Lone surrogates were replaced before this point, so the UTF-8 length is exact.
        var arena = new char[Encoding.UTF8.GetByteCount(span)];
        var bytes = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            var at = 0;
            foreach (var (start, length) in ranges)
            {
                var piece = span.Slice(start, length);
                var needed = Encoding.UTF8.GetMaxByteCount(piece.Length);
                if (needed > bytes.Length)
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                    bytes = ArrayPool<byte>.Shared.Rent(needed);
                }
                var n = Encoding.UTF8.GetBytes(piece, bytes);
                for (var b = 0; b < n; b++)
                    arena[at + b] = ByteLevelAlphabet.ByteToChar[bytes[b]];
                output.Add(arena.AsMemory(at, n));
                at += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
