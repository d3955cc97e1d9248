using System.Buffers.Binary;

namespace MicroAI.Imaging.Png;

/// <summary>
/// Turns reconstructed scanlines of any colour type and bit depth into 8-bit RGB. Transparency (an alpha channel,
/// or tRNS for grey, RGB and palette images) is composited onto white here, once, so later stages never see alpha.
/// 16-bit samples are rounded to 8 bits (v / 257, rounded); sub-byte greys are scaled exactly (1-bit × 255,
/// 2-bit × 85, 4-bit × 17). gAMA, cHRM, sRGB and iCCP are ignored: samples are used as stored, as PIL and
/// the training pipelines of common classifiers do.
/// </summary>
internal sealed class PngPixelConverter
{
    private const int White = 255;

    private readonly PngHeader _header;
    private readonly byte[]? _palette; // 256 entries × RGB, already composited with tRNS alpha
    private readonly int _transparentGrey = -1; // tRNS grey sample, at the image's bit depth
    private readonly int _transparentR = -1;
    private readonly int _transparentG = -1;
    private readonly int _transparentB = -1;

    public PngPixelConverter(PngHeader header, ReadOnlySpan<byte> palette, ReadOnlySpan<byte> transparency, bool hasTransparency)
    {
        _header = header;
        switch (header.ColorType)
        {
            case PngColorType.IndexedColor:
                _palette = BuildPalette(palette, hasTransparency ? transparency : default);
                break;
            case PngColorType.Greyscale when hasTransparency:
                if (transparency.Length < 2)
                    throw new ImageDecodeException($"PNG: tRNS for a greyscale image is {transparency.Length} bytes, expected 2");
                _transparentGrey = BinaryPrimitives.ReadUInt16BigEndian(transparency);
                break;
            case PngColorType.Truecolor when hasTransparency:
                if (transparency.Length < 6)
                    throw new ImageDecodeException($"PNG: tRNS for an RGB image is {transparency.Length} bytes, expected 6");
                _transparentR = BinaryPrimitives.ReadUInt16BigEndian(transparency);
                _transparentG = BinaryPrimitives.ReadUInt16BigEndian(transparency[2..]);
                _transparentB = BinaryPrimitives.ReadUInt16BigEndian(transparency[4..]);
                break;
        }
    }

    /// <summary>
    /// Converts the first <paramref name="count"/> pixels of <paramref name="row"/>, writing pixel i at
    /// <c>output[i * pixelStep * 3 ..]</c> (pixelStep is the Adam7 pass's column step, 1 when not interlaced).
    /// </summary>
    public void ConvertRow(ReadOnlySpan<byte> row, int count, Span<byte> output, int pixelStep)
    {
        var step = pixelStep * 3;
        var depth = _header.BitDepth;
        switch (_header.ColorType)
        {
            case PngColorType.Greyscale when depth < 8:
                {
                    var mask = (1 << depth) - 1;
                    var scale = 255 / mask;
                    for (int i = 0, o = 0; i < count; i++, o += step)
                    {
                        var v = SubByteSample(row, i, depth, mask);
                        var g = (byte)(v == _transparentGrey ? White : v * scale);
                        output[o] = g;
                        output[o + 1] = g;
                        output[o + 2] = g;
                    }

                    break;
                }

            case PngColorType.Greyscale when depth == 8:
                for (int i = 0, o = 0; i < count; i++, o += step)
                {
                    var v = row[i];
                    var g = v == _transparentGrey ? (byte)White : v;
                    output[o] = g;
                    output[o + 1] = g;
                    output[o + 2] = g;
                }

                break;

            case PngColorType.Greyscale:
                for (int i = 0, o = 0; i < count; i++, o += step)
                {
                    var v = BinaryPrimitives.ReadUInt16BigEndian(row[(i * 2)..]);
                    var g = v == _transparentGrey ? (byte)White : To8(v);
                    output[o] = g;
                    output[o + 1] = g;
                    output[o + 2] = g;
                }

                break;

            case PngColorType.Truecolor when depth == 8:
                for (int i = 0, o = 0, s = 0; i < count; i++, o += step, s += 3)
                {
                    var r = row[s];
                    var g = row[s + 1];
                    var b = row[s + 2];
                    if (r == _transparentR && g == _transparentG && b == _transparentB)
                        r = g = b = White;
                    output[o] = r;
                    output[o + 1] = g;
                    output[o + 2] = b;
                }

                break;

            case PngColorType.Truecolor:
                for (int i = 0, o = 0, s = 0; i < count; i++, o += step, s += 6)
                {
                    int r = BinaryPrimitives.ReadUInt16BigEndian(row[s..]);
                    int g = BinaryPrimitives.ReadUInt16BigEndian(row[(s + 2)..]);
                    int b = BinaryPrimitives.ReadUInt16BigEndian(row[(s + 4)..]);
                    var transparent = r == _transparentR && g == _transparentG && b == _transparentB;
                    output[o] = transparent ? (byte)White : To8(r);
                    output[o + 1] = transparent ? (byte)White : To8(g);
                    output[o + 2] = transparent ? (byte)White : To8(b);
                }

                break;

            case PngColorType.IndexedColor:
                {
                    var palette = _palette!;
                    var mask = (1 << depth) - 1;
                    for (int i = 0, o = 0; i < count; i++, o += step)
                    {
                        var p = (depth == 8 ? row[i] : SubByteSample(row, i, depth, mask)) * 3;
                        output[o] = palette[p];
                        output[o + 1] = palette[p + 1];
                        output[o + 2] = palette[p + 2];
                    }

                    break;
                }

            case PngColorType.GreyscaleAlpha when depth == 8:
                for (int i = 0, o = 0, s = 0; i < count; i++, o += step, s += 2)
                {
                    var g = Composite8(row[s], row[s + 1]);
                    output[o] = g;
                    output[o + 1] = g;
                    output[o + 2] = g;
                }

                break;

            case PngColorType.GreyscaleAlpha:
                for (int i = 0, o = 0, s = 0; i < count; i++, o += step, s += 4)
                {
                    var a = BinaryPrimitives.ReadUInt16BigEndian(row[(s + 2)..]);
                    var g = Composite16(BinaryPrimitives.ReadUInt16BigEndian(row[s..]), a);
                    output[o] = g;
                    output[o + 1] = g;
                    output[o + 2] = g;
                }

                break;

            case PngColorType.TruecolorAlpha when depth == 8:
                for (int i = 0, o = 0, s = 0; i < count; i++, o += step, s += 4)
                {
                    var a = row[s + 3];
                    if (a == 255)
                    {
                        output[o] = row[s];
                        output[o + 1] = row[s + 1];
                        output[o + 2] = row[s + 2];
                    }
                    else
                    {
                        output[o] = Composite8(row[s], a);
                        output[o + 1] = Composite8(row[s + 1], a);
                        output[o + 2] = Composite8(row[s + 2], a);
                    }
                }

                break;

            default: // TruecolorAlpha, 16-bit
                for (int i = 0, o = 0, s = 0; i < count; i++, o += step, s += 8)
                {
                    var a = BinaryPrimitives.ReadUInt16BigEndian(row[(s + 6)..]);
                    output[o] = Composite16(BinaryPrimitives.ReadUInt16BigEndian(row[s..]), a);
                    output[o + 1] = Composite16(BinaryPrimitives.ReadUInt16BigEndian(row[(s + 2)..]), a);
                    output[o + 2] = Composite16(BinaryPrimitives.ReadUInt16BigEndian(row[(s + 4)..]), a);
                }

                break;
        }
    }

    /// <summary>Pixel <paramref name="index"/> of a row packed at 1, 2 or 4 bits, leftmost pixel in the high bits.</summary>
    private static int SubByteSample(ReadOnlySpan<byte> row, int index, int depth, int mask)
    {
        var bit = index * depth;
        return (row[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
    }

    /// <summary>Rounds a 16-bit sample to 8 bits: round(v × 255 / 65535) = round(v / 257); 257 is odd, so no ties.</summary>
    private static byte To8(int v) => (byte)((v + 128) / 257);

    /// <summary>c × a + white × (1 − a), rounded, all in 8-bit units.</summary>
    private static byte Composite8(int c, int a) => (byte)(((c * a) + (255 * (255 - a)) + 127) / 255);

    /// <summary>The same at 16 bits, rounded once, straight to 8 bits.</summary>
    private static byte Composite16(int c, int a)
    {
        const long Divisor = 65535L * 257;
        var blended = ((long)c * a) + (65535L * (65535 - a));
        return (byte)((blended + (Divisor / 2)) / Divisor);
    }

    /// <summary>
    /// The palette as 256 RGB entries, each already composited with its tRNS alpha (entries past tRNS are opaque).
    /// Indices past the end of PLTE decode as opaque black rather than failing, as most decoders do.
    /// </summary>
    private static byte[] BuildPalette(ReadOnlySpan<byte> palette, ReadOnlySpan<byte> alpha)
    {
        var table = new byte[256 * 3];
        var entries = palette.Length / 3;
        for (var i = 0; i < entries; i++)
        {
            var a = i < alpha.Length ? alpha[i] : 255;
            table[i * 3] = Composite8(palette[i * 3], a);
            table[(i * 3) + 1] = Composite8(palette[(i * 3) + 1], a);
            table[(i * 3) + 2] = Composite8(palette[(i * 3) + 2], a);
        }

        return table;
    }
}
