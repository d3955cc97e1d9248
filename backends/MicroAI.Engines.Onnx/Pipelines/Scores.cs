using MicroAI.Engines.Abstractions;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>Logits → label scores, highest first.</summary>
internal static class Scores
{
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> into)
    {
        var max = float.NegativeInfinity;
        foreach (var x in logits)
            max = Math.Max(max, x);
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
            sum += Math.Exp(logits[i] - max);
        for (var i = 0; i < logits.Length; i++)
            into[i] = (float)(Math.Exp(logits[i] - max) / sum);
    }

    public static void Sigmoid(ReadOnlySpan<float> logits, Span<float> into)
    {
        for (var i = 0; i < logits.Length; i++)
            into[i] = (float)(1 / (1 + Math.Exp(-(double)logits[i])));
    }

    /// <summary>True when a row already is a probability distribution (a softmax inside the graph, as SqueezeNet's).</summary>
    public static bool IsDistribution(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (var x in row)
        {
            if (x < 0 || float.IsNaN(x))
                return false;
            sum += x;
        }
        return Math.Abs(sum - 1) < 1e-3;
    }

    public static ClassificationOutput Ranked(ReadOnlySpan<float> scores, IReadOnlyList<string> labels)
    {
        var result = new LabelScore[scores.Length];
        for (var i = 0; i < scores.Length; i++)
            result[i] = new LabelScore(i < labels.Count ? labels[i] : $"LABEL_{i}", scores[i]);
        // Stable: equal scores keep the model's label order.
        return new ClassificationOutput(result.Select((l, i) => (l, i)).OrderByDescending(x => x.l.Score).ThenBy(x => x.i).Select(x => x.l).ToArray());
    }
}
