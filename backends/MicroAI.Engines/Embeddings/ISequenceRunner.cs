namespace MicroAI.Engines.Embeddings;

/// <summary>
/// Runs a model over several token sequences at once and returns one vector per sequence (pooled
/// embeddings, or rank scores). Not thread-safe: only the <see cref="SequenceBatcher"/>'s thread calls it.
/// </summary>
public interface ISequenceRunner : IDisposable
{
    /// <summary>Most sequences one <see cref="Run"/> takes.</summary>
    int MaxSequences { get; }

    /// <summary>Most tokens (over all sequences) one <see cref="Run"/> takes; also the longest single sequence.</summary>
    int MaxTokens { get; }

    /// <summary>One vector per sequence, in order; throws on an engine failure.</summary>
    float[][] Run(IReadOnlyList<int[]> sequences);
}
