namespace MicroAI.Imaging.Tests;

/// <summary>Broken, hostile and unsupported PNGs end in <see cref="ImageDecodeException"/> with a message that says what is wrong.</summary>
public sealed class PngMalformedTests
{
    private static readonly byte[] Small = TestPngEncoder.Encode(
        6, 5, PngRoundTripTests.RandomSamples(new Random(3), 6 * 5 * 4, 8), new PngOptions(6, 8) { Interlaced = true, IdatSize = 40 });

    [Fact]
    public void Truncation_at_every_offset_is_an_ImageDecodeException()
    {
        for (var length = 0; length < Small.Length; length++)
            Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeCore(Small.AsSpan(0, length), ImageDecodeLimits.Default));
        Assert.Equal(6, ImageDecoder.DecodeCore(Small, ImageDecodeLimits.Default).Width);
    }

    [Fact]
    public void Truncated_file_says_so()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Small.AsSpan(0, Small.Length - 30)));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Bad_crc_names_the_chunk()
    {
        var png = (byte[])Small.Clone();
        png[16] ^= 1; // Inside IHDR's width.
        Assert.Equal("PNG: bad CRC in IHDR", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);

        png = (byte[])Small.Clone();
        png[^1] ^= 0x40; // IEND's CRC.
        Assert.Equal("PNG: bad CRC in IEND", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    public void Zero_size_is_refused(int width, int height)
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(width, height, 8, 2)), ("IEND", [])]);
        Assert.Contains("invalid image size", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Huge_declared_size_fails_on_the_limit_before_any_large_allocation()
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(20000, 20000, 16, 6)), ("IDAT", TestPngEncoder.Compress(new byte[100])), ("IEND", [])]);
        var limits = new ImageDecodeLimits { MaxWidth = 4096, MaxHeight = 4096 };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, limits));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "allocated a lot before failing");
        Assert.Equal("image is 20000×20000, above the limit of 4096×4096", error.Message);
    }

    [Fact]
    public void Pixel_count_and_decompressed_size_limits_apply()
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(8000, 8000, 8, 2)), ("IEND", [])]);
        Assert.Contains("64000000 pixels, above the limit of 40000000 pixels", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);

        var limits = new ImageDecodeLimits { MaxDecompressedBytes = 1000 };
        var small = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(100, 100, 16, 6)), ("IEND", [])]);
        Assert.Contains("above the limit of 1000 bytes", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(small, limits)).Message);
    }

    [Fact]
    public void Decompression_bomb_stops_at_the_size_the_header_implies()
    {
        // 200 MB of zeros compress to ~200 KB; the image only needs 2 × (1 + 2) bytes of it.
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(2, 2, 8, 0)), ("IDAT", TestPngEncoder.Compress(new byte[200_000_000])), ("IEND", [])]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var image = ImageDecoder.Decode(png);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000);
        Assert.Equal((0, 0, 0), image.GetPixel(1, 1));
    }

    [Fact]
    public void Wrong_filter_byte_is_reported()
    {
        byte[] raw = [0, 1, 2, 3, 7, 4, 5, 6];
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(3, 2, 8, 0)), ("IDAT", TestPngEncoder.Compress(raw)), ("IEND", [])]);
        Assert.Equal("PNG: invalid filter type 7 on scanline 1", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Corrupt_zlib_data_is_reported()
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(3, 2, 8, 0)), ("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF]), ("IEND", [])]);
        Assert.Contains("PNG: corrupt compressed image data", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Too_little_image_data_is_reported()
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(3, 2, 8, 0)), ("IDAT", TestPngEncoder.Compress([0, 1, 2, 3])), ("IEND", [])]);
        Assert.Contains("image data ends early", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Theory]
    [InlineData(0, 3, "bit depth 3 is not allowed for colour type 0")]
    [InlineData(2, 4, "bit depth 4 is not allowed for colour type 2")]
    [InlineData(3, 16, "bit depth 16 is not allowed for colour type 3")]
    [InlineData(5, 8, "invalid colour type 5")]
    public void Invalid_header_combinations_are_refused(int colorType, int depth, string message)
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(4, 4, depth, colorType)), ("IEND", [])]);
        Assert.Contains(message, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Unknown_interlace_compression_and_filter_methods_are_refused()
    {
        Assert.Contains("interlace method 2", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(4, 4, 8, 0, interlace: 2)), ("IEND", [])]))).Message);
        Assert.Contains("compression method 1", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(4, 4, 8, 0, compression: 1)), ("IEND", [])]))).Message);
        Assert.Contains("filter method 1", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(4, 4, 8, 0, filter: 1)), ("IEND", [])]))).Message);
    }

    [Fact]
    public void Chunk_order_rules_are_enforced()
    {
        var idat = TestPngEncoder.Compress(new byte[2 * 3]);
        var header = TestPngEncoder.Header(2, 2, 8, 0);
        Assert.Equal("PNG: unknown critical chunk 'CRIT'", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", header), ("CRIT", [1]), ("IDAT", idat), ("IEND", [])]))).Message);
        Assert.Equal("PNG: first chunk is 'tEXt', expected IHDR", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("tEXt", [65]), ("IHDR", header), ("IDAT", idat), ("IEND", [])]))).Message);
        Assert.Equal("PNG: IDAT chunks are not consecutive", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", header), ("IDAT", idat[..4]), ("tEXt", [65]), ("IDAT", idat[4..]), ("IEND", [])]))).Message);
        Assert.Equal("PNG: no IDAT chunk (no image data)", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", header), ("IEND", [])]))).Message);
        Assert.Equal("PNG: indexed-colour image has no PLTE chunk before IDAT", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(2, 2, 8, 3)), ("IDAT", idat), ("IEND", [])]))).Message);
        Assert.Contains("PLTE is 4 bytes", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(2, 2, 8, 3)), ("PLTE", [1, 2, 3, 4]), ("IDAT", idat), ("IEND", [])]))).Message);
        Assert.Contains("file ends before IEND", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(
            TestPngEncoder.Build([("IHDR", header), ("IDAT", idat)]))).Message);
    }

    [Fact]
    public void Chunk_length_beyond_the_file_is_reported_without_reading_past_it()
    {
        var png = TestPngEncoder.Build([("IHDR", TestPngEncoder.Header(2, 2, 8, 0))]);
        byte[] huge = [0x7F, 0xFF, 0xFF, 0xFF, (byte)'I', (byte)'D', (byte)'A', (byte)'T', 0, 0, 0, 0];
        Assert.Contains("file ends inside chunk 'IDAT'", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([.. png, .. huge])).Message);
        byte[] negative = [0x80, 0, 0, 0, (byte)'I', (byte)'D', (byte)'A', (byte)'T', 0, 0, 0, 0];
        Assert.Contains("above the format's", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([.. png, .. negative])).Message);
    }
}
