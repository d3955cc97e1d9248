using MicroAI.ModelRegistry.Chunking;
using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Tests.Chunking;

/// <summary>
/// What a node holding <c>v1</c> downloads to get <c>v2</c> when both are stored as chunks: the bytes of
/// v2's chunks whose digests v1 lacks, each distinct digest once. Byte counts, not timings, so the
/// figures are deterministic for given files.
/// </summary>
internal sealed record DeltaMeasurement(long ModelBytes, long HeaderBytes, int ChunksV1, int ChunksV2, int NewChunks, long NewBytes)
{
    public double Fraction => (double)NewBytes / ModelBytes;

    public static DeltaMeasurement Of(string v1, string v2)
    {
        var old = ModelChunker.Digest(v1, ModelChunker.Plan(v1, "gguf"));
        var next = ModelChunker.Digest(v2, ModelChunker.Plan(v2, "gguf"));
        var have = old.Select(c => c.Digest).ToHashSet(StringComparer.Ordinal);
        var fetched = next.Where(c => !have.Contains(c.Digest)).DistinctBy(c => c.Digest).ToList();
        return new DeltaMeasurement(
            new FileInfo(v2).Length, GgufReader.Read(v2).File!.DataOffset,
            old.Count, next.Count, fetched.Count, fetched.Sum(c => c.Span.Length));
    }

    /// <summary>
    /// Projection tensors adding up to at least <paramref name="fraction"/> of the tensor bytes, spread as a
    /// fine-tune of some projections spreads them: every other layer, a different projection each time.
    /// </summary>
    public static IReadOnlyList<string> ScatteredProjections(string path, double fraction)
    {
        string[] kinds = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];
        var file = GgufReader.Read(path).File!;
        var byName = file.Tensors.ToDictionary(t => t.Name);
        var layers = file.Tensors.Count(t => t.Name.StartsWith("blk.", StringComparison.Ordinal) && t.Name.EndsWith(".attn_q.weight", StringComparison.Ordinal));
        var goal = fraction * (new FileInfo(path).Length - file.DataOffset);
        var chosen = new List<string>();
        long sum = 0;
        for (var round = 0; round < kinds.Length && sum < goal; round++)
        {
            for (var layer = round % 2; layer < layers && sum < goal; layer += 2)
            {
                var name = $"blk.{layer}.{kinds[(layer + round) % kinds.Length]}.weight";
                if (!chosen.Contains(name) && byName.TryGetValue(name, out var t))
                {
                    chosen.Add(name);
                    sum += t.ByteSize!.Value;
                }
            }
        }
        Assert.True(sum >= goal, $"the model's projections hold only {sum} bytes, fewer than {goal}");
        return chosen;
    }

    public override string ToString() =>
        $"{ModelBytes:N0} bytes (header {HeaderBytes:N0}), v1 {ChunksV1} chunks, v2 {ChunksV2} chunks: {NewChunks} new = {NewBytes:N0} bytes ({Fraction:P2})";
}
