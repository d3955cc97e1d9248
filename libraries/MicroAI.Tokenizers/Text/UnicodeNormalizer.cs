using System.Buffers;
using System.Text;

namespace MicroAI.Tokenizers.Text;

/// <summary>The four Unicode normalization forms.</summary>
internal enum UnicodeForm
{
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

/// <summary>
/// Our own implementation of Unicode normalization (UAX #15): decomposition, canonical ordering and canonical
/// composition. We cannot use <see cref="string.Normalize()"/>: under InvariantGlobalization (which the server
/// uses) it returns the text unchanged.
/// </summary>
internal static class UnicodeNormalizer
{
    /// <summary>Normalizes <paramref name="text"/>; returns the same instance when nothing can change.</summary>
    public static string Normalize(string text, UnicodeForm form)
    {
        var compat = form is UnicodeForm.Nfkc or UnicodeForm.Nfkd;
        // Below U+00A0 nothing decomposes (compatibility) and below U+00C0 nothing decomposes canonically; every
        // such character is a starter that composes with nothing below that bound, so the text is already normal.
        var firstInteresting = text.AsSpan().IndexOfAnyExceptInRange('\0', compat ? '\u009F' : '\u00BF');
        if (firstInteresting < 0)
            return text;

        // Keep the character before the first interesting one in the working buffer: it is a starter that a
        // following combining mark may compose with (e + U+0301 -> é).
        if (firstInteresting > 0)
            firstInteresting--;
        var tables = NormalizationTables.Instance;
        var buffer = ArrayPool<int>.Shared.Rent(Math.Max(16, text.Length * 2));
        try
        {
            var count = Decompose(text, firstInteresting, compat, tables, ref buffer);
            ReorderCanonically(buffer.AsSpan(0, count), tables);
            if (form is UnicodeForm.Nfc or UnicodeForm.Nfkc)
                count = Compose(buffer.AsSpan(0, count), tables);
            return Build(text, firstInteresting, buffer.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    internal static void DecomposeHangul(int cp, List<int> output)
    {
        var s = cp - NormalizationTables.HangulSBase;
        output.Add(NormalizationTables.HangulLBase + s / NormalizationTables.HangulNCount);
        output.Add(NormalizationTables.HangulVBase + s % NormalizationTables.HangulNCount / NormalizationTables.HangulTCount);
        var t = s % NormalizationTables.HangulTCount;
        if (t != 0)
            output.Add(NormalizationTables.HangulTBase + t);
    }

    // Decomposes text[start..] into code points (the untouched prefix is copied back by Build).
    private static int Decompose(string text, int start, bool compat, NormalizationTables tables, ref int[] buffer)
    {
        var count = 0;
        var span = text.AsSpan(start);
        while (!span.IsEmpty)
        {
            Rune.DecodeFromUtf16(span, out var rune, out var used);
            span = span[used..];
            var cp = rune.Value;
            EnsureCapacity(ref buffer, count + 18); // the longest full decomposition is 18 code points
            if (cp >= NormalizationTables.HangulSBase && cp < NormalizationTables.HangulSBase + NormalizationTables.HangulSCount)
            {
                var s = cp - NormalizationTables.HangulSBase;
                buffer[count++] = NormalizationTables.HangulLBase + s / NormalizationTables.HangulNCount;
                buffer[count++] = NormalizationTables.HangulVBase + s % NormalizationTables.HangulNCount / NormalizationTables.HangulTCount;
                var t = s % NormalizationTables.HangulTCount;
                if (t != 0)
                    buffer[count++] = NormalizationTables.HangulTBase + t;
            }
            else if (cp >= 0xA0 && tables.Decomposition(cp, compat) is { } map)
            {
                map.CopyTo(buffer, count);
                count += map.Length;
            }
            else
            {
                buffer[count++] = cp;
            }
        }
        return count;
    }

    // Stable sort of each run of non-starters by combining class (insertion sort: runs are tiny).
    private static void ReorderCanonically(Span<int> cps, NormalizationTables tables)
    {
        for (var i = 1; i < cps.Length; i++)
        {
            var ccc = tables.CombiningClass(cps[i]);
            if (ccc == 0)
                continue;
            var j = i;
            var cp = cps[i];
            while (j > 0)
            {
                var prev = tables.CombiningClass(cps[j - 1]);
                if (prev <= ccc)
                    break;
                cps[j] = cps[j - 1];
                j--;
            }
            cps[j] = cp;
        }
    }

    // Canonical composition in place; returns the new length.
    private static int Compose(Span<int> cps, NormalizationTables tables)
    {
        var starter = -1;   // index in the output of the last starter
        var lastCcc = -1;   // ccc of the last character output after that starter; -1 = none (adjacent)
        var n = 0;
        for (var i = 0; i < cps.Length; i++)
        {
            var cp = cps[i];
            var ccc = tables.CombiningClass(cp);
            if (starter >= 0 && (lastCcc == -1 || (lastCcc != 0 && lastCcc < ccc)))
            {
                var composite = tables.Compose(cps[starter], cp);
                if (composite >= 0)
                {
                    cps[starter] = composite;
                    continue;
                }
            }
            if (ccc == 0)
            {
                starter = n;
                lastCcc = -1;
            }
            else
            {
                lastCcc = ccc;
            }
            cps[n++] = cp;
        }
        return n;
    }

    private static string Build(string text, int prefix, ReadOnlySpan<int> cps)
    {
        var length = prefix;
        foreach (var cp in cps)
            length += cp >= 0x10000 ? 2 : 1;
        var chars = ArrayPool<char>.Shared.Rent(length);
        try
        {
            text.AsSpan(0, prefix).CopyTo(chars);
            var at = prefix;
            foreach (var cp in cps)
                at += new Rune(cp).EncodeToUtf16(chars.AsSpan(at));
            return new string(chars, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static void EnsureCapacity(ref int[] buffer, int needed)
    {
        if (needed <= buffer.Length)
            return;
        var bigger = ArrayPool<int>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan().CopyTo(bigger);
        ArrayPool<int>.Shared.Return(buffer);
        buffer = bigger;
    }
}
