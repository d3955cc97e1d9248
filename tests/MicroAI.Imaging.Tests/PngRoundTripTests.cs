namespace MicroAI.Imaging.Tests;

/// <summary>Every colour type × bit depth × interlacing × filter, encoded by <see cref="TestPngEncoder"/>, decodes to the exact source pixels.</summary>
public sealed class PngRoundTripTests
{
    public static readonly (int ColorType, int BitDepth)[] Formats =
    [
        (0, 1), (0, 2), (0, 4), (0, 8), (0, 16),
        (2, 8), (2, 16),
        (3, 1), (3, 2), (3, 4), (3, 8),
        (4, 8), (4, 16),
        (6, 8), (6, 16),
    ];

    public static TheoryData<int, int, bool, int> AllCombinations()
    {
        var data = new TheoryData<int, int, bool, int>();
        foreach (var (colorType, depth) in Formats)
        {
            foreach (var interlaced in new[] { false, true })
            {
                for (var filter = -1; filter <= 4; filter++)
                    data.Add(colorType, depth, interlaced, filter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Decodes_exactly(int colorType, int depth, bool interlaced, int filter)
    {
        var seed = (colorType * 1000) + (depth * 10) + (interlaced ? 1 : 0) + (filter * 100000);
        AssertRoundTrip(13, 11, new PngOptions(colorType, depth) { Interlaced = interlaced, Filter = filter < 0 ? null : filter }, seed);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 5)]
    [InlineData(5, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 9)]
    [InlineData(9, 3)]
    [InlineData(17, 16)]
    public void Tiny_and_odd_sizes_with_empty_interlace_passes(int width, int height)
    {
        foreach (var (colorType, depth) in Formats)
        {
            foreach (var interlaced in new[] { false, true })
                AssertRoundTrip(width, height, new PngOptions(colorType, depth) { Interlaced = interlaced, FilterSeed = width }, width * height);
        }
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(0, 16)]
    [InlineData(0, 4)]
    [InlineData(2, 8)]
    [InlineData(2, 16)]
    public void Transparency_chunk_for_grey_and_rgb_makes_matching_pixels_white(int colorType, int depth)
    {
        foreach (var interlaced in new[] { false, true })
        {
            var random = new Random(colorType + depth);
            var channels = TestPngEncoder.Channels(colorType);
            var samples = RandomSamples(random, 9 * 7 * channels, depth);
            // Make a few pixels equal to the transparent colour (the value of pixel 0).
            foreach (var p in new[] { 5, 17, 40 })
                Array.Copy(samples, 0, samples, p * channels, channels);
            var transparency = new byte[channels * 2];
            for (var c = 0; c < channels; c++)
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(transparency.AsSpan(c * 2), (ushort)samples[c]);

            var options = new PngOptions(colorType, depth) { Interlaced = interlaced, Transparency = transparency };
            var image = ImageDecoder.Decode(TestPngEncoder.Encode(9, 7, samples, options));
            Assert.Equal(Expected(samples, 9 * 7, options), image.Pixels.ToArray());
            Assert.Equal((255, 255, 255), image.GetPixel(5, 0));
            Assert.Equal((255, 255, 255), image.GetPixel(0, 0));
        }
    }

    [Fact]
    public void Palette_with_short_transparency_chunk_and_out_of_range_index()
    {
        var palette = new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 };
        var alpha = new byte[] { 0, 128 }; // Entries 2 and 3 stay opaque.
        var samples = new[] { 0, 1, 2, 3, 7, 3, 2, 1 }; // Index 7 is past the palette: opaque black.
        var options = new PngOptions(3, 4) { Palette = palette, Transparency = alpha };
        var image = ImageDecoder.Decode(TestPngEncoder.Encode(4, 2, samples, options));
        Assert.Equal((255, 255, 255), image.GetPixel(0, 0));
        Assert.Equal((127, 255, 127), image.GetPixel(1, 0)); // 0·128/255 + 255·127/255 = 127.0, 255 stays 255
        Assert.Equal((0, 0, 255), image.GetPixel(2, 0));
        Assert.Equal((10, 20, 30), image.GetPixel(3, 0));
        Assert.Equal((0, 0, 0), image.GetPixel(0, 1));
    }

    [Fact]
    public void Many_small_IDAT_chunks_and_ancillary_chunks_are_handled()
    {
        var samples = RandomSamples(new Random(7), 20 * 20 * 4, 8);
        var options = new PngOptions(6, 8)
        {
            IdatSize = 7,
            Interlaced = true,
            ChunksBeforeImage = [("gAMA", [0, 0, 0xB1, 0x8F]), ("tEXt", "Comment\0hello"u8.ToArray()), ("prVt", [1, 2, 3])],
            ChunksAfterImage = [("tIME", [7, 0xE9, 1, 2, 3, 4, 5]), ("zzZz", [])],
        };
        var image = ImageDecoder.Decode(TestPngEncoder.Encode(20, 20, samples, options));
        Assert.Equal(Expected(samples, 400, options), image.Pixels.ToArray());
    }

    [Fact]
    public void Data_after_IEND_is_ignored()
    {
        var png = TestPngEncoder.Encode(3, 3, RandomSamples(new Random(1), 27, 8), new PngOptions(2, 8));
        var image = ImageDecoder.Decode([.. png, .. "trailing garbage"u8]);
        Assert.Equal(3, image.Width);
    }

    internal static void AssertRoundTrip(int width, int height, PngOptions options, int seed)
    {
        var random = new Random(seed);
        var channels = TestPngEncoder.Channels(options.ColorType);
        int[] samples;
        if (options.ColorType == 3)
        {
            var entries = Math.Min(256, 1 << options.BitDepth);
            var palette = new byte[entries * 3];
            random.NextBytes(palette);
            options = options with { Palette = palette, Transparency = entries > 2 ? [0, 77, 255, 200] : null };
            samples = Enumerable.Range(0, width * height).Select(_ => random.Next(entries)).ToArray();
        }
        else
        {
            samples = RandomSamples(random, width * height * channels, options.BitDepth);
            if (channels is 2 or 4 && samples.Length >= channels * 3)
            {
                // Make sure fully transparent and fully opaque pixels occur.
                samples[channels - 1] = 0;
                samples[(2 * channels) - 1] = (1 << options.BitDepth) - 1;
            }
        }

        var png = TestPngEncoder.Encode(width, height, samples, options);
        var image = ImageDecoder.Decode(png);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(Expected(samples, width * height, options), image.Pixels.ToArray());
    }

    internal static int[] RandomSamples(Random random, int count, int depth) =>
        Enumerable.Range(0, count).Select(_ => random.Next(1 << depth)).ToArray();

    /// <summary>The expected 8-bit RGB, computed in doubles: scale to 8 bits, composite alpha onto white, round.</summary>
    internal static byte[] Expected(int[] samples, int pixels, PngOptions options)
    {
        var channels = TestPngEncoder.Channels(options.ColorType);
        double max = (1 << options.BitDepth) - 1;
        var rgb = new byte[pixels * 3];
        for (var p = 0; p < pixels; p++)
        {
            var s = samples.AsSpan(p * channels, channels);
            double r, g, b, a = 1;
            if (options.ColorType == 3)
            {
                var palette = options.Palette!;
                var index = s[0];
                if (index * 3 >= palette.Length)
                {
                    r = g = b = 0;
                }
                else
                {
                    (r, g, b) = (palette[index * 3] / 255.0, palette[(index * 3) + 1] / 255.0, palette[(index * 3) + 2] / 255.0);
                    a = options.Transparency is { } t && index < t.Length ? t[index] / 255.0 : 1;
                }
            }
            else
            {
                var colour = options.ColorType is 2 or 6;
                r = s[0] / max;
                g = (colour ? s[1] : s[0]) / max;
                b = (colour ? s[2] : s[0]) / max;
                if (options.ColorType is 4 or 6)
                    a = s[channels - 1] / max;
                if (options.Transparency is { } t && options.ColorType is 0 or 2)
                {
                    var match = true;
                    for (var c = 0; c < channels; c++)
                        match &= ((t[2 * c] << 8) | t[(2 * c) + 1]) == s[c];
                    if (match)
                        a = 0;
                }
            }

            rgb[p * 3] = ToByte((r * a) + (1 - a));
            rgb[(p * 3) + 1] = ToByte((g * a) + (1 - a));
            rgb[(p * 3) + 2] = ToByte((b * a) + (1 - a));
        }

        return rgb;
    }

    private static byte ToByte(double unit) => (byte)Math.Round(unit * 255, MidpointRounding.AwayFromZero);
}
