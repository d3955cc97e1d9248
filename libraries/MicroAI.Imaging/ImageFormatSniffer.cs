namespace MicroAI.Imaging;

/// <summary>
/// Recognises image formats by their magic bytes. Only PNG and JPEG are decoded; the others are named so the
/// client learns what it sent ("unsupported format 'webp'") instead of a generic "corrupt image".
/// </summary>
internal static class ImageFormatSniffer
{
    public const string Png = "png";
    public const string Jpeg = "jpeg";

    /// <summary>A short lower-case format name, or null when the bytes match nothing known.</summary>
    public static string? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(Imaging.Png.PngDecoder.Signature))
            return Png;
        if (data is [0xFF, 0xD8, 0xFF, ..])
            return Jpeg;
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
            return "gif";
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
            return "webp";
        if (data.StartsWith("BM"u8))
            return "bmp";
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
            return "tiff";
        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = data.Slice(8, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
                return "avif";
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8))
                return "heic";
        }

        if (data is [0x00, 0x00, 0x00, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ', ..] or [0xFF, 0x4F, 0xFF, 0x51, ..])
            return "jpeg2000";
        if (data is [0xFF, 0x0A, ..] or [0x00, 0x00, 0x00, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', ..])
            return "jpegxl";
        if (data.StartsWith("qoif"u8))
            return "qoi";
        if (data.StartsWith("8BPS"u8))
            return "psd";
        if (data is [0x00, 0x00, 0x01, 0x00, ..])
            return "ico";
        if (data.StartsWith("%PDF"u8))
            return "pdf";
        var text = data[..Math.Min(data.Length, 256)];
        if (text.IndexOf("<svg"u8) >= 0)
            return "svg";
        return null;
    }
}
