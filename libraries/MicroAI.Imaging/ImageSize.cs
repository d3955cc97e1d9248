using System.Buffers.Binary;

namespace MicroAI.Imaging;

/// <summary>
/// Width and height from a PNG or JPEG header without decoding anything, so a caller can refuse a
/// decompression bomb (a small file declaring a huge image) before a single pixel is allocated.
/// </summary>
public static class ImageSize
{
    /// <summary>True with the declared size when <paramref name="data"/> is a PNG (IHDR) or a JPEG with a frame header before its first scan.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.StartsWith(Png.PngDecoder.Signature))
        {
            // Signature (8), IHDR length (4) and type (4), then width and height (4 + 4, big-endian).
            if (data.Length < 24 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
                return false;
            var w = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
            var h = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
            if (w is 0 or > int.MaxValue || h is 0 or > int.MaxValue)
                return false;
            (width, height) = ((int)w, (int)h);
            return true;
        }
        return data is [0xFF, 0xD8, ..] && TryReadJpeg(data, out width, out height);
    }

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var position = 2;
        while (position < data.Length - 1)
        {
            if (data[position] != 0xFF)
            {
                position++;
                continue;
            }
            var marker = data[position + 1];
            position += 2;
            if (marker is 0xFF or 0x00)
            {
                position--; // Fill byte or stuffed zero: look again from the next byte.
                continue;
            }
            if (marker is 0x01 or 0xD8 || marker is >= 0xD0 and <= 0xD7)
                continue; // No segment follows.
            if (marker is 0xD9 or 0xDA || data.Length - position < 2)
                return false; // End of image or the first scan without a frame header.
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7 || data.Length - position < 7)
                    return false;
                height = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 3)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 5)..]);
                return width > 0 && height > 0;
            }
            if (length < 2)
                return false;
            position += length;
        }
        return false;
    }
}
