using System.Buffers;
using MicroAI.Imaging.Resizing;

namespace MicroAI.Imaging;

/// <summary>
/// Resizes <see cref="DecodedImage"/>s the way classifier preprocessing expects: separable convolution (rows,
/// then columns) with a kernel widened over each output pixel's source footprint when downscaling; plus the
/// "resize the shorter side, then centre-crop" step of ImageNet-style pipelines.
/// <para>
/// Between the two passes the rows are rounded and clamped to 8 bits, as Pillow does. Float would be a hair more
/// accurate, but most classifiers were trained on Pillow-resized images, and matching that pipeline matters more:
/// with the 8-bit intermediate our output equals Pillow's except for rare ±1s from its fixed-point weights
/// (float differed by up to 3 for bicubic, whose overshoot Pillow clips between passes). It also keeps the
/// intermediate buffer at a quarter of the size.
/// </para>
/// </summary>
public static class ImageResizer
{
    /// <summary>Resizes to exactly <paramref name="width"/> × <paramref name="height"/> (aspect ratio not kept).</summary>
    public static DecodedImage Resize(DecodedImage image, int width, int height, ResizeMode mode = ResizeMode.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width == image.Width && height == image.Height)
            return new DecodedImage(width, height, image.Pixels.ToArray());

        var horizontal = ResampleWeights.Compute(image.Width, width, mode);
        var vertical = ResampleWeights.Compute(image.Height, height, mode);
        var source = image.Pixels;

        // Pass 1: every source row to the new width, rounded to 8 bits (see the class comment).
        var temp = ArrayPool<byte>.Shared.Rent(checked(image.Height * width * 3));
        var rowLength = width * 3;
        var sums = ArrayPool<float>.Shared.Rent(rowLength);
        try
        {
            for (var y = 0; y < image.Height; y++)
                ResampleRow(source.Slice(y * image.Width * 3, image.Width * 3), temp.AsSpan(y * width * 3, width * 3), horizontal);

            // Pass 2: columns, straight into the output.
            var output = new byte[checked(width * height * 3)];
            var sum = sums.AsSpan(0, rowLength);
            for (var y = 0; y < height; y++)
            {
                sum.Clear();
                var first = vertical.Start[y];
                var weights = vertical.Weights.AsSpan(y * vertical.Taps, vertical.Count[y]);
                for (var j = 0; j < weights.Length; j++)
                {
                    var w = weights[j];
                    var row = temp.AsSpan((first + j) * rowLength, rowLength);
                    for (var x = 0; x < rowLength; x++)
                        sum[x] += row[x] * w;
                }

                var destination = output.AsSpan(y * rowLength, rowLength);
                for (var x = 0; x < rowLength; x++)
                    destination[x] = ToByte(sum[x]);
            }

            return new DecodedImage(width, height, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(temp);
            ArrayPool<float>.Shared.Return(sums);
        }
    }

    /// <summary>
    /// Scales the image so it just covers <paramref name="width"/> × <paramref name="height"/> (the shorter side,
    /// relative to the target, fits exactly), then crops the centre: no distortion, no padding.
    /// </summary>
    public static DecodedImage ResizeAndCenterCrop(DecodedImage image, int width, int height, ResizeMode mode = ResizeMode.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var scale = Math.Max((double)width / image.Width, (double)height / image.Height);
        var resizedWidth = Math.Max(width, (int)Math.Round(image.Width * scale));
        var resizedHeight = Math.Max(height, (int)Math.Round(image.Height * scale));
        return CenterCrop(Resize(image, resizedWidth, resizedHeight, mode), width, height);
    }

    /// <summary>
    /// torchvision's <c>Resize(shortestSide)</c> then <c>CenterCrop((cropHeight, cropWidth))</c>, e.g. 256 then
    /// 224 × 224 for ImageNet models: the shorter side becomes <paramref name="shortestSide"/>, the longer one
    /// keeps the aspect ratio (truncated, as torchvision does), and the crop's offset is rounded the same way.
    /// </summary>
    public static DecodedImage ResizeAndCenterCrop(DecodedImage image, int shortestSide, int cropWidth, int cropHeight, ResizeMode mode = ResizeMode.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(cropWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cropHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shortestSide, Math.Max(cropWidth, cropHeight));
        int width, height;
        if (image.Width <= image.Height)
        {
            width = shortestSide;
            height = Math.Max(shortestSide, (int)((long)shortestSide * image.Height / image.Width));
        }
        else
        {
            height = shortestSide;
            width = Math.Max(shortestSide, (int)((long)shortestSide * image.Width / image.Height));
        }

        return CenterCrop(Resize(image, width, height, mode), cropWidth, cropHeight);
    }

    /// <summary>The centred <paramref name="width"/> × <paramref name="height"/> region (offsets rounded half to even, like torchvision).</summary>
    public static DecodedImage CenterCrop(DecodedImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, image.Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, image.Height);
        var left = (int)Math.Round((image.Width - width) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((image.Height - height) / 2.0, MidpointRounding.ToEven);
        var output = new byte[width * height * 3];
        var source = image.Pixels;
        for (var y = 0; y < height; y++)
            source.Slice((((top + y) * image.Width) + left) * 3, width * 3).CopyTo(output.AsSpan(y * width * 3));
        return new DecodedImage(width, height, output);
    }

    private static void ResampleRow(ReadOnlySpan<byte> source, Span<byte> destination, ResampleWeights weights)
    {
        for (var x = 0; x < weights.Start.Length; x++)
        {
            var first = weights.Start[x] * 3;
            var w = weights.Weights.AsSpan(x * weights.Taps, weights.Count[x]);
            float r = 0, g = 0, b = 0;
            for (var j = 0; j < w.Length; j++)
            {
                var s = first + (j * 3);
                r += source[s] * w[j];
                g += source[s + 1] * w[j];
                b += source[s + 2] * w[j];
            }

            destination[x * 3] = ToByte(r);
            destination[(x * 3) + 1] = ToByte(g);
            destination[(x * 3) + 2] = ToByte(b);
        }
    }

    private static byte ToByte(float value) => value <= 0 ? (byte)0 : value >= 254.5f ? (byte)255 : (byte)(value + 0.5f);
}
