using MicroAI.Imaging.Jpeg;
using MicroAI.Imaging.Png;

namespace MicroAI.Imaging;

/// <summary>
/// Decodes PNG and JPEG images from untrusted bytes into <see cref="DecodedImage"/> (8-bit RGB).
/// <para>
/// Transparency is composited onto <b>white</b>. A transparent PNG sent for classification is nearly always a
/// cut-out object or a logo drawn to be seen on a light page, and white is how every viewer and browser shows it;
/// black would turn a transparent background into a black one the user never saw (and that fully transparent
/// pixels with arbitrary colour bytes would otherwise leak through). Compositing here rather than at the tensor
/// step is exact, not a shortcut: resizing is linear, so compositing before or after it gives the same pixels.
/// </para>
/// <para>
/// Colour management is not applied: gAMA, cHRM, sRGB and iCCP chunks, ICC profiles in JPEG APP2 and EXIF
/// orientation are ignored, so samples are used as stored (the way PIL's plain <c>Image.open().convert("RGB")</c>
/// feeds most classifier training pipelines).
/// </para>
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes a PNG or JPEG, recognised by its magic bytes. Throws <see cref="ImageDecodeException"/> and nothing
    /// else for anything wrong with the bytes; <paramref name="limits"/> defaults to <see cref="ImageDecodeLimits.Default"/>.
    /// </summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, ImageDecodeLimits? limits = null)
    {
        var effective = ImageDecodeLimits.OrDefault(limits);
        try
        {
            return DecodeCore(bytes, effective);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException or InvalidDataException or IOException)
        {
            // Defence in depth: a decoder bug on some malformed file must still reach the client as a bad-input
            // error, not as a 500. The tests fuzz DecodeCore directly, where this net is absent, to find such bugs.
            throw new ImageDecodeException("image data is corrupt (the decoder could not make sense of it)", ex);
        }
    }

    /// <summary>Parses a base64 or data-URL payload (see <see cref="ImagePayload.Parse"/>) and decodes it.</summary>
    public static DecodedImage Decode(string payload, ImageDecodeLimits? limits = null) =>
        Decode(ImagePayload.Parse(payload, limits).Data, limits);

    /// <summary>The decoding itself, without the last-resort exception translation of <see cref="Decode(ReadOnlySpan{byte}, ImageDecodeLimits?)"/>.</summary>
    internal static DecodedImage DecodeCore(ReadOnlySpan<byte> bytes, ImageDecodeLimits limits)
    {
        if (bytes.IsEmpty)
            throw new ImageDecodeException("image is empty (0 bytes)");
        limits.CheckEncodedSize(bytes.Length);
        return ImageFormatSniffer.Detect(bytes) switch
        {
            ImageFormatSniffer.Png => PngDecoder.Decode(bytes, limits),
            ImageFormatSniffer.Jpeg => JpegDecoder.Decode(bytes, limits),
            null => throw new ImageDecodeException($"unrecognised image format (starts with {Convert.ToHexString(bytes[..Math.Min(8, bytes.Length)])}); send PNG or JPEG"),
            var other => throw new ImageDecodeException($"unsupported format '{other}'; send PNG or JPEG"),
        };
    }
}
