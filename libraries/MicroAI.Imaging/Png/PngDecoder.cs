using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace MicroAI.Imaging.Png;

/// <summary>
/// PNG decoder written from the W3C PNG specification: every chunk's CRC is checked, IHDR is validated, all colour
/// types and bit depths, all five filters and Adam7 interlacing are supported. Ancillary chunks are skipped
/// (gamma and colour profiles included); unknown critical chunks are refused. Compressed data is inflated with
/// <see cref="ZLibStream"/> one scanline at a time into two reused row buffers, so memory is the compressed input,
/// the RGB output and two rows, whatever the compression ratio, and inflation stops at the size IHDR implies.
/// </summary>
internal static class PngDecoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static DecodedImage Decode(ReadOnlySpan<byte> data, ImageDecodeLimits limits)
    {
        if (!data.StartsWith(Signature))
            throw new ImageDecodeException("PNG: bad signature");

        var chunks = ReadChunks(data, limits);
        var header = chunks.Header;
        var converter = new PngPixelConverter(
            header,
            chunks.Palette.Length > 0 ? data.Slice(chunks.Palette.Start, chunks.Palette.Length) : default,
            chunks.Transparency.Length > 0 ? data.Slice(chunks.Transparency.Start, chunks.Transparency.Length) : default,
            chunks.Transparency.Length > 0);

        // The IDAT payloads, concatenated: they form one zlib stream. Bounded by the input size.
        var compressed = ArrayPool<byte>.Shared.Rent(Math.Max(1, chunks.CompressedLength));
        var rowCapacity = checked((int)header.RowBytes(header.Width) + 1);
        var current = ArrayPool<byte>.Shared.Rent(rowCapacity);
        var previous = ArrayPool<byte>.Shared.Rent(rowCapacity);
        try
        {
            var written = 0;
            foreach (var range in chunks.ImageData)
            {
                data.Slice(range.Start, range.Length).CopyTo(compressed.AsSpan(written));
                written += range.Length;
            }

            var rgb = new byte[(long)header.Width * header.Height * 3];
            using var source = new MemoryStream(compressed, 0, written, writable: false);
            using var inflater = new ZLibStream(source, CompressionMode.Decompress);
            var passes = header.Interlaced ? Adam7Pass.Passes : Adam7Pass.None;
            for (var p = 0; p < passes.Length; p++)
                DecodePass(inflater, header, passes[p], p, converter, rgb, ref current, ref previous);
            return new DecodedImage(header.Width, header.Height, rgb);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // Corrupt deflate data surfaces as InvalidDataException, or as ZLibException (an IOException) for
            // some invalid streams: both mean the same thing to the client.
            throw new ImageDecodeException($"PNG: corrupt compressed image data ({ex.Message})", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(previous);
        }
    }

    private static void DecodePass(
        ZLibStream inflater, PngHeader header, Adam7Pass pass, int passIndex, PngPixelConverter converter, byte[] rgb, ref byte[] current, ref byte[] previous)
    {
        var width = pass.Width(header.Width);
        var height = pass.Height(header.Height);
        if (width == 0 || height == 0)
            return; // An empty pass has no scanlines, not even filter bytes.

        var rowBytes = (int)header.RowBytes(width);
        var stride = header.FilterStride;
        previous.AsSpan(0, rowBytes + 1).Clear(); // The row above the first one counts as zeros.
        for (var r = 0; r < height; r++)
        {
            var line = current.AsSpan(0, rowBytes + 1);
            if (inflater.ReadAtLeast(line, line.Length, throwOnEndOfStream: false) < line.Length)
            {
                throw new ImageDecodeException(header.Interlaced
                    ? $"PNG: image data ends early (truncated), in scanline {r} of interlace pass {passIndex + 1}"
                    : $"PNG: image data ends early (truncated), in scanline {r} of {header.Height}");
            }

            PngFilter.Unfilter(line[0], line[1..], previous.AsSpan(1, rowBytes), stride, r);
            var y = pass.YStart + (r * pass.YStep);
            var offset = (((long)y * header.Width) + pass.XStart) * 3;
            converter.ConvertRow(line[1..], width, rgb.AsSpan((int)offset), pass.XStep);
            (current, previous) = (previous, current);
        }
    }

    private static PngChunks ReadChunks(ReadOnlySpan<byte> data, ImageDecodeLimits limits)
    {
        var chunks = new PngChunks();
        var position = Signature.Length;
        var sawHeader = false;
        var idatClosed = false; // Set by the first non-IDAT chunk after an IDAT: IDATs must be consecutive.
        while (true)
        {
            if (data.Length - position < 12)
            {
                throw new ImageDecodeException(position == data.Length
                    ? $"PNG: file ends before IEND (truncated after {data.Length} bytes)"
                    : $"PNG: file ends inside a chunk header (truncated after {data.Length} bytes)");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data[position..]);
            var typeBytes = data.Slice(position + 4, 4);
            var type = ChunkName(typeBytes);
            if (length > int.MaxValue)
                throw new ImageDecodeException($"PNG: chunk '{type}' declares {length} bytes, above the format's 2^31 − 1");
            if (length > data.Length - position - 12)
                throw new ImageDecodeException($"PNG: file ends inside chunk '{type}' (truncated: it declares {length} bytes, {data.Length - position - 12} remain)");

            var body = data.Slice(position + 8, (int)length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(data[(position + 8 + (int)length)..]);
            if (Crc32.Compute(data.Slice(position + 4, 4 + (int)length)) != stored)
                throw new ImageDecodeException($"PNG: bad CRC in {type}");

            if (!sawHeader && type != "IHDR")
                throw new ImageDecodeException($"PNG: first chunk is '{type}', expected IHDR");
            if (chunks.ImageData.Count > 0 && type != "IDAT")
                idatClosed = true;

            switch (type)
            {
                case "IHDR":
                    if (sawHeader)
                        throw new ImageDecodeException("PNG: more than one IHDR chunk");
                    sawHeader = true;
                    chunks.Header = PngHeader.Parse(body);
                    CheckLimits(chunks.Header, limits);
                    break;
                case "PLTE":
                    if (chunks.ImageData.Count > 0)
                        throw new ImageDecodeException("PNG: PLTE chunk after IDAT");
                    if (chunks.Header.ColorType == PngColorType.IndexedColor)
                    {
                        if (length == 0 || length > 768 || length % 3 != 0)
                            throw new ImageDecodeException($"PNG: PLTE is {length} bytes; expected 1 to 256 RGB entries (3 bytes each)");
                        chunks.Palette = (position + 8, (int)length);
                    }

                    break; // A suggested palette for RGB images is only a hint; greyscale ones are ignored too.
                case "tRNS":
                    // Only meaningful before IDAT and for colour types without an alpha channel.
                    if (chunks.ImageData.Count == 0 && chunks.Header.ColorType is not (PngColorType.GreyscaleAlpha or PngColorType.TruecolorAlpha))
                        chunks.Transparency = (position + 8, (int)length);
                    break;
                case "IDAT":
                    if (idatClosed)
                        throw new ImageDecodeException("PNG: IDAT chunks are not consecutive");
                    if (chunks.Header.ColorType == PngColorType.IndexedColor && chunks.Palette.Length == 0)
                        throw new ImageDecodeException("PNG: indexed-colour image has no PLTE chunk before IDAT");
                    chunks.ImageData.Add((position + 8, (int)length));
                    chunks.CompressedLength += (int)length;
                    break;
                case "IEND":
                    if (chunks.ImageData.Count == 0)
                        throw new ImageDecodeException("PNG: no IDAT chunk (no image data)");
                    return chunks;
                default:
                    // Bit 5 of the first byte clear (an upper-case letter) marks a chunk needed to show the image.
                    if ((typeBytes[0] & 0x20) == 0)
                        throw new ImageDecodeException($"PNG: unknown critical chunk '{type}'");
                    break;
            }

            position += 12 + (int)length;
        }
    }

    /// <summary>Checks the size limits from IHDR alone, before anything of that size is allocated.</summary>
    private static void CheckLimits(PngHeader header, ImageDecodeLimits limits)
    {
        limits.CheckDimensions(header.Width, header.Height);
        long inflated = 0;
        var passes = header.Interlaced ? Adam7Pass.Passes : Adam7Pass.None;
        foreach (var pass in passes)
        {
            var width = pass.Width(header.Width);
            var height = pass.Height(header.Height);
            if (width > 0 && height > 0)
                inflated += height * (header.RowBytes(width) + 1);
        }

        limits.CheckDecompressedSize("PNG", inflated);
        if (header.RowBytes(header.Width) + 1 > Array.MaxLength)
            throw new ImageDecodeException($"PNG: scanlines of {header.Width} pixels are too long");
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (!char.IsAsciiLetter((char)b))
                throw new ImageDecodeException($"PNG: invalid chunk type {Convert.ToHexString(type)} (corrupt or not a PNG)");
        }

        return type switch
        {
            [(byte)'I', (byte)'H', (byte)'D', (byte)'R'] => "IHDR",
            [(byte)'I', (byte)'D', (byte)'A', (byte)'T'] => "IDAT",
            [(byte)'I', (byte)'E', (byte)'N', (byte)'D'] => "IEND",
            [(byte)'P', (byte)'L', (byte)'T', (byte)'E'] => "PLTE",
            [(byte)'t', (byte)'R', (byte)'N', (byte)'S'] => "tRNS",
            _ => System.Text.Encoding.ASCII.GetString(type),
        };
    }

    /// <summary>What the chunk walk found: the header and where in the input the interesting payloads are.</summary>
    private sealed class PngChunks
    {
        public PngHeader Header { get; set; }

        public (int Start, int Length) Palette { get; set; }

        public (int Start, int Length) Transparency { get; set; }

        public List<(int Start, int Length)> ImageData { get; } = [];

        public int CompressedLength { get; set; }
    }
}
