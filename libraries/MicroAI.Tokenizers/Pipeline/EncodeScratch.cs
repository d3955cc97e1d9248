using MicroAI.Tokenizers.AddedTokens;

namespace MicroAI.Tokenizers.Pipeline;

/// <summary>
/// Per-thread working lists reused across Encode calls, so encoding allocates little beyond its results.
/// Rented and returned around each call (re-entrancy safe); dropped after a huge input so memory is not pinned.
/// </summary>
internal sealed class EncodeScratch
{
    private const int MaxRetainedCapacity = 1 << 16;

    [ThreadStatic]
    private static EncodeScratch? t_cached;

    public List<int> First { get; } = new(64);

    public List<int> Second { get; } = new(64);

    public List<Segment> RawSegments { get; } = [];

    public List<Segment> NormalizedSegments { get; } = [];

    public List<ReadOnlyMemory<char>> Pieces { get; } = new(64);

    public static EncodeScratch Rent()
    {
        var s = t_cached ?? new EncodeScratch();
        t_cached = null;
        return s;
    }

    public static void Return(EncodeScratch s)
    {
        if (s.First.Capacity > MaxRetainedCapacity || s.Second.Capacity > MaxRetainedCapacity || s.Pieces.Capacity > MaxRetainedCapacity
            || s.RawSegments.Capacity > MaxRetainedCapacity || s.NormalizedSegments.Capacity > MaxRetainedCapacity)
            return;
        s.First.Clear();
        s.Second.Clear();
        s.RawSegments.Clear();
        s.NormalizedSegments.Clear();
        s.Pieces.Clear();
        t_cached = s;
    }
}
