namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// Brings a subsampled component's rows to full resolution by bilinear interpolation with centred sample siting
/// (JFIF places a chroma sample at the centre of the luma samples it covers). For 2× that gives the familiar
/// 3/4 · near + 1/4 · far "fancy" weights that libjpeg (and so PIL) uses by default, rather than plain
/// replication, which leaves blocky colour edges; other factors (4:1:1's 4×, or odd ones) follow the same rule.
/// Weights are 8-bit fixed point per axis; the vertical blend is done once per component sample, then the
/// horizontal taps read the blended row (the same arithmetic as the 2-D formula, with half the multiplies).
/// </summary>
internal sealed class JpegUpsampler
{
    private readonly byte[] _plane;
    private readonly int _stride;
    private readonly int _height;
    private readonly int _v;
    private readonly int _vMax;
    private readonly bool _identity;
    private readonly int[] _left = [];
    private readonly int[] _right = [];
    private readonly int[] _weight = []; // weight of _right, 0..256
    private readonly byte[] _row = [];
    private readonly int[] _blended = []; // one row of the component, blended vertically, × 256

    public JpegUpsampler(JpegComponent component, byte[] plane, int stride, JpegFrame frame)
    {
        _plane = plane;
        _stride = stride;
        _height = component.Height;
        _v = component.V;
        _vMax = frame.VMax;
        _identity = component.H == frame.HMax && component.V == frame.VMax;
        if (_identity)
            return;

        _left = new int[frame.Width];
        _right = new int[frame.Width];
        _weight = new int[frame.Width];
        _row = new byte[frame.Width];
        _blended = new int[component.Width];
        for (var x = 0; x < frame.Width; x++)
        {
            var (left, right, weight) = Tap(x, component.H, frame.HMax, component.Width);
            _left[x] = left;
            _right[x] = right;
            _weight[x] = weight;
        }
    }

    /// <summary>Full-resolution row <paramref name="y"/> (valid until the next call).</summary>
    public ReadOnlySpan<byte> Row(int y, int width)
    {
        if (_identity)
            return _plane.AsSpan(y * _stride, width);

        var (top, bottom, wy) = Tap(y, _v, _vMax, _height);
        var blended = _blended.AsSpan();
        var upper = _plane.AsSpan(top * _stride, blended.Length);
        var lower = _plane.AsSpan(bottom * _stride, blended.Length);
        var wTop = 256 - wy;
        for (var i = 0; i < blended.Length; i++)
            blended[i] = (upper[i] * wTop) + (lower[i] * wy);

        var row = _row.AsSpan(0, width);
        var left = _left.AsSpan(0, width);
        var right = _right.AsSpan(0, width);
        var weight = _weight.AsSpan(0, width);
        for (var x = 0; x < row.Length; x++)
        {
            var wx = weight[x];
            row[x] = (byte)(((blended[left[x]] * (256 - wx)) + (blended[right[x]] * wx) + 32768) >> 16);
        }

        return row;
    }

    /// <summary>
    /// Output coordinate <paramref name="i"/> sits at (i + ½) · factor / max − ½ in component samples; returns the
    /// two neighbours (clamped to the component's edge) and the weight of the second, in 1/256.
    /// </summary>
    private static (int Left, int Right, int Weight) Tap(int i, int factor, int max, int size)
    {
        var position = (((2 * i) + 1) * factor) - max; // 2 · max · ((i + ½) · factor / max − ½), kept integral
        var scale = 2 * max;
        var left = position >= 0 ? position / scale : -1;
        var weight = (int)((((long)(position - (left * scale)) * 256) + (scale / 2)) / scale);
        var first = Math.Clamp(left, 0, size - 1);
        var second = Math.Clamp(left + 1, 0, size - 1);
        return (first, second, weight);
    }
}
