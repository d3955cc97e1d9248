namespace MicroAI.Imaging;

/// <summary>
/// Bounds on what one request may make the decoder do. Every limit is checked from the headers, before the
/// matching buffer is allocated, so a 40-byte file that declares a 100 000 × 100 000 image costs nothing.
/// </summary>
public sealed record ImageDecodeLimits
{
    /// <summary>The defaults: 8192 × 8192, 40 M pixels, 256 MiB of decompressed data, 64 MiB of encoded input.</summary>
    public static ImageDecodeLimits Default { get; } = new();

    /// <summary>Largest accepted width in pixels.</summary>
    public int MaxWidth { get; init; } = 8192;

    /// <summary>Largest accepted height in pixels.</summary>
    public int MaxHeight { get; init; } = 8192;

    /// <summary>
    /// Largest accepted width × height. Default 40 M: a 12 MP phone photo passes with room to spare, while the
    /// decoded RGB output stays at or under 120 MB.
    /// </summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>
    /// Largest amount of intermediate decoded data: for PNG the inflated scanlines (filter bytes included; they are
    /// streamed row by row, so this bounds work rather than memory), for JPEG the DCT coefficient planes.
    /// </summary>
    public long MaxDecompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest encoded image (the bytes after base64 decoding).</summary>
    public long MaxEncodedBytes { get; init; } = 64L * 1024 * 1024;

    internal static ImageDecodeLimits OrDefault(ImageDecodeLimits? limits) => limits ?? Default;

    /// <summary>Throws unless a <paramref name="width"/> × <paramref name="height"/> image is within the pixel limits.</summary>
    internal void CheckDimensions(long width, long height)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException($"image is {width}×{height}; width and height must be at least 1");
        if (width > MaxWidth || height > MaxHeight)
            throw new ImageDecodeException($"image is {width}×{height}, above the limit of {MaxWidth}×{MaxHeight}");
        if (width * height > MaxPixels)
            throw new ImageDecodeException($"image is {width}×{height} = {width * height} pixels, above the limit of {MaxPixels} pixels");
    }

    internal void CheckDecompressedSize(string format, long bytes)
    {
        if (bytes > MaxDecompressedBytes)
            throw new ImageDecodeException($"{format}: image needs {bytes} bytes of decompressed data, above the limit of {MaxDecompressedBytes} bytes");
    }

    internal void CheckEncodedSize(long bytes)
    {
        if (bytes > MaxEncodedBytes)
            throw new ImageDecodeException($"image payload is {bytes} bytes, above the limit of {MaxEncodedBytes} bytes");
    }
}
