namespace MicroAI.Tokenizers.Pipeline;

/// <summary>Hugging Face's truncation rules for the content of an encoding (special tokens are added after).</summary>
internal static class Truncation
{
    /// <summary>
    /// "longest_first" for a pair: the lengths to keep so that <c>n1 + n2 &lt;= max</c>. The shorter sequence is kept
    /// whole if the longer can take the rest; otherwise both get half, the longer (or, on a tie, the second) taking
    /// the odd token (the rule of Hugging Face's Rust tokenizers, which Python transformers uses).
    /// </summary>
    public static (int First, int Second) LongestFirst(int n1, int n2, int max)
    {
        if (n1 + n2 <= max)
            return (n1, n2);
        var swap = n1 > n2;
        var (shorter, longer) = swap ? (n2, n1) : (n1, n2);
        longer = shorter > max ? shorter : Math.Max(shorter, max - shorter);
        if (shorter + longer > max)
        {
            shorter = max / 2;
            longer = shorter + max % 2;
        }
        return swap ? (longer, shorter) : (shorter, longer);
    }
}
