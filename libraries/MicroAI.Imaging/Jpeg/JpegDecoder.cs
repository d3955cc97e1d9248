using System.Buffers.Binary;

namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// JPEG decoder written from ITU T.81 and JFIF: baseline and extended sequential DCT (SOF0, SOF1) and progressive
/// DCT (SOF2), Huffman-coded, 8-bit, greyscale or 3-component YCbCr/RGB with any sampling factors from 1 to 4,
/// restart intervals, and the segments around them (DQT, DHT, DRI, SOS, APPn, COM). Refused with a clear message:
/// arithmetic coding, lossless and hierarchical modes, 12-bit samples, CMYK/YCCK and heights given by DNL.
/// EXIF orientation is ignored: pixels come out in stored order, as PIL gives them without exif_transpose.
/// </summary>
internal sealed class JpegDecoder
{
    /// <summary>
    /// Most scans accepted in one file. A progressive scan can cover every block of the image with a few bytes of
    /// end-of-band runs, so without a cap a small file can cost (scans × blocks) work; real encoders use about 10.
    /// </summary>
    private const int MaxScans = 100;

    private readonly ImageDecodeLimits _limits;
    private readonly ushort[]?[] _quantization = new ushort[4][];
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable[4];
    private JpegFrame? _frame;
    private int _restartInterval;
    private bool _jfif;
    private int _adobeTransform = -1;
    private int _scans;

    private JpegDecoder(ImageDecodeLimits limits) => _limits = limits;

    public static DecodedImage Decode(ReadOnlySpan<byte> data, ImageDecodeLimits limits) => new JpegDecoder(limits).Run(data);

    private DecodedImage Run(ReadOnlySpan<byte> data)
    {
        if (data is not [0xFF, 0xD8, ..])
            throw new ImageDecodeException("JPEG: missing SOI marker");
        var position = 2;
        while (true)
        {
            var marker = NextMarker(data, ref position);
            if (marker < 0 || marker == 0xD9)
                break; // EOI, or the end of the file after the last scan (tolerated, as most decoders do).
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7)
                continue; // SOI, TEM and stray RSTn carry no segment.

            if (data.Length - position < 2)
                throw new ImageDecodeException($"JPEG: file ends inside the header of marker 0x{marker:X2} (truncated)");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            if (length < 2)
                throw new ImageDecodeException($"JPEG: invalid segment length {length} for marker 0x{marker:X2}");
            if (length > data.Length - position)
                throw new ImageDecodeException($"JPEG: file ends inside the segment of marker 0x{marker:X2} (truncated)");
            var segment = data.Slice(position + 2, length - 2);
            position += length;

            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2:
                    if (_frame is not null)
                        throw new ImageDecodeException("JPEG: more than one frame header (SOF)");
                    _frame = JpegFrame.Parse(segment, progressive: marker == 0xC2, _limits);
                    break;
                case 0xC3:
                    throw new ImageDecodeException("JPEG: lossless JPEG is not supported");
                case 0xC5 or 0xC6 or 0xC7:
                    throw new ImageDecodeException("JPEG: hierarchical JPEG is not supported");
                case 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new ImageDecodeException("JPEG: arithmetic-coded JPEG is not supported; send a Huffman-coded (ordinary) JPEG");
                case 0xC4:
                    ReadHuffmanTables(segment);
                    break;
                case 0xDB:
                    ReadQuantizationTables(segment);
                    break;
                case 0xDD:
                    if (segment.Length < 2)
                        throw new ImageDecodeException("JPEG: DRI segment is too short");
                    _restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    position = DecodeScan(data, segment, position);
                    break;
                case 0xE0:
                    _jfif |= segment.StartsWith("JFIF\0"u8);
                    break;
                case 0xEE:
                    if (segment.Length >= 12 && segment.StartsWith("Adobe"u8))
                        _adobeTransform = segment[11];
                    break;
                default:
                    break; // Other APPn, COM, DNL, DAC and reserved markers: nothing this decoder needs.
            }
        }

        if (_frame is null)
            throw new ImageDecodeException("JPEG: no frame header (SOF) before the end of the file");
        if (_scans == 0)
            throw new ImageDecodeException("JPEG: no image data (SOS) before the end of the file");
        return Finish(_frame);
    }

    /// <summary>Finds the next marker from <paramref name="position"/>, skipping fill bytes and any garbage before it; -1 at the end.</summary>
    private static int NextMarker(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length - 1)
        {
            if (data[position] != 0xFF)
            {
                position++;
                continue;
            }

            var code = data[position + 1];
            if (code == 0xFF)
            {
                position++; // Fill byte.
                continue;
            }

            position += 2;
            if (code != 0x00)
                return code;
        }

        position = data.Length;
        return -1;
    }

    private int DecodeScan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> segment, int position)
    {
        var frame = _frame ?? throw new ImageDecodeException("JPEG: scan (SOS) before the frame header (SOF)");
        if (segment.Length < 1)
            throw new ImageDecodeException("JPEG: SOS segment is too short");
        int count = segment[0];
        if (count is < 1 or > 4 || segment.Length < 4 + (2 * count))
            throw new ImageDecodeException($"JPEG: invalid scan header ({count} components in {segment.Length} bytes)");

        var components = new JpegComponent[count];
        var blocksPerMcu = 0;
        for (var i = 0; i < count; i++)
        {
            var selector = segment[1 + (2 * i)];
            var tables = segment[2 + (2 * i)];
            var component = frame.FindComponent(selector)
                ?? throw new ImageDecodeException($"JPEG: scan refers to component {selector}, which the frame does not have");
            if (Array.IndexOf(components, component, 0, i) >= 0)
                throw new ImageDecodeException($"JPEG: scan lists component {selector} twice");
            if ((tables >> 4) > 3 || (tables & 15) > 3)
                throw new ImageDecodeException($"JPEG: invalid Huffman table selectors 0x{tables:X2} in scan");
            component.DcTable = tables >> 4;
            component.AcTable = tables & 15;
            if (component.Quantization is null)
            {
                component.Quantization = _quantization[component.QuantTable]
                    ?? throw new ImageDecodeException($"JPEG: quantisation table {component.QuantTable} is used but not defined");
            }

            components[i] = component;
            blocksPerMcu += component.H * component.V;
        }

        if (count > 1 && blocksPerMcu > 10)
            throw new ImageDecodeException($"JPEG: an MCU of {blocksPerMcu} blocks is above the standard's limit of 10");

        var tail = segment[(1 + (2 * count))..];
        var scan = new JpegScan(components, tail[0], tail[1], tail[2] >> 4, tail[2] & 15);
        if (frame.Progressive)
            ValidateProgressive(scan);

        if (++_scans > MaxScans)
            throw new ImageDecodeException($"JPEG: more than {MaxScans} scans (not a real-world encoder's output)");
        return JpegScanDecoder.Decode(data, position, frame, scan, _dcTables, _acTables, _restartInterval);
    }

    private static void ValidateProgressive(JpegScan scan)
    {
        var valid = scan.SpectralStart == 0
            ? scan.SpectralEnd == 0
            : scan.SpectralStart <= scan.SpectralEnd && scan.SpectralEnd <= 63 && scan.Components.Length == 1;
        if (!valid || scan.BitLow > 13 || (scan.BitHigh != 0 && scan.BitHigh != scan.BitLow + 1))
        {
            throw new ImageDecodeException(
                $"JPEG: invalid progressive scan (spectral band {scan.SpectralStart}..{scan.SpectralEnd}, bits {scan.BitHigh}/{scan.BitLow}, {scan.Components.Length} components)");
        }
    }

    private void ReadQuantizationTables(ReadOnlySpan<byte> segment)
    {
        while (!segment.IsEmpty)
        {
            var precision = segment[0] >> 4;
            var id = segment[0] & 15;
            var size = precision == 0 ? 64 : 128;
            if (precision > 1 || id > 3)
                throw new ImageDecodeException($"JPEG: invalid quantisation table header 0x{segment[0]:X2}");
            if (segment.Length < 1 + size)
                throw new ImageDecodeException("JPEG: DQT segment is too short");

            var table = new ushort[64];
            var zigZag = JpegZigZag.ToNatural;
            for (var k = 0; k < 64; k++)
            {
                table[zigZag[k]] = precision == 0
                    ? segment[1 + k]
                    : BinaryPrimitives.ReadUInt16BigEndian(segment[(1 + (2 * k))..]);
            }

            _quantization[id] = table;
            segment = segment[(1 + size)..];
        }
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> segment)
    {
        while (!segment.IsEmpty)
        {
            if (segment.Length < 17)
                throw new ImageDecodeException("JPEG: DHT segment is too short");
            var tableClass = segment[0] >> 4;
            var id = segment[0] & 15;
            if (tableClass > 1 || id > 3)
                throw new ImageDecodeException($"JPEG: invalid Huffman table header 0x{segment[0]:X2}");
            var counts = segment.Slice(1, 16);
            var total = 0;
            foreach (var count in counts)
                total += count;
            if (total > 256 || segment.Length < 17 + total)
                throw new ImageDecodeException("JPEG: DHT segment is too short for its code counts");

            var table = new JpegHuffmanTable(counts, segment.Slice(17, total));
            (tableClass == 0 ? _dcTables : _acTables)[id] = table;
            segment = segment[(17 + total)..];
        }
    }

    private DecodedImage Finish(JpegFrame frame)
    {
        var upsamplers = new JpegUpsampler[frame.Components.Length];
        for (var i = 0; i < upsamplers.Length; i++)
        {
            var component = frame.Components[i];
            var quantization = component.Quantization
                ?? throw new ImageDecodeException($"JPEG: no scan data for component {component.Id}");
            var stride = component.BlocksWide * 8;
            var plane = new byte[stride * component.BlocksHigh * 8];
            for (var row = 0; row < component.BlocksHigh; row++)
            {
                for (var column = 0; column < component.BlocksWide; column++)
                    JpegIdct.Transform(component.Block(row, column), quantization, plane.AsSpan((row * 8 * stride) + (column * 8)), stride);
            }

            upsamplers[i] = new JpegUpsampler(component, plane, stride, frame);
        }

        // Adobe's transform flag wins when present; JFIF implies YCbCr; otherwise ids 'R', 'G', 'B' mean RGB.
        var ycbcr = frame.Components.Length == 3 && (_adobeTransform >= 0
            ? _adobeTransform != 0
            : _jfif || !(frame.Components[0].Id == 'R' && frame.Components[1].Id == 'G' && frame.Components[2].Id == 'B'));
        return new DecodedImage(frame.Width, frame.Height, JpegColorConverter.ToRgb(frame, upsamplers, ycbcr));
    }
}
