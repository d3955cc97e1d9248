namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// One Huffman table from a DHT segment (ITU T.81 Annex C: code lengths → codes; F.2.2.3: MAXCODE / VALPTR
/// decoding). Codes up to <see cref="FastBits"/> long are resolved with one lookup of the next bits; longer ones
/// (rare in practice) fall back to the length-by-length MAXCODE search of the specification.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int FastBits = 9;

    private readonly byte[] _values;
    private readonly int[] _maxCode = new int[18]; // per length 1..16, -1 when no code has that length; [17] sentinel
    private readonly int[] _valueOffset = new int[17]; // VALPTR − MINCODE, so value index = code + offset

    /// <summary>Entry for each <see cref="FastBits"/>-bit prefix: (length &lt;&lt; 8) | value, or 0 when the code is longer.</summary>
    public ushort[] Fast { get; } = new ushort[1 << FastBits];

    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        _values = values.ToArray();
        var code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            int count = counts[length - 1];
            _valueOffset[length] = k - code;
            _maxCode[length] = count == 0 ? -1 : code + count - 1;
            for (var i = 0; i < count; i++, k++, code++)
            {
                if (code >= (1 << length))
                    throw new ImageDecodeException("JPEG: invalid Huffman table (more codes than the code lengths allow)");
                if (length <= FastBits)
                {
                    // Every FastBits-bit string that starts with this code decodes to it.
                    var shift = FastBits - length;
                    var entry = (ushort)((length << 8) | _values[k]);
                    Fast.AsSpan(code << shift, 1 << shift).Fill(entry);
                }
            }

            code <<= 1;
        }

        _maxCode[17] = int.MaxValue; // Stops the slow search; codes never reach length 17.
    }

    /// <summary>
    /// Decodes a code longer than <see cref="FastBits"/> from the 16 bits that start at the reader's position;
    /// returns (length &lt;&lt; 8) | value.
    /// </summary>
    public int DecodeSlow(int next16)
    {
        for (var length = FastBits + 1; length <= 16; length++)
        {
            var code = next16 >> (16 - length);
            if (code <= _maxCode[length])
                return (length << 8) | _values[code + _valueOffset[length]];
        }

        throw new ImageDecodeException("JPEG: corrupt scan data (bits match no Huffman code)");
    }
}
