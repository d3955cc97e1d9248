using System.Buffers.Binary;

namespace MicroAI.Imaging.Jpeg;

/// <summary>The frame header (SOFn, T.81 B.2.2) and the MCU geometry derived from it.</summary>
internal sealed class JpegFrame
{
    private JpegFrame(bool progressive, int width, int height, JpegComponent[] components)
    {
        Progressive = progressive;
        Width = width;
        Height = height;
        Components = components;
        HMax = components.Max(c => c.H);
        VMax = components.Max(c => c.V);
        McusPerLine = (width + (8 * HMax) - 1) / (8 * HMax);
        McusPerColumn = (height + (8 * VMax) - 1) / (8 * VMax);
        foreach (var component in components)
            component.SetGeometry(width, height, HMax, VMax, McusPerLine, McusPerColumn);
    }

    public bool Progressive { get; }

    public int Width { get; }

    public int Height { get; }

    public JpegComponent[] Components { get; }

    public int HMax { get; }

    public int VMax { get; }

    public int McusPerLine { get; }

    public int McusPerColumn { get; }

    /// <summary>Parses SOF0/1/2, checks what this decoder supports and the limits, then allocates the coefficients.</summary>
    public static JpegFrame Parse(ReadOnlySpan<byte> segment, bool progressive, ImageDecodeLimits limits)
    {
        if (segment.Length < 6)
            throw new ImageDecodeException("JPEG: frame header (SOF) is too short");
        int precision = segment[0];
        if (precision != 8)
        {
            throw new ImageDecodeException(precision == 12
                ? "JPEG: 12-bit samples are not supported; send an 8-bit JPEG"
                : $"JPEG: invalid sample precision {precision} bits");
        }

        int height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
        int count = segment[5];
        if (height == 0)
            throw new ImageDecodeException("JPEG: height defined by a DNL marker is not supported");
        if (width == 0)
            throw new ImageDecodeException("JPEG: image width is 0");
        if (count == 4)
            throw new ImageDecodeException("JPEG: CMYK/YCCK (4-component) JPEG is not supported; send an RGB or greyscale JPEG");
        if (count is not 1 and not 3)
            throw new ImageDecodeException($"JPEG: {count} colour components are not supported (only 1 greyscale or 3 YCbCr/RGB)");
        if (segment.Length < 6 + (3 * count))
            throw new ImageDecodeException("JPEG: frame header (SOF) is too short for its components");

        var components = new JpegComponent[count];
        for (var i = 0; i < count; i++)
        {
            var entry = segment.Slice(6 + (3 * i), 3);
            int h = entry[1] >> 4;
            int v = entry[1] & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4)
                throw new ImageDecodeException($"JPEG: invalid sampling factors {h}×{v} for component {entry[0]}");
            if (entry[2] > 3)
                throw new ImageDecodeException($"JPEG: invalid quantisation table {entry[2]} for component {entry[0]}");
            for (var j = 0; j < i; j++)
            {
                if (components[j].Id == entry[0])
                    throw new ImageDecodeException($"JPEG: component id {entry[0]} appears twice in the frame header");
            }

            components[i] = new JpegComponent(entry[0], h, v, entry[2]);
        }

        limits.CheckDimensions(width, height);
        var frame = new JpegFrame(progressive, width, height, components);
        long bytes = 0;
        foreach (var component in components)
            bytes += component.CoefficientBytes + (component.CoefficientBytes / 2); // coefficients + sample plane
        limits.CheckDecompressedSize("JPEG", bytes);
        foreach (var component in components)
            component.Allocate();
        return frame;
    }

    public JpegComponent? FindComponent(int id) => Array.Find(Components, c => c.Id == id);
}
