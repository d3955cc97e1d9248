using System.Buffers.Binary;

namespace MicroAI.Imaging.Png;

/// <summary>The validated IHDR chunk, plus the per-pixel sizes derived from it.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel: 1 grey or palette index, 2 grey+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels => ColorType switch
    {
        PngColorType.Greyscale or PngColorType.IndexedColor => 1,
        PngColorType.GreyscaleAlpha => 2,
        PngColorType.Truecolor => 3,
        _ => 4,
    };

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>The filter's "bpp": bytes per complete pixel, rounded up to 1 for sub-byte depths.</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    /// <summary>Bytes in one scanline of <paramref name="width"/> pixels, without the filter-type byte.</summary>
    public long RowBytes(int width) => (((long)width * BitsPerPixel) + 7) / 8;

    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
            throw new ImageDecodeException($"PNG: IHDR is {data.Length} bytes, expected 13");
        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new ImageDecodeException($"PNG: invalid image size {width}×{height} in IHDR");
        int bitDepth = data[8];
        var colorType = data[9];
        var allowed = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => throw new ImageDecodeException($"PNG: invalid colour type {colorType} in IHDR"),
        };
        if (!allowed)
            throw new ImageDecodeException($"PNG: bit depth {bitDepth} is not allowed for colour type {colorType}");
        if (data[10] != 0)
            throw new ImageDecodeException($"PNG: unknown compression method {data[10]} in IHDR");
        if (data[11] != 0)
            throw new ImageDecodeException($"PNG: unknown filter method {data[11]} in IHDR");
        if (data[12] > 1)
            throw new ImageDecodeException($"PNG: unknown interlace method {data[12]} in IHDR");
        return new PngHeader((int)width, (int)height, bitDepth, (PngColorType)colorType, data[12] == 1);
    }
}
