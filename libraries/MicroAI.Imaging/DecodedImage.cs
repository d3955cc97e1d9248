namespace MicroAI.Imaging;

/// <summary>
/// A decoded image: 8-bit RGB, interleaved, rows top to bottom with no padding (pixel (x, y) starts at
/// <c>(y * Width + x) * 3</c>). Greyscale sources are stored with R = G = B. Transparency is already resolved:
/// decoders composite alpha onto white (see <see cref="ImageDecoder"/> for why), so every later step works on
/// opaque pixels.
/// </summary>
public sealed class DecodedImage
{
    private readonly byte[] _rgb;

    /// <summary>Wraps <paramref name="rgb"/> (taken as is, not copied) as a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public DecodedImage(int width, int height, byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgb.LongLength != (long)width * height * 3)
            throw new ArgumentException($"expected {(long)width * height * 3} bytes for a {width}×{height} RGB image, got {rgb.LongLength}", nameof(rgb));
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The RGB bytes, <c>Width * Height * 3</c> of them.</summary>
    public ReadOnlySpan<byte> Pixels => _rgb;

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>); for tests and diagnostics, not for loops.</summary>
    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {Width}×{Height} image");
        var i = ((y * Width) + x) * 3;
        return (_rgb[i], _rgb[i + 1], _rgb[i + 2]);
    }
}
