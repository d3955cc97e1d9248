using System.Text;

namespace MicroAI.Tests.Shared;

/// <summary>
/// Edits real GGUF files as a new version of a model would, for delta-update tests: <see cref="SetString"/>
/// replaces or adds one string key/value (a new chat template) and keeps every other header byte and the
/// tensor data as they are (tensor offsets are relative to the data section, so only the padding before
/// it changes); <see cref="RewriteTensors"/> overwrites whole tensors in place, as a fine-tune of some
/// projections does. Standard library only, and its own header walk, independent of the product's reader.
/// </summary>
internal static class GgufFileEditor
{
    private const int DefaultAlignment = 32;

    /// <summary>A tensor's bytes in the file: from its data to the next tensor's (padding included), the last one to the end.</summary>
    public readonly record struct TensorExtent(string Name, long Offset, long Length);

    /// <summary>The header's length (where the tensor data starts) and every tensor's extent, in file order.</summary>
    public static (long DataOffset, IReadOnlyList<TensorExtent> Tensors) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var layout = Walk(stream, null);
        return (layout.DataOffset, layout.Extents(stream.Length));
    }

    public static void SetString(string source, string target, string key, string value)
    {
        using var input = File.OpenRead(source);
        var layout = Walk(input, key);

        using var entry = new MemoryStream();
        using (var w = new BinaryWriter(entry, Encoding.UTF8, leaveOpen: true))
        {
            WriteString(w, key);
            w.Write(8u); // GGUF string
            WriteString(w, value);
        }

        var header = new byte[layout.InfosEnd];
        input.Position = 0;
        input.ReadExactly(header);
        var (cutStart, cutEnd) = layout.Found ?? (layout.KeyValuesEnd, layout.KeyValuesEnd);
        if (layout.Found is null)
            BitConverter.TryWriteBytes(header.AsSpan(16, 8), layout.KeyValueCount + 1); // little-endian, as GGUF
        using var output = new FileStream(target, FileMode.Create, FileAccess.Write);
        output.Write(header, 0, (int)cutStart);
        entry.WriteTo(output);
        output.Write(header, (int)cutEnd, (int)(layout.InfosEnd - cutEnd));
        output.Write(new byte[Pad(output.Length, layout.Alignment) - output.Length]);
        input.Position = layout.DataOffset;
        input.CopyTo(output);
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with every byte of the named tensors inverted.</summary>
    public static void RewriteTensors(string source, string target, IEnumerable<string> names)
    {
        var byName = Read(source).Tensors.ToDictionary(t => t.Name);
        File.Copy(source, target, overwrite: true);
        using var output = new FileStream(target, FileMode.Open, FileAccess.ReadWrite);
        foreach (var name in names)
        {
            var t = byName.TryGetValue(name, out var found) ? found : throw new ArgumentException($"No tensor '{name}' in {source}.", nameof(names));
            var data = new byte[t.Length];
            output.Position = t.Offset;
            output.ReadExactly(data);
            for (var i = 0; i < data.Length; i++)
                data[i] ^= 0xFF;
            output.Position = t.Offset;
            output.Write(data);
        }
    }

    private sealed record Layout(ulong KeyValueCount, long KeyValuesEnd, (long Start, long End)? Found, long InfosEnd, int Alignment, List<(string Name, long Offset)> Tensors)
    {
        public long DataOffset => Pad(InfosEnd, Alignment);

        public IReadOnlyList<TensorExtent> Extents(long fileLength)
        {
            var ordered = Tensors.OrderBy(t => t.Offset).ToList();
            return ordered.Select((t, i) => new TensorExtent(t.Name, DataOffset + t.Offset,
                (i + 1 < ordered.Count ? DataOffset + ordered[i + 1].Offset : fileLength) - (DataOffset + t.Offset))).ToList();
        }
    }

    private static Layout Walk(Stream stream, string? key)
    {
        var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (r.ReadUInt32() != 0x46554747)
            throw new InvalidDataException("Not a GGUF file.");
        r.ReadUInt32(); // version
        var tensorCount = r.ReadUInt64();
        var kvCount = r.ReadUInt64();
        (long, long)? found = null;
        var alignment = DefaultAlignment;
        for (ulong i = 0; i < kvCount; i++)
        {
            var start = stream.Position;
            var name = ReadString(r);
            var type = r.ReadUInt32();
            if (name == "general.alignment" && type == 4)
                alignment = (int)r.ReadUInt32();
            else
                SkipValue(r, type);
            if (name == key)
                found = (start, stream.Position);
        }
        var kvEnd = stream.Position;
        var tensors = new List<(string, long)>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(r);
            var dims = r.ReadUInt32();
            stream.Seek(8L * dims + 4, SeekOrigin.Current); // dimensions, ggml type
            tensors.Add((name, (long)r.ReadUInt64()));
        }
        return new Layout(kvCount, kvEnd, found, stream.Position, alignment, tensors);
    }

    private static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes((int)r.ReadUInt64()));

    private static void SkipValue(BinaryReader r, uint type)
    {
        switch (type)
        {
            case 8: // string
                r.BaseStream.Seek((long)r.ReadUInt64(), SeekOrigin.Current);
                break;
            case 9: // array: element type, count, elements
                var elementType = r.ReadUInt32();
                var count = r.ReadUInt64();
                for (ulong i = 0; i < count; i++)
                    SkipValue(r, elementType);
                break;
            default:
                r.BaseStream.Seek(type switch { 0 or 1 or 7 => 1, 2 or 3 => 2, 4 or 5 or 6 => 4, _ => 8 }, SeekOrigin.Current);
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
