namespace MicroAI.Imaging.Png;

/// <summary>
/// Reverses the five scanline filters of filter method 0 (PNG specification, "Filter types"). Works in place on
/// the current row, with the previous (already reconstructed) row of the same pass, all zeros for the first row.
/// Arithmetic is modulo 256, which byte arithmetic gives for free.
/// </summary>
internal static class PngFilter
{
    public static void Unfilter(int filterType, Span<byte> row, ReadOnlySpan<byte> previous, int stride, int rowIndex)
    {
        switch (filterType)
        {
            case 0:
                break;
            case 1: // Sub: Recon(x) = Filt(x) + Recon(a)
                for (var i = stride; i < row.Length; i++)
                    row[i] += row[i - stride];
                break;
            case 2: // Up: Recon(x) = Filt(x) + Recon(b)
                for (var i = 0; i < row.Length; i++)
                    row[i] += previous[i];
                break;
            case 3: // Average: Recon(x) = Filt(x) + floor((Recon(a) + Recon(b)) / 2)
                for (var i = 0; i < stride; i++)
                    row[i] += (byte)(previous[i] >> 1);
                for (var i = stride; i < row.Length; i++)
                    row[i] += (byte)((row[i - stride] + previous[i]) >> 1);
                break;
            case 4: // Paeth: Recon(x) = Filt(x) + PaethPredictor(Recon(a), Recon(b), Recon(c))
                for (var i = 0; i < stride; i++)
                    row[i] += previous[i]; // a = c = 0 here, so the predictor is b.
                for (var i = stride; i < row.Length; i++)
                    row[i] += Paeth(row[i - stride], previous[i], previous[i - stride]);
                break;
            default:
                throw new ImageDecodeException($"PNG: invalid filter type {filterType} on scanline {rowIndex}");
        }
    }

    /// <summary>The predictor closest to a + b - c, ties broken in the order a, b, c as the specification requires.</summary>
    private static byte Paeth(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
            return a;
        return pb <= pc ? b : c;
    }
}
