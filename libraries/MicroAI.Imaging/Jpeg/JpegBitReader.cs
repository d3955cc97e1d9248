namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// Reads the entropy-coded data of a scan: removes stuffed zero bytes after 0xFF (T.81 F.1.2.3), stops at the
/// next marker, and keeps up to 64 bits buffered, most significant first. Past a marker or the end of the file it
/// buffers zero bits, since Huffman lookahead may peek beyond the last code. Encoders flush every real bit before
/// a marker (padding the last byte with ones), so actually consuming one of those zero bits means the data is
/// truncated or corrupt: that is an error at once, rather than an image finished with made-up blocks.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _bits;
    private int _count;
    private int _paddingBits; // How many of the _count buffered bits, at the low end, are zeros past the data.

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    /// <summary>The position of the first byte not yet taken into the bit buffer: after a scan, at or before the next marker.</summary>
    public readonly int Position => _position;

    public int DecodeHuffman(JpegHuffmanTable table)
    {
        if (_count < 16)
            Fill();
        int entry = table.Fast[(int)(_bits >> (64 - JpegHuffmanTable.FastBits))];
        if (entry == 0)
            entry = table.DecodeSlow((int)(_bits >> 48));
        Skip(entry >> 8);
        return entry & 0xFF;
    }

    /// <summary>RECEIVE(s) then EXTEND (T.81 F.2.2.1): s bits as a signed magnitude-category value.</summary>
    public int ReceiveExtend(int size)
    {
        if (size == 0)
            return 0;
        if (size > 16)
            throw new ImageDecodeException($"JPEG: corrupt scan data (coefficient size category {size})");
        var value = ReadBits(size);
        return value < (1 << (size - 1)) ? value - (1 << size) + 1 : value;
    }

    public int ReadBits(int count)
    {
        if (count == 0)
            return 0;
        if (_count < count)
            Fill();
        var value = (int)(_bits >> (64 - count));
        Skip(count);
        return value;
    }

    public int ReadBit()
    {
        if (_count < 1)
            Fill();
        var bit = (int)(_bits >> 63);
        Skip(1);
        return bit;
    }

    /// <summary>
    /// Handles a restart marker (T.81 F.2.2.5 / F.1.2.3): drops the bit buffer (the remaining bits are padding),
    /// skips to the next marker and checks that it is RSTn with the expected n.
    /// </summary>
    public void Restart(int expected)
    {
        _bits = 0;
        _count = 0;
        _paddingBits = 0;
        while (_position < _data.Length - 1)
        {
            if (_data[_position] == 0xFF && _data[_position + 1] is not 0x00 and not 0xFF)
            {
                var marker = _data[_position + 1];
                if (marker != 0xD0 + expected)
                    throw new ImageDecodeException($"JPEG: expected restart marker RST{expected}, found marker 0x{marker:X2} (corrupt scan data)");
                _position += 2;
                return;
            }

            _position++;
        }

        throw new ImageDecodeException("JPEG: file ends where a restart marker was expected (truncated)");
    }

    private void Skip(int count)
    {
        _bits <<= count;
        _count -= count;
        if (_count < _paddingBits)
            throw new ImageDecodeException("JPEG: scan data ends early (truncated or corrupt file)");
    }

    private void Fill()
    {
        while (_count <= 56)
        {
            var b = 0;
            if (_position < _data.Length)
            {
                b = _data[_position];
                if (b != 0xFF)
                {
                    _position++;
                }
                else if (_position + 1 < _data.Length && _data[_position + 1] == 0x00)
                {
                    _position += 2; // A stuffed zero: 0xFF 0x00 is the data byte 0xFF.
                }
                else
                {
                    b = 0; // A marker: the segment ends here; leave the position on it.
                    _paddingBits += 8;
                }
            }
            else
            {
                _paddingBits += 8;
            }

            _bits |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }
}
