using System.Globalization;
using System.Reflection;

namespace MicroAI.Tokenizers.Text;

/// <summary>
/// Unicode normalization data (combining classes, full decompositions, primary compositions), parsed once from
/// the embedded UnicodeNormalizationData.txt on first use.
/// </summary>
internal sealed class NormalizationTables
{
    internal const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    internal const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    internal const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    private static readonly Lazy<NormalizationTables> s_instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    // Combining classes: a flat table for the BMP (64 KB, one index per lookup on the hot path), a map above it.
    private readonly byte[] _cccBmp = new byte[0x10000];
    private readonly Dictionary<int, byte> _cccAstral = [];
    // Fully expanded (recursive) decompositions. Compatibility entries include the canonical ones.
    private readonly Dictionary<int, int[]> _canonical = [];
    private readonly Dictionary<int, int[]> _compatibility = [];
    private readonly Dictionary<long, int> _compositions = [];

    public static NormalizationTables Instance => s_instance.Value;

    /// <summary>Unicode version of the data, from the file header (for diagnostics).</summary>
    public string Version { get; private set; } = "?";

    public byte CombiningClass(int cp) =>
        cp < 0x10000 ? _cccBmp[cp] : _cccAstral.GetValueOrDefault(cp);

    /// <summary>The full decomposition of <paramref name="cp"/>, or null if it does not decompose (Hangul excluded).</summary>
    public int[]? Decomposition(int cp, bool compatibility) =>
        (compatibility ? _compatibility : _canonical).GetValueOrDefault(cp);

    /// <summary>The primary composite of a starter and a following character, or -1.</summary>
    public int Compose(int first, int second)
    {
        // Hangul: L + V -> LV, LV + T -> LVT (algorithmic, not in the table).
        if (first >= HangulLBase && first < HangulLBase + HangulLCount && second >= HangulVBase && second < HangulVBase + HangulVCount)
            return HangulSBase + (((first - HangulLBase) * HangulVCount) + (second - HangulVBase)) * HangulTCount;
        if (first >= HangulSBase && first < HangulSBase + HangulSCount && (first - HangulSBase) % HangulTCount == 0
            && second > HangulTBase && second < HangulTBase + HangulTCount)
            return first + (second - HangulTBase);
        return _compositions.TryGetValue(((long)first << 21) | (uint)second, out var c) ? c : -1;
    }

    private static NormalizationTables Load()
    {
        using var stream = typeof(NormalizationTables).Assembly.GetManifestResourceStream("MicroAI.Tokenizers.UnicodeNormalizationData.txt")
            ?? throw new InvalidOperationException("Embedded Unicode normalization data is missing from " + typeof(NormalizationTables).Assembly.GetName().Name);
        using var reader = new StreamReader(stream);
        var tables = new NormalizationTables();
        tables.Parse(reader);
        return tables;
    }

    private void Parse(StreamReader reader)
    {
        var canonicalOneLevel = new Dictionary<int, int[]>();
        var compatOneLevel = new Dictionary<int, int[]>();
        var exclusions = new HashSet<int>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
                continue;
            if (line[0] == '#')
            {
                var at = line.IndexOf("Unicode ", StringComparison.Ordinal);
                if (at >= 0)
                    Version = line[(at + 8)..].Split(' ')[0];
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts[0])
            {
                case "C":
                    var ccc = byte.Parse(parts[3], CultureInfo.InvariantCulture);
                    for (int cp = Hex(parts[1]), last = Hex(parts[2]); cp <= last; cp++)
                    {
                        if (cp < 0x10000) _cccBmp[cp] = ccc;
                        else _cccAstral[cp] = ccc;
                    }
                    break;
                case "D":
                case "K":
                    var mapping = new int[parts.Length - 2];
                    for (var i = 0; i < mapping.Length; i++)
                        mapping[i] = Hex(parts[i + 2]);
                    (parts[0] == "D" ? canonicalOneLevel : compatOneLevel)[Hex(parts[1])] = mapping;
                    break;
                case "X":
                    for (int cp = Hex(parts[1]), last = Hex(parts[2]); cp <= last; cp++)
                        exclusions.Add(cp);
                    break;
                default:
                    throw new InvalidDataException("Unexpected line in Unicode normalization data: " + line);
            }
        }

        var buffer = new List<int>();
        foreach (var cp in canonicalOneLevel.Keys)
        {
            buffer.Clear();
            Expand(cp, canonicalOneLevel, null, buffer);
            _canonical[cp] = [.. buffer];
        }
        foreach (var cp in canonicalOneLevel.Keys.Concat(compatOneLevel.Keys))
        {
            buffer.Clear();
            Expand(cp, canonicalOneLevel, compatOneLevel, buffer);
            _compatibility[cp] = [.. buffer];
        }
        // Primary composites: canonical pairs that are not excluded (singletons and non-starter
        // decompositions are in Full_Composition_Exclusion already).
        foreach (var (cp, map) in canonicalOneLevel)
        {
            if (map.Length == 2 && !exclusions.Contains(cp))
                _compositions[((long)map[0] << 21) | (uint)map[1]] = cp;
        }
    }

    private static void Expand(int cp, Dictionary<int, int[]> canonical, Dictionary<int, int[]>? compat, List<int> output)
    {
        if ((compat is not null && compat.TryGetValue(cp, out var map)) || canonical.TryGetValue(cp, out map))
        {
            foreach (var c in map)
                Expand(c, canonical, compat, output);
        }
        else if (cp >= HangulSBase && cp < HangulSBase + HangulSCount)
        {
            UnicodeNormalizer.DecomposeHangul(cp, output);
        }
        else
        {
            output.Add(cp);
        }
    }

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
