using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>
/// "Precompiled": SentencePiece's normalization rules (nmt_nfkc and friends) as a compiled character map. The
/// blob is a little-endian uint32 byte size of a Darts-clone double-array trie, the trie's uint32 units, then
/// NUL-terminated UTF-8 replacement strings; the trie maps a UTF-8 key to the byte offset of its replacement.
/// </summary>
/// <remarks>
/// Hugging Face (whose behaviour this is) walks extended grapheme clusters: a cluster under 6 UTF-8 bytes is
/// looked up whole, and otherwise (or when the whole cluster has no entry) each code point is looked up alone.
/// A lookup takes the first, i.e. shortest, key that prefixes the text, as theirs does. A corrupt trie never
/// reads outside its array: a walk that would leaves the text unchanged.
/// </remarks>
internal sealed class PrecompiledNormalizer : INormalizer
{
    /// <summary>Clusters of this many UTF-8 bytes or more are never looked up whole (Hugging Face's cut-off).</summary>
    private const int WholeClusterLimit = 6;

    private readonly uint[] _units;
    private readonly byte[] _replacements;
    private readonly ConcurrentDictionary<int, string> _decoded = new();

    private PrecompiledNormalizer(uint[] units, byte[] replacements)
    {
        _units = units;
        _replacements = replacements;
    }

    /// <summary>Reads a base64 <c>precompiled_charsmap</c>.</summary>
    /// <exception cref="FormatException">Not base64, or the sizes inside do not add up.</exception>
    public static PrecompiledNormalizer Parse(string base64)
    {
        var blob = Convert.FromBase64String(base64);
        if (blob.Length < 4)
            throw new FormatException($"precompiled_charsmap is {blob.Length} bytes, too short for its header");
        var trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes % 4 != 0 || trieBytes > (uint)(blob.Length - 4) || trieBytes == 0)
            throw new FormatException($"precompiled_charsmap declares a {trieBytes}-byte trie in a {blob.Length}-byte blob");
        var units = new uint[trieBytes / 4];
        for (var i = 0; i < units.Length; i++)
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + (i * 4)));
        return new PrecompiledNormalizer(units, blob[(4 + (int)trieBytes)..]);
    }

    public string Normalize(string text)
    {
        StringBuilder? output = null;
        Span<byte> utf8 = stackalloc byte[WholeClusterLimit * 4];
        var at = 0;
        while (at < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text.AsSpan(at));
            var cluster = text.AsSpan(at, length);
            string? replacement = null;
            if (Encoding.UTF8.GetByteCount(cluster) < WholeClusterLimit)
            {
                var n = Encoding.UTF8.GetBytes(cluster, utf8);
                replacement = Lookup(utf8[..n]);
            }
            if (replacement is not null)
            {
                output ??= new StringBuilder(text.Length + 16).Append(text, 0, at);
                output.Append(replacement);
            }
            else
            {
                NormalizeCodePoints(text, at, length, utf8, ref output);
            }
            at += length;
        }
        return output?.ToString() ?? text;
    }

    private void NormalizeCodePoints(string text, int from, int length, Span<byte> utf8, ref StringBuilder? output)
    {
        for (var i = from; i < from + length;)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < from + length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var n = Encoding.UTF8.GetBytes(text.AsSpan(i, width), utf8);
            var replacement = Lookup(utf8[..n]);
            if (replacement is not null)
            {
                output ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                output.Append(replacement);
            }
            else
            {
                output?.Append(text, i, width);
            }
            i += width;
        }
    }

    /// <summary>The replacement of the shortest key prefixing <paramref name="key"/>, or null.</summary>
    private string? Lookup(ReadOnlySpan<byte> key)
    {
        // Darts-clone unit: bits 0–7 label, bit 8 "has a leaf", bits 10–30 offset (shifted 8 more if bit 9 is
        // set); a leaf unit holds its value in bits 0–30 with bit 31 set, so it never matches a label.
        var units = _units;
        uint position = Offset(units[0]);
        foreach (var b in key)
        {
            position ^= b;
            if (position >= units.Length)
                return null;
            var unit = units[position];
            if ((unit & 0x800000FFu) != b)
                return null;
            position ^= Offset(unit);
            if (((unit >> 8) & 1) != 0)
                return position < units.Length ? Replacement((int)(units[position] & 0x7FFFFFFFu)) : null;
        }
        return null;
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    private string? Replacement(int offset)
    {
        if (offset >= _replacements.Length)
            return null;
        return _decoded.GetOrAdd(offset, static (o, bytes) =>
        {
            var end = Array.IndexOf(bytes, (byte)0, o);
            return Encoding.UTF8.GetString(bytes, o, (end < 0 ? bytes.Length : end) - o);
        }, _replacements);
    }
}
