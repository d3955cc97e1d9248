using System.Globalization;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// GBNF for the decimal integers in a range (no leading zeros, "-" for negatives), built digit by
/// digit: a range of same-length numbers is a fixed first digit plus a smaller range, or a first
/// digit strictly between the ends followed by free digits. Numbers are at most 19 digits long,
/// the same bound the unconstrained integer rule uses.
/// </summary>
internal static class IntegerRanges
{
    private const int MaxDigits = 19;

    /// <summary>The expression for min ≤ n ≤ max; either bound may be absent (not both).</summary>
    public static string Expression(long? min, long? max)
    {
        var parts = new List<string>();
        // Negative numbers: "-" then the magnitudes from |max| (or 1) to |min| (or unbounded).
        if (min is null || min < 0)
        {
            var magnitudeLow = max is { } hi && hi < 0 ? -hi : 1;
            parts.Add("\"-\" " + Group(NonNegative(magnitudeLow, min is { } lo ? -lo : null)));
        }
        if (max is null || max >= 0)
            parts.Add(NonNegative(Math.Max(0, min ?? 0), max));
        return string.Join(" | ", parts);
    }

    private static string Group(string expression) => expression.Contains(' ', StringComparison.Ordinal) ? $"( {expression} )" : expression;

    /// <summary>lo ≤ n ≤ hi for 0 ≤ lo; hi null: unbounded (up to 19 digits).</summary>
    private static string NonNegative(long lo, long? hi)
    {
        var low = lo.ToString(CultureInfo.InvariantCulture);
        var high = hi?.ToString(CultureInfo.InvariantCulture);
        var alternatives = new List<string>();
        var lowDigits = low.Length;
        var highDigits = high?.Length ?? MaxDigits;
        for (var digits = lowDigits; digits <= highDigits; digits++)
        {
            var from = digits == lowDigits ? low : "1" + new string('0', digits - 1);
            var to = digits == highDigits && high is not null ? high : new string('9', digits);
            if (high is null && digits > lowDigits)
            {
                // Every longer length at once: [1-9] then between lowDigits and 18 more digits.
                alternatives.Add($"[1-9] [0-9]{{{lowDigits},{MaxDigits - 1}}}");
                break;
            }
            alternatives.Add(SameLength(from, to));
        }
        return string.Join(" | ", alternatives);
    }

    /// <summary>Numbers spelled with as many digits as <paramref name="a"/> and <paramref name="b"/>, a ≤ n ≤ b.</summary>
    private static string SameLength(string a, string b)
    {
        if (a.Length == 0)
            return "";
        if (a.Length == 1)
            return a == b ? Literal(a) : $"[{a}-{b}]";
        if (a[0] == b[0])
            return Seq(Literal(a[..1]), Group(SameLength(a[1..], b[1..])));
        var rest = a.Length - 1;
        var free = $"[0-9]{{{rest}}}";
        if (a[1..].All(c => c == '0') && b[1..].All(c => c == '9'))
            return Seq($"[{a[0]}-{b[0]}]", free);
        var alternatives = new List<string> { Seq(Literal(a[..1]), Group(SameLength(a[1..], new string('9', rest)))) };
        if (b[0] - a[0] > 1)
            alternatives.Add(Seq(a[0] + 1 == b[0] - 1 ? Literal(((char)(a[0] + 1)).ToString()) : $"[{(char)(a[0] + 1)}-{(char)(b[0] - 1)}]", free));
        alternatives.Add(Seq(Literal(b[..1]), Group(SameLength(new string('0', rest), b[1..]))));
        return string.Join(" | ", alternatives);
    }

    private static string Literal(string digits) => "\"" + digits + "\"";

    private static string Seq(string a, string b) => b.Length == 0 ? a : a + " " + b;
}
