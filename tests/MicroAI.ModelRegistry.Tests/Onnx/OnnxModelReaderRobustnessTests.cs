using System.Diagnostics;
using MicroAI.ModelRegistry.Onnx;

namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>Truncated, corrupted and hostile input: always an error result, never an exception, never slow.</summary>
public sealed class OnnxModelReaderRobustnessTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Where the top-level graph field (7) ends: every cut before it loses part of the graph.</summary>
    private static long GraphEnd(byte[] model)
    {
        var r = new ProtobufReader(model);
        long end = -1;
        while (r.TryReadTag(out var field, out var wire))
        {
            r.SkipField(field, wire);
            if (field == 7)
                end = r.Position;
        }
        Assert.True(end > 0);
        return end;
    }

    [Fact]
    public void Every_truncation_of_mnist_inside_the_graph_is_an_error()
    {
        var bytes = File.ReadAllBytes(OnnxModelReaderTests.Mnist);
        var graphEnd = GraphEnd(bytes);

        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var result = OnnxModelReader.Read(bytes.AsSpan(0, cut));
            if (cut < graphEnd)
                Assert.False(result.Success, $"cut at {cut} of {bytes.Length}");
            if (cut % 97 == 0)
            {
                using var forwardOnly = new TestStream(new MemoryStream(bytes, 0, cut), seekable: false);
                Assert.Equal(result.Success, OnnxModelReader.Read(forwardOnly).Success);
                using var seekable = new TestStream(new MemoryStream(bytes, 0, cut), seekable: true);
                Assert.Equal(result.Success, OnnxModelReader.Read(seekable).Success);
            }
        }
    }

    [Theory]
    [InlineData("squeezenet")]
    [InlineData("magika")]
    public void Truncations_of_larger_models_are_errors(string which)
    {
        var bytes = File.ReadAllBytes(which == "magika" ? OnnxModelReaderTests.Magika : OnnxModelReaderTests.SqueezeNet);
        var graphEnd = GraphEnd(bytes);
        var rng = new Random(7);

        for (var i = 0; i < 400; i++)
        {
            // Half evenly spread, half near the start where the small fields are.
            var cut = i % 2 == 0 ? (int)((long)bytes.Length * i / 400) : rng.Next(0, 4096);
            var result = OnnxModelReader.Read(bytes.AsSpan(0, cut));
            if (cut < graphEnd)
                Assert.False(result.Success, $"cut at {cut} of {bytes.Length}");
        }
    }

    [Fact]
    public void Truncated_files_are_errors()
    {
        var bytes = File.ReadAllBytes(OnnxModelReaderTests.SqueezeNet);
        var path = Path.Combine(_dir.Path, "truncated.onnx");
        foreach (var cut in new[] { 1, 10, 100, 1000, 100_000, bytes.Length / 2, bytes.Length - 1000 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var result = OnnxModelReader.Read(path);
            Assert.False(result.Success);
            Assert.StartsWith("not a valid ONNX model", result.Error);
        }
    }

    [Fact]
    public void Random_corruption_never_throws_and_streams_agree_with_memory()
    {
        byte[][] seeds =
        [
            File.ReadAllBytes(OnnxModelReaderTests.Mnist),
            OnnxTestModel.MiniLm().Metadata("k", "v").Build(),
            OnnxTestModel.TextClassifier(3).Initializer("w", externalLocation: "model.onnx_data").Build(),
        ];
        var rng = new Random(1234);
        var successes = 0;
        var stopwatch = Stopwatch.StartNew();

        for (var i = 0; i < 1000; i++)
        {
            var data = Mutate(seeds[rng.Next(seeds.Length)], rng);

            var fromMemory = OnnxModelReader.Read(data);
            using var forwardOnly = new TestStream(new MemoryStream(data), seekable: false);
            var fromStream = OnnxModelReader.Read(forwardOnly);

            Assert.Equal(fromMemory.Success, fromStream.Success);
            if (fromMemory.Success)
            {
                successes++;
                Assert.Equal(OnnxModelReaderTests.Describe(fromMemory.Model), OnnxModelReaderTests.Describe(fromStream.Model!));
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(fromMemory.Error));
            }
        }

        Assert.InRange(successes, 1, 999); // some mutations land in skipped bytes, most break something
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        switch (rng.Next(4))
        {
            case 0: // flip a few bytes
                var flipped = (byte[])seed.Clone();
                for (var n = rng.Next(1, 17); n > 0; n--)
                    flipped[rng.Next(flipped.Length)] = (byte)rng.Next(256);
                return flipped;
            case 1: // flip bytes near the start (where the structure is), then truncate
                var head = seed[..rng.Next(1, seed.Length)];
                for (var n = rng.Next(1, 5); n > 0; n--)
                    head[rng.Next(Math.Min(head.Length, 512))] = (byte)rng.Next(256);
                return head;
            case 2: // insert random bytes
                var at = rng.Next(seed.Length);
                var noise = new byte[rng.Next(1, 12)];
                rng.NextBytes(noise);
                return [.. seed.AsSpan(0, at), .. noise, .. seed.AsSpan(at)];
            default: // pure noise
                var random = new byte[rng.Next(0, 4096)];
                rng.NextBytes(random);
                return random;
        }
    }

    public static TheoryData<string> Sources => new() { "span", "seekable", "stream", "file" };

    private OnnxReadResult ReadVia(string source, byte[] data)
    {
        switch (source)
        {
            case "span":
                return OnnxModelReader.Read(data);
            case "seekable":
            case "stream":
                using (var stream = new TestStream(new MemoryStream(data), seekable: source == "seekable"))
                    return OnnxModelReader.Read(stream);
            default:
                var path = Path.Combine(_dir.Path, "hostile.onnx");
                File.WriteAllBytes(path, data);
                return OnnxModelReader.Read(path);
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void A_hostile_graph_length_is_an_error_at_once(string source)
    {
        // ModelProto.graph claiming 2^62 bytes, followed by a few real ones.
        var data = new ProtobufTestWriter().Varint(1, 8L).Tag(7, 2).RawVarint(1UL << 62).Raw([0x12, 0x01, 0x41]).ToArray();

        var stopwatch = Stopwatch.StartNew();
        var result = ReadVia(source, data);

        Assert.False(result.Success);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Hostile_lengths_inside_the_graph_are_errors(string source)
    {
        var lengths = new ulong[] { 1UL << 62, ulong.MaxValue, int.MaxValue, 1_000_000 };
        foreach (var length in lengths)
        {
            // an input whose name claims a huge length
            var name = new ProtobufTestWriter().Tag(1, 2).RawVarint(length).Raw("abc"u8).ToArray();
            var graph = new ProtobufTestWriter().Bytes(11, name).ToArray();
            var data = new ProtobufTestWriter().Bytes(7, graph).ToArray();
            Assert.False(ReadVia(source, data).Success);

            // a metadata value that claims a huge length at the end of the file
            var entry = new ProtobufTestWriter().String(1, "k").Tag(2, 2).RawVarint(length).Raw("v"u8).ToArray();
            var metadata = new ProtobufTestWriter().Bytes(7, graph[..0]).Tag(14, 2).RawVarint((ulong)entry.Length).Raw(entry).ToArray();
            Assert.False(ReadVia(source, metadata).Success);
        }
    }

    [Fact]
    public void Deep_groups_and_huge_shapes_are_refused()
    {
        var groups = new ProtobufTestWriter();
        for (var i = 0; i < 50_000; i++)
            groups.Tag(99, 3);
        Assert.Contains("nested deeper", OnnxModelReader.Read(groups.ToArray()).Error);

        var dims = new object?[OnnxModelReader.MaxRank + 1];
        Array.Fill(dims, 1L);
        var wide = new OnnxTestModel().Input("x", OnnxTestModel.Float, dims).Build();
        Assert.Contains("dimensions", OnnxModelReader.Read(wide).Error);
    }

    [Fact]
    public void Too_many_inputs_are_refused()
    {
        var graph = new ProtobufTestWriter();
        for (var i = 0; i <= OnnxModelReader.MaxValueInfos; i++)
            graph.Bytes(11, []);
        var data = new ProtobufTestWriter().Bytes(7, graph.ToArray()).ToArray();

        var result = OnnxModelReader.Read(data);

        Assert.False(result.Success);
        Assert.Contains("inputs or outputs", result.Error);
    }
}
