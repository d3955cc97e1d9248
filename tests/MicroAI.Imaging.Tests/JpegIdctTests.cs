using MicroAI.Imaging.Jpeg;

namespace MicroAI.Imaging.Tests;

public sealed class JpegIdctTests
{
    [Fact]
    public void Vector_and_scalar_paths_agree_and_match_the_definition()
    {
        var random = new Random(11);
        var quantization = Enumerable.Range(0, 64).Select(i => (ushort)(1 + random.Next(20))).ToArray();
        for (var trial = 0; trial < 2000; trial++)
        {
            var coefficients = new short[64];
            var count = 1 + random.Next(64);
            for (var i = 0; i < count; i++)
                coefficients[random.Next(64)] = (short)random.Next(-60, 61);

            var vector = new byte[64];
            var scalar = new byte[64];
            JpegIdct.Transform(coefficients, quantization, vector, 8, vectors: true);
            JpegIdct.Transform(coefficients, quantization, scalar, 8, vectors: false);
            for (var i = 0; i < 64; i++)
            {
                // The two sum in different orders, so a value that lands on .5 may round either way.
                Assert.InRange(vector[i] - scalar[i], -1, 1);
                Assert.InRange(vector[i] - Reference(coefficients, quantization, i % 8, i / 8), -1, 1);
            }
        }
    }

    /// <summary>T.81 A.3.3 in double precision, term by term.</summary>
    private static int Reference(short[] f, ushort[] q, int x, int y)
    {
        double sum = 0;
        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++)
            {
                var cu = u == 0 ? 1 / Math.Sqrt(2) : 1;
                var cv = v == 0 ? 1 / Math.Sqrt(2) : 1;
                sum += cu * cv * f[(v * 8) + u] * q[(v * 8) + u] * Math.Cos(((2 * x) + 1) * u * Math.PI / 16) * Math.Cos(((2 * y) + 1) * v * Math.PI / 16);
            }
        }

        return (int)Math.Clamp(Math.Round((sum / 4) + 128), 0, 255);
    }
}
