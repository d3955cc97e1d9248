using System.Text;
using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Tests.Gguf;

/// <summary>
/// Writes GGUF files for tests, the way llama.cpp's gguf-py does: little-endian, metadata of any type
/// (arrays may nest), tensor infos with offsets padded to the alignment, padding before the data
/// section, and the tensor data (a byte pattern). No padding follows the last tensor, so cutting any
/// byte off the end makes the file invalid. Its own tensor-size table is deliberately independent of
/// the reader's.
/// </summary>
internal sealed class GgufWriter
{
    private static readonly Dictionary<int, (int BlockSize, int TypeSize)> s_layouts = new()
    {
        [0] = (1, 4),      // F32
        [1] = (1, 2),      // F16
        [2] = (32, 18),    // Q4_0
        [8] = (32, 34),    // Q8_0
        [12] = (256, 144), // Q4_K
        [14] = (256, 210), // Q6_K
        [30] = (1, 2),     // BF16
    };

    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly List<(string Name, long[] Dims, int Type, long Size)> _tensors = [];

    public uint Version { get; init; } = 3;

    public GgufWriter Add(string key, GgufValue value)
    {
        _metadata.Add(new(key, value));
        return this;
    }

    public GgufWriter Add(string key, string value) => Add(key, GgufValue.FromString(value));

    public GgufWriter Add(string key, uint value) => Add(key, GgufValue.FromUInt32(value));

    public GgufWriter AddStrings(string key, IEnumerable<string> values) =>
        Add(key, GgufValue.FromArray(GgufValueType.String, values.Select(GgufValue.FromString)));

    /// <summary>A tensor of a type in the writer's table; its data size follows from the shape.</summary>
    public GgufWriter AddTensor(string name, int ggmlType, params long[] dims)
    {
        var (blockSize, typeSize) = s_layouts[ggmlType];
        var elements = dims.Aggregate(1L, (a, d) => a * d);
        return AddTensor(name, ggmlType, dims, elements / blockSize * typeSize);
    }

    /// <summary>A tensor with an explicit data size (for types outside the writer's table).</summary>
    public GgufWriter AddTensor(string name, int ggmlType, long[] dims, long byteSize)
    {
        _tensors.Add((name, dims, ggmlType, byteSize));
        return this;
    }

    public int Alignment =>
        _metadata.FirstOrDefault(kv => kv.Key == "general.alignment").Value?.Scalar is uint a ? (int)a : 32;

    /// <summary>Each tensor's data offset relative to the data section, as written.</summary>
    public IReadOnlyList<long> TensorOffsets
    {
        get
        {
            var offsets = new List<long>();
            long next = 0;
            foreach (var t in _tensors)
            {
                offsets.Add(next);
                next = Pad(next + t.Size, Alignment);
            }

            return offsets;
        }
    }

    public byte[] ToArray()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true); // BinaryWriter is always little-endian
        w.Write("GGUF"u8);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value);
        }

        var offsets = TensorOffsets;
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            WriteString(w, t.Name);
            w.Write((uint)t.Dims.Length);
            foreach (var d in t.Dims)
                w.Write((ulong)d);
            w.Write((uint)t.Type);
            w.Write((ulong)offsets[i]);
        }

        if (_tensors.Count > 0)
        {
            w.Flush();
            var dataStart = Pad(ms.Length, Alignment);
            w.Write(new byte[dataStart - ms.Length]);
            for (var i = 0; i < _tensors.Count; i++)
            {
                w.Flush();
                w.Write(new byte[dataStart + offsets[i] - ms.Length]);
                var data = new byte[_tensors[i].Size];
                for (var j = 0; j < data.Length; j++)
                    data[j] = (byte)(j * 7 + i);
                w.Write(data);
            }
        }

        w.Flush();
        return ms.ToArray();
    }

    public string Save(string path)
    {
        File.WriteAllBytes(path, ToArray());
        return path;
    }

    public static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    /// <summary>The bytes of a hand-built (usually broken) file: "GGUF", the version and the two counts, then whatever <paramref name="body"/> writes.</summary>
    public static byte[] Raw(ulong tensorCount, ulong kvCount, Action<BinaryWriter> body, uint version = 3) =>
        MicroAI.Tests.Shared.HostileModelFiles.Build(tensorCount, kvCount, body, version);

    private static void WriteValue(BinaryWriter w, GgufValue value)
    {
        switch (value.Type)
        {
            case GgufValueType.Array:
                w.Write((uint)value.ArrayElementType!.Value);
                w.Write((ulong)value.ArrayLength);
                // Elements carry no type tag of their own; a nested array is its element type, count and elements.
                foreach (var e in value.ArrayElements!)
                    WriteValue(w, e);

                break;
            case GgufValueType.String:
                WriteString(w, (string)value.Scalar!);
                break;
            default:
                WriteScalar(w, value.Scalar!);
                break;
        }
    }

    private static void WriteScalar(BinaryWriter w, object scalar)
    {
        switch (scalar)
        {
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case bool v: w.Write((byte)(v ? 1 : 0)); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case double v: w.Write(v); break;
            default: throw new ArgumentException($"Not a GGUF scalar: {scalar.GetType()}");
        }
    }

    private static long Pad(long x, int alignment) => (x + alignment - 1) / alignment * alignment;
}
