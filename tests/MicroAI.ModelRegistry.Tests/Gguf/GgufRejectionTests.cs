using System.Buffers.Binary;
using System.Diagnostics;
using MicroAI.ModelRegistry.Gguf;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Gguf;

/// <summary>Bad, truncated and hostile files: every one is an error result with an offset, never an exception or a huge allocation.</summary>
public sealed class GgufRejectionTests
{
    // Raw files: "GGUF", version, tensor count, kv count = 24 bytes, so the first key starts at offset 24.

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void A_big_endian_file_is_rejected_as_such(uint version)
    {
        var bytes = new byte[24];
        "GGUF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), version);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), 0);

        var error = GgufAssert.FailsCheaply(bytes, "big-endian file in header at offset 4");

        Assert.Contains($"0x0{version}000000", error);
        Assert.Contains("only little-endian", error);
    }

    [Fact]
    public void A_byte_swapped_magic_is_rejected_as_big_endian() =>
        GgufAssert.FailsCheaply([.. "FUGG"u8, 0, 0, 0, 3], "big-endian file in header at offset 0");

    [Fact]
    public void Version_1_is_rejected_with_a_clear_message()
    {
        var error = GgufAssert.FailsCheaply(GgufWriter.Raw(0, 0, _ => { }, version: 1), "unsupported GGUF version in header at offset 4");

        Assert.Contains("version 1", error);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(4u)]
    [InlineData(0x12345u)]
    public void Unknown_versions_are_rejected(uint version) =>
        GgufAssert.FailsCheaply(GgufWriter.Raw(0, 0, _ => { }, version), $"unsupported GGUF version in header at offset 4: version {version}");

    [Fact]
    public void Other_files_are_not_gguf_and_legacy_ggml_files_are_named()
    {
        GgufAssert.FailsCheaply("PK\u0003\u0004 a zip file"u8.ToArray(), "not a GGUF file in header at offset 0: the magic is 'PK??'");
        GgufAssert.FailsCheaply([.. "tjgg"u8, 1, 0, 0, 0], "legacy GGJT file");
        GgufAssert.FailsCheaply([], "truncated in header at offset 0: needs 4 bytes for the magic");
        GgufAssert.FailsCheaply("GGU"u8.ToArray(), "truncated in header at offset 0");
    }

    [Fact]
    public void Missing_files_and_directories_are_errors_not_exceptions()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".gguf");

        Assert.Contains("cannot read", GgufReader.Read(missing).Error);
        Assert.Contains("cannot read", GgufReader.Read(Path.GetTempPath()).Error);
        Assert.Contains("cannot read", GgufReader.Read("").Error);
    }

    [Fact]
    public void Every_truncation_of_a_small_file_is_an_error()
    {
        var bytes = SmallFile();
        GgufAssert.Reads(bytes);

        for (var length = 0; length < bytes.Length; length++)
        {
            var result = GgufReader.Read(new MemoryStream(bytes, 0, length), length);
            Assert.False(result.IsSuccess, $"a {length}-byte prefix of {bytes.Length} was accepted");
            Assert.Contains(" at offset ", result.Error);
        }
    }

    [Fact]
    public void Every_truncation_through_a_stream_that_ends_early_is_an_error()
    {
        var bytes = SmallFile();
        // Only the header is read, so the cut must fall before the tensor infos end (the padding after them is under 32 bytes).
        var headerEnd = GgufAssert.Reads(bytes).DataOffset - 32;

        for (var length = 0; length < headerEnd; length += 3)
        {
            // The caller claims the full length, but the stream runs dry.
            var result = GgufReader.Read(new NonSeekableStream(bytes[..length]), bytes.Length);
            Assert.False(result.IsSuccess, $"a {length}-byte stream was accepted");
            Assert.Contains("truncated", result.Error);
        }
    }

    [Fact]
    public void Truncations_of_a_real_file_are_errors()
    {
        var bytes = File.ReadAllBytes(TestPaths.Stories260K);
        var lengths = Enumerable.Range(0, 14_200 / 53).Select(i => i * 53).Concat([14_175, 14_176, 500_000, bytes.Length - 1]);

        foreach (var length in lengths)
            Assert.False(GgufReader.Read(new MemoryStream(bytes, 0, length), length).IsSuccess, $"{length} bytes accepted");
    }

    [Fact]
    public void A_truncation_error_names_the_key_the_element_and_the_offset()
    {
        var bytes = new GgufWriter()
            .Add("general.architecture", "llama")                               // 24 + 8+20 + 4 + 8+5 = 69
            .AddStrings("tokenizer.ggml.tokens", Enumerable.Range(0, 6).Select(i => "t" + i)) // key 29, type 4, elem type 4, count 8 → elements at 114
            .ToArray();
        // Three bytes into element 5's length; the 53 bytes after the count still pass the up-front
        // check that 6 strings need at least 6 × 8 bytes, so the truncation is found while reading.
        var cut = 114 + 5 * 10 + 3;

        var error = GgufAssert.FailsCheaply(bytes[..cut], "truncated");

        Assert.Equal("truncated in metadata key 1 ('tokenizer.ggml.tokens') element [5] at offset 164: needs 8 bytes for the string length, 3 left", error);
    }

    public static TheoryData<string, byte[], string> Hostile => new()
    {
        { "key length 2^62", GgufWriter.Raw(0, 1, w => { w.Write(1UL << 62); w.Write(new byte[100]); }), "key too long in metadata key 0 at offset 24: its length is 4611686018427387904, but only 100 bytes are left" },
        { "string length 2^62", GgufWriter.Raw(0, 1, w => { Key(w, "k", GgufValueType.String); w.Write(1UL << 62); }), "string too long in metadata key 0 ('k') at offset 37" },
        { "array count 2^40", GgufWriter.Raw(0, 1, w => { Key(w, "k", GgufValueType.Array); w.Write((uint)GgufValueType.UInt8); w.Write(1UL << 40); }), "array too long in metadata key 0 ('k') at offset 41: 1099511627776 UInt8 elements" },
        { "string array count 2^40", GgufWriter.Raw(0, 1, w => { Key(w, "k", GgufValueType.Array); w.Write((uint)GgufValueType.String); w.Write(1UL << 40); w.Write(new byte[4000]); }), "array too long" },
        { "kv count 2^60", GgufWriter.Raw(0, 1UL << 60, _ => { }), "too many key/values in header at offset 16" },
        { "tensor count 2^60", GgufWriter.Raw(1UL << 60, 0, _ => { }), "too many tensors in header at offset 8" },
        { "counts that only fit apart", GgufWriter.Raw(2, 2, w => w.Write(new byte[60])), "too many tensors and key/values in header at offset 8" },
        { "n_dims 100", GgufWriter.Raw(1, 0, w => { GgufWriter.WriteString(w, "t"); w.Write(100u); w.Write(new byte[800]); }), "too many dimensions in tensor info 0 ('t') at offset 33: 100" },
        { "4 × 2^40 elements", GgufWriter.Raw(1, 0, w => { GgufWriter.WriteString(w, "t"); w.Write(4u); for (var i = 0; i < 4; i++) w.Write(1UL << 40); w.Write(0u); w.Write(0UL); }), "too many elements in tensor info 0 ('t')" },
        { "dimension 2^63", GgufWriter.Raw(1, 0, w => { GgufWriter.WriteString(w, "t"); w.Write(1u); w.Write(1UL << 63); w.Write(0u); w.Write(0UL); }), "bad dimension in tensor info 0 ('t') at offset 37" },
        { "value type 13", GgufWriter.Raw(0, 1, w => { Key(w, "k", (GgufValueType)13); w.Write(0UL); }), "unknown value type in metadata key 0 ('k') at offset 33: 13" },
        { "array element type 99", GgufWriter.Raw(0, 1, w => { Key(w, "k", GgufValueType.Array); w.Write(99u); w.Write(0UL); }), "unknown array element type in metadata key 0 ('k') at offset 37: 99" },
        { "arrays 1000 deep", GgufWriter.Raw(0, 1, w => { Key(w, "k", GgufValueType.Array); for (var i = 0; i < 1000; i++) { w.Write((uint)GgufValueType.Array); w.Write(1UL); } w.Write(0u); w.Write(0UL); }), "arrays nested too deep in metadata key 0 ('k') element [0][0][0][0][0][0][0][0] at offset" },
        { "empty key", GgufWriter.Raw(0, 1, w => { Key(w, "", GgufValueType.UInt8); w.Write((byte)1); }), "empty key in metadata key 0 at offset 24" },
        { "duplicate key", GgufWriter.Raw(0, 2, w => { Key(w, "k", GgufValueType.UInt8); w.Write((byte)1); Key(w, "k", GgufValueType.UInt8); w.Write((byte)1); }), "duplicate key in metadata key 1 ('k') at offset 38" },
        { "duplicate tensor", GgufWriter.Raw(2, 0, w => { Tensor(w, "t", 0, 0, 4); Tensor(w, "t", 0, 32, 4); w.Write(new byte[200]); }), "duplicate tensor name in tensor info 1 ('t')" },
        { "tensor name of 64 bytes", GgufWriter.Raw(1, 0, w => { Tensor(w, new string('n', 64), 0, 0, 4); w.Write(new byte[200]); }), "tensor name too long in tensor info 0 at offset 24: 64 bytes" },
        { "alignment as UInt64", new GgufWriter().Add("general.alignment", GgufValue.FromUInt64(32)).ToArray(), "bad general.alignment in metadata key 0 ('general.alignment') at offset 24: it must be a UInt32, not UInt64" },
        { "alignment 48", new GgufWriter().Add("general.alignment", 48u).ToArray(), "48 is not a power of two" },
        { "alignment 0", new GgufWriter().Add("general.alignment", 0u).ToArray(), "0 is not a power of two" },
        { "misaligned tensor", GgufWriter.Raw(1, 0, w => { Tensor(w, "t", 0, 8, 4); w.Write(new byte[200]); }), "misaligned tensor data in tensor info 0 ('t') at offset 24: data offset 8" },
        { "data past the end", GgufWriter.Raw(1, 0, w => { Tensor(w, "t", 0, 0, 1000); w.Write(new byte[200]); }), "truncated tensor data in tensor info 0 ('t') at offset 24: 4000 bytes at data offset 0" },
        { "overlapping tensors", GgufWriter.Raw(2, 0, w => { Tensor(w, "a", 0, 0, 16); Tensor(w, "b", 0, 32, 16); w.Write(new byte[200]); }), "overlapping tensor data in tensor info 1 ('b') at offset 57: data offset 32 lies inside tensor 'a' (data bytes 0 to 64)" },
        { "same offset twice", GgufWriter.Raw(2, 0, w => { Tensor(w, "b", 0, 64, 8); Tensor(w, "a", 0, 64, 8); w.Write(new byte[200]); }), "overlapping tensor data" },
        { "unknown type past the end", GgufWriter.Raw(1, 0, w => { Tensor(w, "t", 77, 1024, 4); w.Write(new byte[200]); }), "truncated tensor data in tensor info 0 ('t')" },
        { "partial Q8_0 block", GgufWriter.Raw(1, 0, w => { Tensor(w, "t", 8, 0, 31); w.Write(new byte[200]); }), "partial block in tensor info 0 ('t') at offset 33: a row of 31 elements is not a whole number of Q8_0 blocks of 32" },
        { "removed Q4_2", GgufWriter.Raw(1, 0, w => { Tensor(w, "t", 4, 0, 32); w.Write(new byte[200]); }), "unsupported ggml type in tensor info 0 ('t') at offset 45" },
        { "ggml type 2^31", GgufWriter.Raw(1, 0, w => { Tensor(w, "t", unchecked((int)0x80000000), 0, 32); w.Write(new byte[200]); }), "bad ggml type" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_values_fail_fast_without_big_allocations(string what, byte[] bytes, string expected)
    {
        var watch = Stopwatch.StartNew();

        GgufAssert.FailsCheaply(bytes, expected);

        Assert.True(watch.ElapsedMilliseconds < 1000, $"{what} took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void The_absolute_caps_apply_even_when_the_bytes_are_there()
    {
        var bytes = new GgufWriter()
            .Add("s", "hello")
            .Add("a", GgufValue.FromArray(GgufValueType.UInt8, Enumerable.Range(0, 11).Select(i => GgufValue.FromUInt8((byte)i))))
            .Add("x", 1u)
            .AddTensor("t0", 0, 1).AddTensor("t1", 0, 1)
            .ToArray();

        GgufAssert.FailsCheaply(bytes, "exceeds the limit of 4 bytes (GgufReadOptions.MaxStringBytes)", new GgufReadOptions { MaxStringBytes = 4 });
        GgufAssert.FailsCheaply(bytes, "11 elements exceed the limit of 10 (GgufReadOptions.MaxArrayElements)", new GgufReadOptions { MaxArrayElements = 10 });
        GgufAssert.FailsCheaply(bytes, "3 exceeds the limit of 2 (GgufReadOptions.MaxKeyValues)", new GgufReadOptions { MaxKeyValues = 2 });
        GgufAssert.FailsCheaply(bytes, "2 exceeds the limit of 1 (GgufReadOptions.MaxTensors)", new GgufReadOptions { MaxTensors = 1 });
        GgufAssert.FailsCheaply(bytes, "more than 0 levels", new GgufReadOptions { MaxArrayDepth = 0 });
        GgufAssert.Reads(bytes, new GgufReadOptions { MaxStringBytes = 5, MaxArrayElements = 11, MaxKeyValues = 3, MaxTensors = 2, MaxArrayDepth = 1 });
    }

    [Fact]
    public void A_file_without_tensors_may_end_before_the_padding()
    {
        var bytes = new GgufWriter().Add("general.architecture", "llama").AddStrings("tokenizer.ggml.tokens", ["a"]).ToArray();

        var file = GgufAssert.Reads(bytes); // vocabulary-only GGUFs end right after their metadata

        Assert.Empty(file.Tensors);
        Assert.Equal((bytes.Length + 31) / 32 * 32, file.DataOffset);
    }

    [Fact]
    public void Invalid_options_and_arguments_are_programming_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufReader.Read(new MemoryStream(), 0, new GgufReadOptions { MaxTensors = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufReader.Read(new MemoryStream(), 0, new GgufReadOptions { MaxStringBytes = 2L << 30 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufReader.Read(new MemoryStream(), -1));
        Assert.Throws<ArgumentNullException>(() => GgufReader.Read((Stream)null!, 0));
    }

    /// <summary>Header, metadata of most kinds and three tensors: about 600 bytes.</summary>
    internal static byte[] SmallFile() => new GgufWriter()
        .Add("general.architecture", "llama")
        .Add("general.name", "tiny ✓")
        .Add("llama.context_length", 2048u)
        .Add("general.file_type", GgufValue.FromInt32(7))
        .Add("f", GgufValue.FromFloat64(0.5))
        .Add("b", GgufValue.FromBool(true))
        .Add("i8", GgufValue.FromInt8(-3))
        .AddStrings("tokenizer.ggml.tokens", ["<unk>", "<s>", "</s>", "hello"])
        .Add("tokenizer.ggml.scores", GgufValue.FromArray(GgufValueType.Float32, [GgufValue.FromFloat32(0), GgufValue.FromFloat32(-1)]))
        .Add("nested", GgufValue.FromArray(GgufValueType.Array, [GgufValue.FromArray(GgufValueType.UInt16, [GgufValue.FromUInt16(1)]), GgufValue.FromArray(GgufValueType.String, [GgufValue.FromString("x")])]))
        .AddTensor("token_embd.weight", 8, 32, 4)
        .AddTensor("output_norm.weight", 0, 3)
        .AddTensor("output.weight", 1, 2, 2)
        .ToArray();

    private static void Key(BinaryWriter w, string key, GgufValueType type)
    {
        GgufWriter.WriteString(w, key);
        w.Write((uint)type);
    }

    /// <summary>A 1-D tensor info: name, n_dims 1, the size, the type, the offset.</summary>
    private static void Tensor(BinaryWriter w, string name, int type, ulong offset, ulong size)
    {
        GgufWriter.WriteString(w, name);
        w.Write(1u);
        w.Write(size);
        w.Write(type);
        w.Write(offset);
    }
}
