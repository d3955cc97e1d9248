using MicroAI.ModelRegistry.Gguf;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Gguf;

/// <summary>Random corruption (fixed seeds, so failures reproduce) never makes the reader throw.</summary>
public sealed class GgufFuzzTests
{
    [Fact]
    public void Two_thousand_random_mutations_of_a_small_file_never_throw()
    {
        var original = GgufRejectionTests.SmallFile();
        var random = new Random(20_240_611);
        var accepted = 0;

        for (var i = 0; i < 2000; i++)
        {
            var bytes = Mutate(original, random);
            // Alternate the stream kinds so both the seek and the read-through skip paths are fuzzed.
            Stream stream = i % 2 == 0 ? new MemoryStream(bytes) : new NonSeekableStream(bytes);
            var result = GgufReader.Read(stream, bytes.Length);

            Assert.True(result.IsSuccess ^ (result.Error is not null), $"mutation {i}");
            if (result.IsSuccess)
                accepted++;
            else
                Assert.Contains(" at offset ", result.Error);
        }

        // Some mutations only touch tensor data or values, so both outcomes must occur.
        Assert.InRange(accepted, 1, 1999);
    }

    [Fact]
    public void Random_mutations_of_a_real_header_never_throw()
    {
        var bytes = File.ReadAllBytes(TestPaths.Stories260K);
        const int headerLength = 14_176; // metadata and tensor infos; the rest is tensor data
        var random = new Random(7);

        for (var i = 0; i < 300; i++)
        {
            var at = random.Next(headerLength - 8);
            var saved = bytes[at..(at + 8)];
            random.NextBytes(bytes.AsSpan(at, random.Next(1, 9)));

            var result = GgufReader.Read(new MemoryStream(bytes), bytes.Length);

            Assert.True(result.IsSuccess ^ (result.Error is not null), $"mutation {i} at {at}");
            saved.CopyTo(bytes, at);
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bits
                for (var n = random.Next(1, 5); n > 0; n--)
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1: // overwrite a few bytes with noise
                random.NextBytes(bytes.AsSpan(random.Next(bytes.Length - 8), random.Next(1, 9)));
                return bytes;
            case 2: // plant a hostile 64-bit value where a count or length may be
                {
                    ulong[] hostile = [0, 1, 0xFF, 0xFFFF_FFFF, 1UL << 31, 1UL << 40, 1UL << 62, ulong.MaxValue, (ulong)bytes.Length];
                    var at = random.Next(bytes.Length - 8);
                    BitConverter.TryWriteBytes(bytes.AsSpan(at), hostile[random.Next(hostile.Length)]);
                    return bytes;
                }
            case 3: // truncate
                return bytes[..random.Next(bytes.Length)];
            case 4: // delete a run of bytes
                {
                    var at = random.Next(bytes.Length);
                    var count = random.Next(1, Math.Min(16, bytes.Length - at) + 1);
                    return [.. bytes[..at], .. bytes[(at + count)..]];
                }
            default: // insert a run of noise
                {
                    var at = random.Next(bytes.Length);
                    var noise = new byte[random.Next(1, 16)];
                    random.NextBytes(noise);
                    return [.. bytes[..at], .. noise, .. bytes[at..]];
                }
        }
    }
}
