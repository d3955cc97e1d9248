using System.Runtime.InteropServices;
using System.Text;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// NUL-terminated UTF-8 copies of strings plus the <c>const char* const*</c> array pointing at them,
/// in one native block (names for Run, string-tensor contents, provider option keys/values). Freed on Dispose.
/// </summary>
internal sealed unsafe class NativeUtf8Strings : IDisposable
{
    private byte* _block;

    public NativeUtf8Strings(IReadOnlyList<string> strings)
    {
        Count = strings.Count;
        var pointerBytes = (nuint)(Count * sizeof(byte*));
        nuint textBytes = 0;
        foreach (var s in strings)
            textBytes += (nuint)Encoding.UTF8.GetByteCount(s ?? throw new ArgumentException("Strings may not be null.", nameof(strings))) + 1;
        _block = (byte*)NativeMemory.Alloc(pointerBytes + textBytes + 1);
        var pointers = (byte**)_block;
        var text = _block + pointerBytes;
        var end = text + textBytes;
        for (var i = 0; i < Count; i++)
        {
            pointers[i] = text;
            var written = Encoding.UTF8.GetBytes(strings[i], new Span<byte>(text, (int)(end - text)));
            text[written] = 0;
            text += written + 1;
        }
    }

    public int Count { get; }

    /// <summary>The array of string pointers (<c>const char* const*</c>).</summary>
    public byte** Pointers => _block != null ? (byte**)_block : throw new ObjectDisposedException(nameof(NativeUtf8Strings));

    public byte* this[int index] => (uint)index < (uint)Count ? Pointers[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Dispose()
    {
        NativeMemory.Free(_block);
        _block = null;
    }
}
