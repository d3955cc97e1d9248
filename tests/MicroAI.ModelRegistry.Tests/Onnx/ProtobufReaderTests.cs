using MicroAI.ModelRegistry.Onnx;

namespace MicroAI.ModelRegistry.Tests.Onnx;

public sealed class ProtobufReaderTests
{
    public static TheoryData<string> Sources => new() { "span", "seekable", "stream" };

    /// <summary>A reader over the bytes: in memory, over a seekable stream, or over one that cannot seek.</summary>
    private static ProtobufReader Open(byte[] data, string source) => source switch
    {
        "span" => new ProtobufReader(data),
        "seekable" => new ProtobufReader(new TestStream(new MemoryStream(data), seekable: true)),
        _ => new ProtobufReader(new TestStream(new MemoryStream(data), seekable: false)),
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Reads_varints_of_every_length(string source)
    {
        ulong[] values = [0, 1, 127, 128, 300, 16_383, 16_384, uint.MaxValue, 1UL << 62, ulong.MaxValue];
        var w = new ProtobufTestWriter();
        foreach (var v in values)
            w.Varint(1, v);
        var r = Open(w.ToArray(), source);
        try
        {
            foreach (var expected in values)
            {
                Assert.True(r.TryReadTag(out var field, out var wire));
                Assert.Equal(1, field);
                Assert.Equal(ProtobufWireType.Varint, wire);
                Assert.Equal(expected, r.ReadVarint());
            }
            Assert.False(r.TryReadTag(out _, out _));
        }
        finally
        {
            r.Dispose();
        }
    }

    [Fact]
    public void Negative_int32_is_read_from_its_ten_byte_encoding()
    {
        var r = new ProtobufReader(new ProtobufTestWriter().Varint(1, -1L).Varint(2, -5L).ToArray());
        Assert.True(r.TryReadTag(out _, out _));
        Assert.Equal(-1, r.ReadInt32());
        Assert.True(r.TryReadTag(out _, out _));
        Assert.Equal(-5L, r.ReadInt64());
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Reads_fixed_values_little_endian(string source)
    {
        var data = new ProtobufTestWriter().Fixed32(1, 0xDEADBEEF).Fixed64(2, 0x0102030405060708).ToArray();
        var r = Open(data, source);
        try
        {
            Assert.True(r.TryReadTag(out _, out var wire));
            Assert.Equal(ProtobufWireType.Fixed32, wire);
            Assert.Equal(0xDEADBEEFu, r.ReadFixed32());
            Assert.True(r.TryReadTag(out _, out wire));
            Assert.Equal(ProtobufWireType.Fixed64, wire);
            Assert.Equal(0x0102030405060708UL, r.ReadFixed64());
        }
        finally
        {
            r.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Skips_unknown_fields_of_every_wire_type_including_groups(string source)
    {
        var data = new ProtobufTestWriter()
            .Varint(1, 12345UL)
            .Fixed64(2, 7)
            .Fixed32(3, 9)
            .Bytes(4, new byte[100_000])
            .Tag(5, 3).Varint(1, 1UL).Tag(6, 3).String(2, "inner").Tag(6, 4).Tag(5, 4) // nested groups
            .String(15, "wanted")
            .ToArray();
        var r = Open(data, source);
        try
        {
            string? found = null;
            while (r.TryReadTag(out var field, out var wire))
            {
                if (field == 15)
                    found = r.ReadString();
                else
                    r.SkipField(field, wire);
            }
            Assert.Equal("wanted", found);
        }
        finally
        {
            r.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Reads_strings_longer_than_the_stream_window(string source)
    {
        var text = string.Concat(Enumerable.Repeat("ünïcödé ", 20_000)); // ~200 KB of UTF-8
        var r = Open(new ProtobufTestWriter().Varint(1, 1UL).String(2, text).String(3, "after").ToArray(), source);
        try
        {
            Assert.True(r.TryReadTag(out _, out _));
            r.ReadVarint();
            Assert.True(r.TryReadTag(out _, out _));
            Assert.Equal(text, r.ReadString());
            Assert.True(r.TryReadTag(out var field, out _));
            Assert.Equal(3, field);
            Assert.Equal("after", r.ReadString());
        }
        finally
        {
            r.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Sub_messages_end_at_their_length_and_unread_rest_is_skipped(string source)
    {
        var data = new ProtobufTestWriter()
            .Message(1, m => m.String(1, "a").Bytes(2, new byte[50_000]).Varint(3, 3UL))
            .Varint(2, 42UL)
            .ToArray();
        var r = Open(data, source);
        try
        {
            Assert.True(r.TryReadTag(out _, out _));
            var outer = r.BeginMessage();
            Assert.Equal(1, r.Depth);
            Assert.True(r.TryReadTag(out _, out _));
            Assert.Equal("a", r.ReadString());
            r.EndMessage(outer); // the 50 KB field and field 3 are left unread
            Assert.Equal(0, r.Depth);
            Assert.True(r.TryReadTag(out var field, out _));
            Assert.Equal(2, field);
            Assert.Equal(42UL, r.ReadVarint());
            Assert.False(r.TryReadTag(out _, out _));
        }
        finally
        {
            r.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void A_length_beyond_the_input_is_an_error(string source)
    {
        var data = new ProtobufTestWriter().Tag(1, 2).RawVarint(1UL << 62).Raw([1, 2, 3]).ToArray();
        var e = Assert.Throws<ProtobufException>(() =>
        {
            var r = Open(data, source);
            try
            {
                Assert.True(r.TryReadTag(out var field, out var wire));
                r.SkipField(field, wire);
            }
            finally
            {
                r.Dispose();
            }
        });
        Assert.Contains(source == "stream" ? "truncated" : "exceeds", e.Message);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void A_length_beyond_the_enclosing_message_is_an_error(string source)
    {
        // The inner field claims 10 bytes but its message only has 3 left, although the input has more.
        var inner = new ProtobufTestWriter().Tag(1, 2).RawVarint(10).Raw([1, 2]).ToArray();
        var data = new ProtobufTestWriter().Bytes(1, inner).Bytes(2, new byte[64]).ToArray();
        Assert.Throws<ProtobufException>(() =>
        {
            var r = Open(data, source);
            try
            {
                Assert.True(r.TryReadTag(out _, out _));
                var outer = r.BeginMessage();
                Assert.True(r.TryReadTag(out var field, out var wire));
                r.SkipField(field, wire);
                r.EndMessage(outer);
            }
            finally
            {
                r.Dispose();
            }
        });
    }

    [Theory]
    [InlineData(new byte[] { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // 11-byte varint
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })] // overflows 64 bits
    [InlineData(new byte[] { 0x08, 0x80 })] // truncated varint
    [InlineData(new byte[] { 0x0E, 0x00 })] // wire type 6
    [InlineData(new byte[] { 0x0F, 0x00 })] // wire type 7
    [InlineData(new byte[] { 0x00, 0x00 })] // field number 0
    [InlineData(new byte[] { 0x0C })] // end-group without a group
    [InlineData(new byte[] { 0x0B, 0x08, 0x01 })] // group never ended
    [InlineData(new byte[] { 0x0B, 0x14 })] // group 1 ended by end-group 2
    [InlineData(new byte[] { 0x0D, 0x01, 0x02 })] // truncated fixed32
    [InlineData(new byte[] { 0x09, 0x01, 0x02, 0x03, 0x04 })] // truncated fixed64
    public void Malformed_input_is_an_error(byte[] data)
    {
        foreach (var source in new[] { "span", "seekable", "stream" })
        {
            Assert.Throws<ProtobufException>(() =>
            {
                var r = Open(data, source);
                try
                {
                    while (r.TryReadTag(out var field, out var wire))
                        r.SkipField(field, wire);
                }
                finally
                {
                    r.Dispose();
                }
            });
        }
    }

    [Fact]
    public void Nesting_is_capped()
    {
        var deep = Array.Empty<byte>();
        for (var i = 0; i < ProtobufReader.MaxDepth + 1; i++)
            deep = new ProtobufTestWriter().Bytes(1, deep).ToArray();
        var e = Assert.Throws<ProtobufException>(() =>
        {
            var r = new ProtobufReader(deep);
            while (r.TryReadTag(out _, out _))
                r.BeginMessage(); // descend without ever leaving
        });
        Assert.Contains("nested deeper", e.Message);

        var groups = new ProtobufTestWriter();
        for (var i = 0; i < 100_000; i++)
            groups.Tag(1, 3);
        var g = groups.ToArray();
        e = Assert.Throws<ProtobufException>(() =>
        {
            var r = new ProtobufReader(g);
            while (r.TryReadTag(out var field, out var wire))
                r.SkipField(field, wire);
        });
        Assert.Contains("nested deeper", e.Message);
    }

    [Fact]
    public void A_seekable_stream_seeks_over_large_fields_instead_of_reading_them()
    {
        var data = new ProtobufTestWriter().Bytes(1, new byte[20_000_000]).String(2, "tail").ToArray();
        using var stream = new TestStream(new MemoryStream(data), seekable: true);
        var r = new ProtobufReader(stream);
        try
        {
            string? tail = null;
            while (r.TryReadTag(out var field, out var wire))
            {
                if (field == 2)
                    tail = r.ReadString();
                else
                    r.SkipField(field, wire);
            }
            Assert.Equal("tail", tail);
        }
        finally
        {
            r.Dispose();
        }
        Assert.True(stream.BytesRead < 2 * ProtobufReader.StreamWindowSize, $"read {stream.BytesRead} bytes");
        Assert.True(stream.Seeks >= 1);
    }

    [Fact]
    public void A_hostile_string_length_on_a_non_seekable_stream_does_not_allocate_it()
    {
        // Claims a 200 MB string but only 1 KB follows; without a known length the reader must not trust it.
        var data = new ProtobufTestWriter().Tag(1, 2).RawVarint(200_000_000).Raw(new byte[1024]).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtobufException>(() =>
        {
            var r = new ProtobufReader(new TestStream(new MemoryStream(data), seekable: false));
            try
            {
                Assert.True(r.TryReadTag(out _, out _));
                r.ReadString();
            }
            finally
            {
                r.Dispose();
            }
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes");
    }
}
