namespace MicroAI.Imaging.Tests;

/// <summary>
/// JPEG fixtures (Fixtures/README.md) against two independent reference decodes: libjpeg-turbo's djpeg and jpeg-js.
/// <para>
/// Tolerances. Against djpeg: mean |Δ| ≤ 0.25 and max |Δ| ≤ 3 per channel. Our IDCT is float and exact to the
/// definition while djpeg's default is a 13-bit integer approximation, which moves a rounding boundary now and
/// then (±1), and the fixed-point colour conversion can add another unit; both decoders interpolate 2× chroma the
/// same way. 4:1:1 gets mean ≤ 1, max ≤ 12: there libjpeg replicates chroma 4× while we interpolate, so colour
/// edges differ by design. Against jpeg-js: mean ≤ 0.6 and max ≤ 3 without subsampling; mean ≤ 1 and max ≤ 12
/// with it, since jpeg-js always replicates chroma (nearest) instead of interpolating. Measured worst cases: djpeg
/// 0.16 / 3 (4:1:1: 0.62 / 11), jpeg-js 0.55 / 3 and 0.96 / 11.
/// </para>
/// </summary>
public sealed class JpegDecoderTests
{
    public static TheoryData<string, bool> References => new()
    {
        { "grey", false }, { "ycc444", false }, { "ycc422", true }, { "ycc420", true }, { "ycc411", true }, { "ycc440", true },
        { "optimized420", true }, { "restart420", true }, { "restart_grey", false }, { "progressive420", true },
        { "progressive_grey", false }, { "progressive444_restart", false }, { "rgb", false }, { "jpegjs_444", false },
        { "noninterleaved420", true },
    };

    [Theory]
    [MemberData(nameof(References))]
    public void Matches_reference_decoders(string name, bool subsampled)
    {
        var image = ImageDecoder.Decode(Fixtures.Jpeg(name));
        var wide = name == "ycc411";
        AssertClose(image, $"{name}.djpeg.pnm", wide ? 1.0 : 0.25, wide ? 12 : 3);
        if (name != "rgb") // jpeg-js ignores the Adobe "no transform" flag and decodes RGB files as YCbCr.
            AssertClose(image, $"{name}.jpegjs.ppm", subsampled ? 1.0 : 0.6, subsampled ? 12 : 3);
    }

    [Fact]
    public void Greyscale_comes_out_with_equal_channels()
    {
        var image = ImageDecoder.Decode(Fixtures.Jpeg("grey"));
        Assert.Equal((37, 29), (image.Width, image.Height));
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var (r, g, b) = image.GetPixel(x, y);
                Assert.True(r == g && g == b);
            }
        }
    }

    [Fact]
    public void Arithmetic_coding_is_refused_clearly()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Fixtures.Jpeg("arithmetic")));
        Assert.Contains("arithmetic-coded JPEG is not supported", error.Message);
    }

    [Theory]
    [InlineData(0xC3, "lossless JPEG is not supported")]
    [InlineData(0xC5, "hierarchical JPEG is not supported")]
    [InlineData(0xC9, "arithmetic-coded JPEG is not supported")]
    public void Other_processes_are_refused_clearly(byte marker, string message)
    {
        var jpeg = Fixtures.Jpeg("ycc420");
        jpeg[FindMarker(jpeg, 0xC0) + 1] = marker;
        Assert.Contains(message, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg)).Message);
    }

    [Fact]
    public void Twelve_bit_samples_are_refused_clearly()
    {
        var jpeg = Fixtures.Jpeg("ycc420");
        jpeg[FindMarker(jpeg, 0xC0) + 4] = 12;
        Assert.Contains("12-bit samples are not supported", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg)).Message);
    }

    [Fact]
    public void Cmyk_is_refused_clearly()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xC0, 0, 20, 8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0, 0xFF, 0xD9];
        Assert.Contains("CMYK", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg)).Message);
    }

    [Fact]
    public void Height_from_DNL_is_refused_clearly()
    {
        var jpeg = Fixtures.Jpeg("grey");
        var sof = FindMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0;
        jpeg[sof + 6] = 0;
        Assert.Contains("DNL", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg)).Message);
    }

    [Fact]
    public void Huge_declared_size_fails_on_the_limit_before_allocating()
    {
        var jpeg = Fixtures.Jpeg("ycc420");
        var sof = FindMarker(jpeg, 0xC0);
        jpeg[sof + 5] = jpeg[sof + 6] = jpeg[sof + 7] = jpeg[sof + 8] = 0xFF;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Equal("image is 65535×65535, above the limit of 8192×8192", error.Message);
    }

    [Fact]
    public void Coefficient_memory_is_bounded_by_the_decompressed_limit()
    {
        var limits = new ImageDecodeLimits { MaxDecompressedBytes = 1000 };
        Assert.Contains("above the limit of 1000 bytes", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Fixtures.Jpeg("ycc420"), limits)).Message);
    }

    [Fact]
    public void Wrong_restart_marker_is_reported()
    {
        var jpeg = Fixtures.Jpeg("restart420");
        var rst = FindMarker(jpeg, 0xD0, FindMarker(jpeg, 0xDA));
        jpeg[rst + 1] = 0xD3;
        Assert.Contains("expected restart marker RST0", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg)).Message);
    }

    [Fact]
    public void Scan_with_an_undefined_huffman_table_is_reported()
    {
        var jpeg = Fixtures.Jpeg("grey");
        var sos = FindMarker(jpeg, 0xDA);
        jpeg[sos + 6] = 0x33; // Component 1 uses DC table 3 and AC table 3, which were never defined.
        Assert.Contains("which is not defined", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg)).Message);
    }

    [Theory]
    [InlineData("grey")]
    [InlineData("ycc420")]
    [InlineData("progressive420")]
    [InlineData("restart420")]
    public void Truncation_at_every_offset_fails_cleanly_or_decodes(string name)
    {
        var jpeg = Fixtures.Jpeg(name);
        var sos = FindMarker(jpeg, 0xDA);
        for (var length = 0; length < jpeg.Length; length++)
        {
            try
            {
                ImageDecoder.DecodeCore(jpeg.AsSpan(0, length), ImageDecodeLimits.Default);
                // Only a file cut after its (last) scan data may still decode, as it does elsewhere.
                Assert.True(length >= jpeg.Length - 2 || name.StartsWith("progressive", StringComparison.Ordinal), $"decoded when cut at {length}");
            }
            catch (ImageDecodeException)
            {
            }
        }

        // Cut in the middle of the (first) scan's data: an error, not an image half made of zeros.
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeCore(jpeg.AsSpan(0, (sos + jpeg.Length) / 2), ImageDecodeLimits.Default));
    }

    private static void AssertClose(DecodedImage image, string referenceFile, double maxMean, int maxError)
    {
        var (width, height, rgb) = Fixtures.ReadPnm(Path.Combine(Fixtures.Folder, "jpeg", referenceFile));
        Assert.Equal((width, height), (image.Width, image.Height));
        var pixels = image.Pixels;
        double total = 0;
        var max = 0;
        for (var i = 0; i < rgb.Length; i++)
        {
            var d = Math.Abs(pixels[i] - rgb[i]);
            total += d;
            max = Math.Max(max, d);
        }

        var mean = total / rgb.Length;
        Assert.True(mean <= maxMean && max <= maxError, $"{referenceFile}: mean |Δ| {mean:F3} (limit {maxMean}), max |Δ| {max} (limit {maxError})");
    }

    internal static int FindMarker(byte[] jpeg, byte marker, int from = 2)
    {
        for (var i = from; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
                return i;
        }

        throw new InvalidOperationException($"marker {marker:X2} not found");
    }
}
