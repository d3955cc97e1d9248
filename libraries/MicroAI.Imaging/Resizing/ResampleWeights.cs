namespace MicroAI.Imaging.Resizing;

/// <summary>
/// The convolution weights for resampling one axis from <c>inSize</c> to <c>outSize</c> samples. Output sample i
/// covers the source interval centred on (i + ½) · scale; when downscaling (scale &gt; 1) the kernel is stretched
/// by the scale so it spans the whole footprint (a box-like average for large factors) instead of sampling two
/// neighbours and aliasing. Weights of each output sample are normalised to sum to 1, which also handles edges.
/// </summary>
internal sealed class ResampleWeights
{
    private ResampleWeights(int[] start, int[] count, float[] weights, int taps)
    {
        Start = start;
        Count = count;
        Weights = weights;
        Taps = taps;
    }

    /// <summary>First source index for each output sample.</summary>
    public int[] Start { get; }

    /// <summary>Number of source samples for each output sample.</summary>
    public int[] Count { get; }

    /// <summary>Weights, <see cref="Taps"/> slots per output sample.</summary>
    public float[] Weights { get; }

    public int Taps { get; }

    public static ResampleWeights Compute(int inSize, int outSize, ResizeMode mode)
    {
        var scale = (double)inSize / outSize;
        var start = new int[outSize];
        var count = new int[outSize];
        if (mode == ResizeMode.Nearest)
        {
            var ones = new float[outSize];
            Array.Fill(ones, 1f);
            for (var i = 0; i < outSize; i++)
            {
                start[i] = Math.Min(inSize - 1, (int)((i + 0.5) * scale));
                count[i] = 1;
            }

            return new ResampleWeights(start, count, ones, 1);
        }

        var filterScale = Math.Max(scale, 1.0);
        var support = (mode == ResizeMode.Bicubic ? 2.0 : 1.0) * filterScale;
        var taps = (int)Math.Ceiling(support) * 2 + 1;
        var weights = new float[outSize * taps];
        Span<double> raw = taps <= 256 ? stackalloc double[taps] : new double[taps];
        for (var i = 0; i < outSize; i++)
        {
            var center = (i + 0.5) * scale;
            var first = Math.Max(0, (int)Math.Floor(center - support + 0.5));
            var last = Math.Min(inSize, (int)Math.Floor(center + support + 0.5));
            var n = Math.Min(last - first, taps);
            var total = 0.0;
            for (var j = 0; j < n; j++)
            {
                // Distance from the output centre to source sample (first + j)'s centre, in kernel units.
                var w = Kernel(mode, (first + j + 0.5 - center) / filterScale);
                raw[j] = w;
                total += w;
            }

            for (var j = 0; j < n; j++)
                weights[(i * taps) + j] = (float)(total == 0 ? 0 : raw[j] / total);
            start[i] = first;
            count[i] = n;
        }

        return new ResampleWeights(start, count, weights, taps);
    }

    private static double Kernel(ResizeMode mode, double x)
    {
        x = Math.Abs(x);
        if (mode == ResizeMode.Bilinear)
            return x < 1 ? 1 - x : 0;

        const double A = -0.5;
        if (x < 1)
            return ((((A + 2) * x) - (A + 3)) * x * x) + 1;
        if (x < 2)
            return ((((x - 5) * x) + 8) * x - 4) * A;
        return 0;
    }
}
