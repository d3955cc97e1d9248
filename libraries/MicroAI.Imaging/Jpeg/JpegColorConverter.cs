namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// Turns the decoded component planes into interleaved 8-bit RGB: greyscale is copied to all three channels,
/// YCbCr is converted with the JFIF equations (full range, BT.601 coefficients) in 16-bit fixed point, and
/// 3-component files marked as RGB (Adobe transform 0, or component ids 'R', 'G', 'B') are copied as they are.
/// The per-chroma-value products are precomputed, and a range-limit table replaces the clamps, so a pixel costs
/// a handful of lookups and adds.
/// </summary>
internal static class JpegColorConverter
{
    private const int RangeOffset = 384;

    // R = Y + 1.402 Cr; G = Y − 0.344136 Cb − 0.714136 Cr; B = Y + 1.772 Cb (Cb, Cr centred on 128), × 65536.
    private static readonly int[] CrToR = Table(i => ((91881 * (i - 128)) + 32768) >> 16);
    private static readonly int[] CbToB = Table(i => ((116130 * (i - 128)) + 32768) >> 16);
    private static readonly int[] CbToG = Table(i => -22554 * (i - 128));
    private static readonly int[] CrToG = Table(i => (-46802 * (i - 128)) + 32768); // + the rounding half for G

    /// <summary>RangeLimit[v + RangeOffset] = clamp(v, 0, 255) for v in −384..639, wider than any sum above.</summary>
    private static readonly byte[] RangeLimit = Enumerable.Range(-RangeOffset, 1024).Select(v => (byte)Math.Clamp(v, 0, 255)).ToArray();

    public static byte[] ToRgb(JpegFrame frame, JpegUpsampler[] components, bool isYCbCr)
    {
        var width = frame.Width;
        var rgb = new byte[(long)width * frame.Height * 3];
        for (var y = 0; y < frame.Height; y++)
        {
            var output = rgb.AsSpan(y * width * 3, width * 3);
            if (components.Length == 1)
            {
                var grey = components[0].Row(y, width);
                for (int x = 0, o = 0; x < width; x++, o += 3)
                    output[o] = output[o + 1] = output[o + 2] = grey[x];
                continue;
            }

            var c0 = components[0].Row(y, width);
            var c1 = components[1].Row(y, width);
            var c2 = components[2].Row(y, width);
            if (!isYCbCr)
            {
                for (int x = 0, o = 0; x < width; x++, o += 3)
                {
                    output[o] = c0[x];
                    output[o + 1] = c1[x];
                    output[o + 2] = c2[x];
                }

                continue;
            }

            var limit = RangeLimit.AsSpan();
            int[] crToR = CrToR, cbToB = CbToB, cbToG = CbToG, crToG = CrToG;
            for (int x = 0, o = 0; x < width; x++, o += 3)
            {
                int luma = c0[x] + RangeOffset, cb = c1[x], cr = c2[x];
                output[o] = limit[luma + crToR[cr]];
                output[o + 1] = limit[luma + ((cbToG[cb] + crToG[cr]) >> 16)];
                output[o + 2] = limit[luma + cbToB[cb]];
            }
        }

        return rgb;
    }

    private static int[] Table(Func<int, int> value) => Enumerable.Range(0, 256).Select(value).ToArray();
}
