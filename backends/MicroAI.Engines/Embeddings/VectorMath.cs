namespace MicroAI.Engines.Embeddings;

public static class VectorMath
{
    /// <summary>Scales to unit length in place (double accumulation: 384–4096 float terms lose digits otherwise); a zero vector stays zero.</summary>
    public static void L2Normalize(Span<float> v)
    {
        double sum = 0;
        foreach (var x in v)
            sum += (double)x * x;
        if (sum <= 0)
            return;
        var scale = 1.0 / Math.Sqrt(sum);
        for (var i = 0; i < v.Length; i++)
            v[i] = (float)(v[i] * scale);
    }
}
