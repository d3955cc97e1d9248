using System.Text;

namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>Writes protobuf wire format for tests: tags, varints, fixed values, bytes, strings, sub-messages.</summary>
internal sealed class ProtobufTestWriter
{
    private readonly MemoryStream _out = new();

    public ProtobufTestWriter Tag(int field, int wireType)
    {
        RawVarint(((ulong)field << 3) | (uint)wireType);
        return this;
    }

    public ProtobufTestWriter Varint(int field, ulong value)
    {
        Tag(field, 0);
        RawVarint(value);
        return this;
    }

    public ProtobufTestWriter Varint(int field, long value) => Varint(field, unchecked((ulong)value));

    public ProtobufTestWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _out.Write(b);
        return this;
    }

    public ProtobufTestWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _out.Write(b);
        return this;
    }

    public ProtobufTestWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        _out.Write(value);
        return this;
    }

    public ProtobufTestWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufTestWriter Message(int field, Action<ProtobufTestWriter> build)
    {
        var inner = new ProtobufTestWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    public ProtobufTestWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        return this;
    }

    public ProtobufTestWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _out.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _out.WriteByte((byte)value);
        return this;
    }

    public byte[] ToArray() => _out.ToArray();
}
