using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Tests.Gguf;

/// <summary>Files written by <see cref="GgufWriter"/> read back exactly.</summary>
public sealed class GgufRoundTripTests
{
    public static TheoryData<string, GgufValue> Scalars => new()
    {
        { "u8", GgufValue.FromUInt8(byte.MaxValue) },
        { "i8", GgufValue.FromInt8(sbyte.MinValue) },
        { "u16", GgufValue.FromUInt16(ushort.MaxValue) },
        { "i16", GgufValue.FromInt16(short.MinValue) },
        { "u32", GgufValue.FromUInt32(uint.MaxValue) },
        { "i32", GgufValue.FromInt32(int.MinValue) },
        { "f32", GgufValue.FromFloat32(-1.5e-7f) },
        { "f32 nan", GgufValue.FromFloat32(float.NaN) },
        { "f32 -0", GgufValue.FromFloat32(-0.0f) },
        { "true", GgufValue.FromBool(true) },
        { "false", GgufValue.FromBool(false) },
        { "string", GgufValue.FromString("héllo ✓ 日本語 🦙") },
        { "empty string", GgufValue.FromString("") },
        { "u64", GgufValue.FromUInt64(ulong.MaxValue) },
        { "i64", GgufValue.FromInt64(long.MinValue) },
        { "f64", GgufValue.FromFloat64(Math.PI) },
        { "f64 inf", GgufValue.FromFloat64(double.NegativeInfinity) },
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void Every_scalar_type_round_trips(string key, GgufValue value)
    {
        var file = GgufAssert.Reads(new GgufWriter().Add(key, value).Add("after", "still here").ToArray());

        GgufAssert.Same(value, file.Metadata[key]);
        Assert.Equal("still here", file.GetString("after"));
    }

    [Fact]
    public void Arrays_of_every_element_type_round_trip()
    {
        var arrays = new Dictionary<string, GgufValue>
        {
            ["u8"] = Array(GgufValueType.UInt8, GgufValue.FromUInt8(0), GgufValue.FromUInt8(1), GgufValue.FromUInt8(255)),
            ["i8"] = Array(GgufValueType.Int8, GgufValue.FromInt8(-128), GgufValue.FromInt8(127)),
            ["u16"] = Array(GgufValueType.UInt16, GgufValue.FromUInt16(65535)),
            ["i16"] = Array(GgufValueType.Int16, GgufValue.FromInt16(-2), GgufValue.FromInt16(3)),
            ["u32"] = Array(GgufValueType.UInt32, GgufValue.FromUInt32(7), GgufValue.FromUInt32(uint.MaxValue)),
            ["i32"] = Array(GgufValueType.Int32, GgufValue.FromInt32(-1), GgufValue.FromInt32(2), GgufValue.FromInt32(3)),
            ["f32"] = Array(GgufValueType.Float32, GgufValue.FromFloat32(0.25f), GgufValue.FromFloat32(float.NaN)),
            ["bool"] = Array(GgufValueType.Bool, GgufValue.FromBool(true), GgufValue.FromBool(false)),
            ["string"] = Array(GgufValueType.String, GgufValue.FromString("<s>"), GgufValue.FromString(""), GgufValue.FromString("▁the")),
            ["u64"] = Array(GgufValueType.UInt64, GgufValue.FromUInt64(1UL << 63)),
            ["i64"] = Array(GgufValueType.Int64, GgufValue.FromInt64(-(1L << 62))),
            ["f64"] = Array(GgufValueType.Float64, GgufValue.FromFloat64(1e300), GgufValue.FromFloat64(-0.0)),
            ["empty"] = Array(GgufValueType.Int32),
            ["empty strings"] = Array(GgufValueType.String),
        };
        var writer = new GgufWriter();
        foreach (var (key, value) in arrays)
            writer.Add(key, value);
        var bytes = writer.ToArray();

        foreach (var seekable in new[] { true, false })
        {
            var file = GgufAssert.Reads(bytes, seekable: seekable);
            foreach (var (key, value) in arrays)
                GgufAssert.Same(value, file.Metadata[key]);
            Assert.Equal(arrays.Keys, file.MetadataInFileOrder.Select(kv => kv.Key));
        }
    }

    [Fact]
    public void Nested_arrays_round_trip()
    {
        var ints = Array(GgufValueType.Array,
            Array(GgufValueType.Int32, GgufValue.FromInt32(1), GgufValue.FromInt32(2)),
            Array(GgufValueType.Int32),
            Array(GgufValueType.Int32, GgufValue.FromInt32(3)));
        var strings = Array(GgufValueType.Array,
            Array(GgufValueType.String, GgufValue.FromString("a"), GgufValue.FromString("bc")),
            Array(GgufValueType.String, GgufValue.FromString("")));
        // Elements of an array of arrays each have their own element type.
        var mixed = Array(GgufValueType.Array,
            Array(GgufValueType.Float64, GgufValue.FromFloat64(0.5)),
            Array(GgufValueType.Bool, GgufValue.FromBool(true)));
        var threeDeep = Array(GgufValueType.Array,
            Array(GgufValueType.Array, Array(GgufValueType.UInt8, GgufValue.FromUInt8(9))),
            Array(GgufValueType.Array));

        var file = GgufAssert.Reads(new GgufWriter()
            .Add("ints", ints).Add("strings", strings).Add("mixed", mixed).Add("deep", threeDeep).Add("end", 1u)
            .ToArray());

        GgufAssert.Same(ints, file.Metadata["ints"]);
        GgufAssert.Same(strings, file.Metadata["strings"]);
        GgufAssert.Same(mixed, file.Metadata["mixed"]);
        GgufAssert.Same(threeDeep, file.Metadata["deep"]);
        Assert.Equal(1UL, file.GetUInt64("end"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Arrays_longer_than_the_store_limit_keep_type_and_length_and_the_next_key_still_reads(bool seekable)
    {
        var strings = Array(GgufValueType.String, Enumerable.Range(0, 2000).Select(i => GgufValue.FromString("token" + i)).ToArray());
        var floats = Array(GgufValueType.Float32, Enumerable.Range(0, 20_000).Select(i => GgufValue.FromFloat32(i)).ToArray());
        var nestedBig = Array(GgufValueType.Array,
            Array(GgufValueType.UInt16, Enumerable.Range(0, 1500).Select(i => GgufValue.FromUInt16((ushort)i)).ToArray()),
            Array(GgufValueType.UInt16, GgufValue.FromUInt16(5)));
        var manyArrays = Array(GgufValueType.Array, Enumerable.Range(0, 1100).Select(i => Array(GgufValueType.String, GgufValue.FromString("x" + i))).ToArray());
        var bytes = new GgufWriter()
            .Add("strings", strings).Add("a", "1")
            .Add("floats", floats).Add("b", "2")
            .Add("nested", nestedBig).Add("c", "3")
            .Add("many", manyArrays).Add("d", "4")
            .ToArray();

        var file = GgufAssert.Reads(bytes, seekable: seekable);

        AssertSkipped(file.Metadata["strings"], GgufValueType.String, 2000);
        AssertSkipped(file.Metadata["floats"], GgufValueType.Float32, 20_000);
        AssertSkipped(file.Metadata["many"], GgufValueType.Array, 1100);
        var nested = file.Metadata["nested"];
        Assert.Equal(2, nested.ArrayElements!.Count); // the outer array is short enough to keep …
        AssertSkipped(nested.ArrayElements[0], GgufValueType.UInt16, 1500); // … its long element is not
        GgufAssert.Same(nestedBig.ArrayElements![1], nested.ArrayElements[1]);
        Assert.Equal(["1", "2", "3", "4"], new[] { "a", "b", "c", "d" }.Select(file.GetString));
    }

    [Fact]
    public void A_store_limit_of_zero_keeps_no_elements_but_every_length()
    {
        var bytes = new GgufWriter()
            .AddStrings("tokens", ["a", "b"])
            .Add("empty", Array(GgufValueType.Int8))
            .ToArray();

        var file = GgufAssert.Reads(bytes, new GgufReadOptions { MaxStoredArrayElements = 0 });

        AssertSkipped(file.Metadata["tokens"], GgufValueType.String, 2);
        Assert.Equal(0, file.GetArrayLength("empty"));
        Assert.NotNull(file.Metadata["empty"].ArrayElements); // zero elements fit in a limit of zero
    }

    [Fact]
    public void Tensor_infos_round_trip_with_offsets_aligned_and_a_custom_alignment()
    {
        var writer = new GgufWriter()
            .Add("general.alignment", 64u)
            .AddTensor("scalar", 0)
            .AddTensor("norm", 0, 7)
            .AddTensor("blk.0.attn_q.weight", 8, 64, 3)
            .AddTensor("blk.0.ffn_up.weight", 12, 256, 2, 2)
            .AddTensor("conv", 1, 3, 2, 2, 5)
            .AddTensor("empty", 30, 0, 4)
            .AddTensor("future", 99, [16], byteSize: 40);
        var bytes = writer.ToArray();

        var file = GgufAssert.Reads(bytes);

        Assert.Equal(64, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(
            [("scalar", "", 0, 1L), ("norm", "7", 0, 7), ("blk.0.attn_q.weight", "64,3", 8, 192), ("blk.0.ffn_up.weight", "256,2,2", 12, 1024), ("conv", "3,2,2,5", 1, 60), ("empty", "0,4", 30, 0), ("future", "16", 99, 16)],
            file.Tensors.Select(t => (t.Name, string.Join(",", t.Dimensions), t.GgmlType, t.ElementCount)));
        Assert.Equal(writer.TensorOffsets, file.Tensors.Select(t => t.Offset));
        Assert.All(file.Tensors, t => Assert.Equal(0, t.Offset % 64));
        Assert.Equal([4L, 28, 3 * 68, 4 * 144, 120, 0, null], file.Tensors.Select(t => t.ByteSize));
        Assert.Equal("Q4_K", file.Tensors[3].TypeName);
        Assert.Equal("type 99", file.Tensors[6].TypeName);
    }

    [Fact]
    public void Version_2_reads_like_version_3()
    {
        var file = GgufAssert.Reads(new GgufWriter { Version = 2 }.Add("general.architecture", "llama").AddTensor("w", 0, 4).ToArray());

        Assert.Equal(2, file.Version);
        Assert.Equal("llama", file.GetString("general.architecture"));
    }

    [Fact]
    public void Typed_helpers_accept_any_integer_and_refuse_the_rest()
    {
        var file = GgufAssert.Reads(new GgufWriter()
            .Add("u8", GgufValue.FromUInt8(8)).Add("i8", GgufValue.FromInt8(8)).Add("u16", GgufValue.FromUInt16(16))
            .Add("i16", GgufValue.FromInt16(16)).Add("u32", GgufValue.FromUInt32(32)).Add("i32", GgufValue.FromInt32(32))
            .Add("u64", GgufValue.FromUInt64(ulong.MaxValue)).Add("i64", GgufValue.FromInt64(64))
            .Add("negative", GgufValue.FromInt32(-1)).Add("float", GgufValue.FromFloat32(1)).Add("bool", GgufValue.FromBool(true))
            .Add("string", "s").AddStrings("array", ["x", "y", "z"])
            .ToArray());

        Assert.Equal([8UL, 8, 16, 16, 32, 32, ulong.MaxValue, 64], new[] { "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64" }.Select(k => file.GetUInt64(k)));
        Assert.All(new[] { "negative", "float", "bool", "string", "array", "missing" }, k => Assert.Null(file.GetUInt64(k)));
        Assert.Equal("s", file.GetString("string"));
        Assert.Null(file.GetString("u8"));
        Assert.Null(file.GetString("missing"));
        Assert.Equal(3, file.GetArrayLength("array"));
        Assert.Null(file.GetArrayLength("string"));
        Assert.True(file.Metadata["negative"].TryGetInt64(out var negative));
        Assert.Equal(-1, negative);
        Assert.False(file.Metadata["u64"].TryGetInt64(out _));
        Assert.True(file.Metadata["bool"].TryGetBoolean(out var b) && b);
    }

    [Fact]
    public void FromArray_refuses_elements_of_another_type()
    {
        Assert.Throws<ArgumentException>(() => GgufValue.FromArray(GgufValueType.Int32, [GgufValue.FromUInt32(1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufValue.FromArray((GgufValueType)13, []));
    }

    private static GgufValue Array(GgufValueType elementType, params GgufValue[] elements) => GgufValue.FromArray(elementType, elements);

    private static void AssertSkipped(GgufValue value, GgufValueType elementType, long length)
    {
        Assert.Equal(GgufValueType.Array, value.Type);
        Assert.Equal(elementType, value.ArrayElementType);
        Assert.Equal(length, value.ArrayLength);
        Assert.Null(value.ArrayElements);
    }
}
