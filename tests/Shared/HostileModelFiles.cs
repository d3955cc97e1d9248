using System.Text;

namespace MicroAI.Tests.Shared;

/// <summary>
/// Corrupt and hostile model files, made from nothing or from the shared test models: what the registry,
/// the catalog and the engines must refuse with a clear error (and never hand to native code).
/// </summary>
internal static class HostileModelFiles
{
    private const ulong Huge = 0x7FFF_FFFF_FFFF_FFFF; // 2^63 - 1: fits a signed count, fits no file

    /// <summary>(name, bytes) of GGUF files that MicroAI's GGUF reader must reject.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Gguf()
    {
        var stories = File.ReadAllBytes(TestPaths.Stories260K);
        yield return ("random-bytes", RandomBytes(1, 64 * 1024));
        yield return ("empty", []);
        yield return ("truncated-header", stories[..10]);
        yield return ("truncated-half", stories[..(stories.Length / 2)]);
        yield return ("truncated-last-byte", stories[..^1]);
        yield return ("wrong-magic", [.. "GGUX"u8, .. stories[4..]]);
        yield return ("wrong-version", Header(99, 0, 0));
        yield return ("tensor-count-2^63", Header(3, Huge, 0));
        yield return ("kv-count-2^63", Header(3, 0, Huge));
        yield return ("key-length-2^63", Build(0, 1, w => w.Write(Huge)));
        yield return ("array-length-2^63", Build(0, 1, w => { Key(w, "a", 9); w.Write(0u); w.Write(Huge); }));
        yield return ("string-value-length-2^63", Build(0, 1, w => { Key(w, "s", 8); w.Write(Huge); }));
        yield return ("dimension-2^63", Build(1, 0, w => { Name(w, "t"); w.Write(1u); w.Write(Huge); w.Write(0u); w.Write(0UL); w.Write(new byte[256]); }));
        yield return ("overlapping-tensors", Build(2, 0, w => { Tensor(w, "a", 0, 16); Tensor(w, "b", 32, 16); w.Write(new byte[256]); }));
        yield return ("tensor-past-the-end", Build(1, 0, w => { Tensor(w, "a", 1L << 40, 16); w.Write(new byte[256]); }));
    }

    /// <summary>(name, bytes) of .onnx files that MicroAI's ONNX reader must reject.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Onnx()
    {
        var mnist = File.ReadAllBytes(Path.Combine(TestPaths.MnistFolder, "mnist.onnx"));
        yield return ("random-bytes", RandomBytes(2, 64 * 1024));
        yield return ("truncated-half", mnist[..(mnist.Length / 2)]);
        // ModelProto.graph (field 7, length-delimited) claiming 2^63 - 1 bytes.
        yield return ("graph-length-2^63", [0x3A, .. Varint(Huge)]);
    }

    public static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Header(uint version, ulong tensors, ulong kvs) => Build(tensors, kvs, _ => { }, version);

    /// <summary>A hand-built GGUF: "GGUF", the version, the two counts, then whatever <paramref name="body"/> writes.</summary>
    internal static byte[] Build(ulong tensors, ulong kvs, Action<BinaryWriter> body, uint version = 3)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write(version);
            w.Write(tensors);
            w.Write(kvs);
            body(w);
        }
        return stream.ToArray();
    }

    private static void Name(BinaryWriter w, string name)
    {
        w.Write((ulong)Encoding.UTF8.GetByteCount(name));
        w.Write(Encoding.UTF8.GetBytes(name));
    }

    private static void Key(BinaryWriter w, string key, uint type)
    {
        Name(w, key);
        w.Write(type);
    }

    /// <summary>A one-dimensional F32 tensor of <paramref name="elements"/> at <paramref name="offset"/> in the data section.</summary>
    private static void Tensor(BinaryWriter w, string name, long offset, ulong elements)
    {
        Name(w, name);
        w.Write(1u);
        w.Write(elements);
        w.Write(0u); // GGML_TYPE_F32
        w.Write((ulong)offset);
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }
}
