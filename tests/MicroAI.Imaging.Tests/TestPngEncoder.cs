using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MicroAI.Imaging.Tests;

/// <summary>
/// A PNG encoder for tests, written independently of the decoder (own CRC, own filters, own Adam7 walk): any
/// colour type and bit depth, interlaced or not, a chosen filter per row, IDAT split into pieces, extra chunks.
/// Samples are given per channel, row-major (palette images: one index per pixel).
/// </summary>
internal static class TestPngEncoder
{
    public static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static int Channels(int colorType) => colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    public static byte[] Encode(int width, int height, int[] samples, PngOptions options)
    {
        var raw = new MemoryStream();
        if (options.Interlaced)
        {
            foreach (var (x0, y0, dx, dy) in Adam7)
            {
                var w = width > x0 ? (width - x0 + dx - 1) / dx : 0;
                var h = height > y0 ? (height - y0 + dy - 1) / dy : 0;
                if (w > 0 && h > 0)
                    WriteImage(raw, w, h, (x, y) => ((y0 + (y * dy)) * width) + x0 + (x * dx), samples, options);
            }
        }
        else
        {
            WriteImage(raw, width, height, (x, y) => (y * width) + x, samples, options);
        }

        var compressed = Compress(raw.ToArray());
        var chunks = new List<(string, byte[])> { ("IHDR", Header(width, height, options.BitDepth, options.ColorType, options.Interlaced ? 1 : 0)) };
        chunks.AddRange(options.ChunksBeforeImage);
        if (options.Palette is not null)
            chunks.Add(("PLTE", options.Palette));
        if (options.Transparency is not null)
            chunks.Add(("tRNS", options.Transparency));
        for (var i = 0; i < compressed.Length || i == 0; i += options.IdatSize)
            chunks.Add(("IDAT", compressed.AsSpan(i, Math.Min(options.IdatSize, compressed.Length - i)).ToArray()));
        chunks.AddRange(options.ChunksAfterImage);
        chunks.Add(("IEND", []));
        return Build(chunks);
    }

    public static byte[] Header(int width, int height, int bitDepth, int colorType, int interlace = 0, int compression = 0, int filter = 0)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[10] = (byte)compression;
        ihdr[11] = (byte)filter;
        ihdr[12] = (byte)interlace;
        return ihdr;
    }

    /// <summary>Signature plus the given chunks, each with a correct CRC.</summary>
    public static byte[] Build(IEnumerable<(string Type, byte[] Data)> chunks)
    {
        var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, data) in chunks)
            output.Write(Chunk(type, data));
        return output.ToArray();
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] Compress(byte[] raw)
    {
        var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(raw);
        return output.ToArray();
    }

    /// <summary>Bit-at-a-time CRC-32 (reflected 0xEDB88320), deliberately not table-driven like the decoder's.</summary>
    public static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }

        return ~crc;
    }

    private static void WriteImage(MemoryStream raw, int width, int height, Func<int, int, int> pixelIndex, int[] samples, PngOptions options)
    {
        var channels = Channels(options.ColorType);
        var depth = options.BitDepth;
        var rowBytes = ((width * channels * depth) + 7) / 8;
        var stride = Math.Max(1, channels * depth / 8);
        var previous = new byte[rowBytes];
        for (var y = 0; y < height; y++)
        {
            var row = new byte[rowBytes];
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var value = samples[(pixelIndex(x, y) * channels) + c];
                    var index = (x * channels) + c;
                    if (depth == 16)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(index * 2), (ushort)value);
                    }
                    else if (depth == 8)
                    {
                        row[index] = (byte)value;
                    }
                    else
                    {
                        var bit = index * depth;
                        row[bit / 8] |= (byte)(value << (8 - depth - (bit % 8)));
                    }
                }
            }

            var filter = options.Filter ?? ((y + options.FilterSeed) % 5);
            raw.WriteByte((byte)filter);
            raw.Write(Filter(filter, row, previous, stride));
            previous = row;
        }
    }

    private static byte[] Filter(int type, byte[] row, byte[] previous, int stride)
    {
        var output = new byte[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            int a = i >= stride ? row[i - stride] : 0, b = previous[i], c = i >= stride ? previous[i - stride] : 0;
            var predictor = type switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => PaethPredictor(a, b, c),
            };
            output[i] = (byte)(row[i] - predictor);
        }

        return output;
    }

    private static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

internal sealed record PngOptions(int ColorType, int BitDepth)
{
    public bool Interlaced { get; init; }

    /// <summary>One filter type for every row, or null to cycle 0..4 row by row (starting at <see cref="FilterSeed"/>).</summary>
    public int? Filter { get; init; }

    public int FilterSeed { get; init; }

    public int IdatSize { get; init; } = int.MaxValue;

    public byte[]? Palette { get; init; }

    public byte[]? Transparency { get; init; }

    public List<(string Type, byte[] Data)> ChunksBeforeImage { get; init; } = [];

    public List<(string Type, byte[] Data)> ChunksAfterImage { get; init; } = [];
}
