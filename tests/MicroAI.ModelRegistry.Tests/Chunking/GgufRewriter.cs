using System.Buffers.Binary;
using System.Text;
using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Tests.Chunking;

/// <summary>
/// Edits real GGUF files for the delta tests, as a new model version would: <see cref="SetString"/>
/// replaces or adds one string key/value and keeps every other header byte and the tensor data as they
/// are (tensor offsets are relative to the data section, so only the padding before it changes);
/// <see cref="RewriteTensors"/> overwrites whole tensors in place, as a fine-tune of some projections does.
/// Its header walk is its own, independent of <see cref="GgufReader"/> except for the data offset check.
/// </summary>
internal static class GgufRewriter
{
    public static void SetString(string source, string target, string key, string value)
    {
        var original = GgufReader.Read(source);
        Assert.True(original.IsSuccess, original.Error);
        var file = original.File;
        var header = new byte[file.DataOffset];
        using (var input = File.OpenRead(source))
            input.ReadExactly(header);

        // Walk the key/values to find the one to replace (or the end of them, to append), then the infos.
        var pos = 24;
        var kvCount = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16));
        (int Start, int End)? existing = null;
        for (ulong i = 0; i < kvCount; i++)
        {
            var start = pos;
            var name = ReadString(header, ref pos);
            var type = (GgufValueType)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(pos));
            pos += 4;
            SkipValue(header, ref pos, type);
            if (name == key)
                existing = (start, pos);
        }
        var kvEnd = pos;
        foreach (var t in file.Tensors)
        {
            ReadString(header, ref pos);
            pos += 4 + 8 * t.Dimensions.Count + 4 + 8;
        }
        var infosEnd = pos;
        Assert.Equal(file.DataOffset, Pad(infosEnd, file.Alignment));

        using var entry = new MemoryStream();
        using (var w = new BinaryWriter(entry, Encoding.UTF8, leaveOpen: true))
        {
            WriteString(w, key);
            w.Write((uint)GgufValueType.String);
            WriteString(w, value);
        }

        var (cutStart, cutEnd) = existing ?? (kvEnd, kvEnd);
        using var output = new FileStream(target, FileMode.Create, FileAccess.Write);
        var counts = header.AsSpan(0, 24).ToArray();
        if (existing is null)
            BinaryPrimitives.WriteUInt64LittleEndian(counts.AsSpan(16), kvCount + 1);
        output.Write(counts);
        output.Write(header, 24, cutStart - 24);
        entry.WriteTo(output);
        output.Write(header, cutEnd, infosEnd - cutEnd);
        output.Write(new byte[Pad(output.Length, file.Alignment) - output.Length]);
        using (var input = File.OpenRead(source))
        {
            input.Position = file.DataOffset;
            input.CopyTo(output);
        }
    }

    /// <summary>Copies <paramref name="source"/> and inverts every byte of the named tensors (their data only, not the padding).</summary>
    public static void RewriteTensors(string source, string target, IEnumerable<string> names)
    {
        File.Copy(source, target, overwrite: true);
        var file = GgufReader.Read(source).File!;
        using var output = new FileStream(target, FileMode.Open, FileAccess.ReadWrite);
        foreach (var name in names)
        {
            var t = file.Tensors.Single(x => x.Name == name);
            var data = new byte[t.ByteSize!.Value];
            output.Position = file.DataOffset + t.Offset;
            output.ReadExactly(data);
            for (var i = 0; i < data.Length; i++)
                data[i] ^= 0xFF;
            output.Position = file.DataOffset + t.Offset;
            output.Write(data);
        }
    }

    private static string ReadString(byte[] b, ref int pos)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(pos));
        var s = Encoding.UTF8.GetString(b, pos + 8, n);
        pos += 8 + n;
        return s;
    }

    private static void SkipValue(byte[] b, ref int pos, GgufValueType type)
    {
        switch (type)
        {
            case GgufValueType.String:
                ReadString(b, ref pos);
                break;
            case GgufValueType.Array:
                var elementType = (GgufValueType)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos));
                var count = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(pos + 4));
                pos += 12;
                for (ulong i = 0; i < count; i++)
                    SkipValue(b, ref pos, elementType);
                break;
            default:
                pos += type switch
                {
                    GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
                    GgufValueType.UInt16 or GgufValueType.Int16 => 2,
                    GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
                    _ => 8,
                };
                break;
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static long Pad(long x, int alignment) => (x + alignment - 1) / alignment * alignment;
}
