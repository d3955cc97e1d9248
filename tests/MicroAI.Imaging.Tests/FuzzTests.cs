namespace MicroAI.Imaging.Tests;

/// <summary>
/// Seeded random corruption of valid files: every outcome must be a decoded image or an
/// <see cref="ImageDecodeException"/>. Runs against <see cref="ImageDecoder.DecodeCore"/>, which lacks the
/// public entry point's last-resort translation of other exceptions, so decoder bugs show up here.
/// </summary>
public sealed class FuzzTests
{
    // Small limits keep a corrupted size field from making an iteration slow.
    private static readonly ImageDecodeLimits Limits = new() { MaxPixels = 1_000_000, MaxWidth = 4096, MaxHeight = 4096 };

    public static TheoryData<string> Seeds => new() { "png-rgba-interlaced", "png-palette", "png-grey16", "grey", "ycc420", "ycc411", "progressive420", "restart420", "progressive444_restart" };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_byte_flips_never_escape_as_other_exceptions(string name)
    {
        var original = Seed(name);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) ^ 12345);
        var decoded = 0;
        for (var iteration = 0; iteration < 1500; iteration++)
        {
            var data = (byte[])original.Clone();
            var flips = 1 + random.Next(4);
            for (var f = 0; f < flips; f++)
            {
                var at = random.Next(data.Length);
                data[at] = random.Next(3) switch
                {
                    0 => (byte)(data[at] ^ (1 << random.Next(8))),
                    1 => (byte)random.Next(256),
                    _ => 0xFF,
                };
            }

            if (random.Next(10) == 0)
                data = data[..random.Next(data.Length)];
            else if (name.StartsWith("png", StringComparison.Ordinal) && random.Next(4) != 0)
                RepairCrcs(data); // Get past the CRC check to the header, filter and pixel code.

            try
            {
                ImageDecoder.DecodeCore(data, Limits);
                decoded++;
            }
            catch (ImageDecodeException)
            {
            }
        }

        // Some flips land in ignorable places (or in coefficient data, for JPEG), so some decode.
        Assert.InRange(decoded, 1, 1499);
    }

    /// <summary>Recomputes every chunk's CRC that the (possibly corrupted) length fields let us find.</summary>
    private static void RepairCrcs(byte[] png)
    {
        var position = 8;
        while (position + 12 <= png.Length)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            if (length < 0 || length > png.Length - position - 12)
                return;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(position + 8 + length), TestPngEncoder.Crc(png.AsSpan(position + 4, 4 + length)));
            position += 12 + length;
        }
    }

    private static byte[] Seed(string name)
    {
        var random = new Random(99);
        return name switch
        {
            "png-rgba-interlaced" => TestPngEncoder.Encode(9, 7, PngRoundTripTests.RandomSamples(random, 9 * 7 * 4, 8), new PngOptions(6, 8) { Interlaced = true, IdatSize = 50 }),
            "png-palette" => TestPngEncoder.Encode(
                10, 6, PngRoundTripTests.RandomSamples(random, 60, 2), new PngOptions(3, 2) { Palette = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], Transparency = [0, 100] }),
            "png-grey16" => TestPngEncoder.Encode(5, 5, PngRoundTripTests.RandomSamples(random, 25, 16), new PngOptions(0, 16) { Transparency = [0, 7] }),
            _ => Fixtures.Jpeg(name),
        };
    }
}
