using System.Runtime.CompilerServices;

namespace MicroAI.Imaging;

/// <summary>
/// Builds model input tensors (batch 1) from a <see cref="DecodedImage"/> of the model's size.
/// <para>
/// One-channel tensors use ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B, the weights of PIL's
/// <c>convert("L")</c> and of most greyscale training data; Y is kept unrounded (a grey source gives its grey
/// value back exactly). Three-channel values go through a 256-entry table per channel, computed with the exact
/// formula of <see cref="ImageNormalization"/>, so the per-pixel cost is one lookup.
/// </para>
/// </summary>
public static class ImageTensor
{
    public static float[] ToFloat32(DecodedImage image, TensorLayout layout, int channels, ImageNormalization normalization, ChannelOrder order = ChannelOrder.Rgb)
    {
        ArgumentNullException.ThrowIfNull(image);
        var tensor = new float[ElementCount(image, channels)];
        Write<float>(image, tensor, layout, channels, normalization, order);
        return tensor;
    }

    public static Half[] ToFloat16(DecodedImage image, TensorLayout layout, int channels, ImageNormalization normalization, ChannelOrder order = ChannelOrder.Rgb)
    {
        ArgumentNullException.ThrowIfNull(image);
        var tensor = new Half[ElementCount(image, channels)];
        Write<Half>(image, tensor, layout, channels, normalization, order);
        return tensor;
    }

    /// <summary>Writes into a caller-owned buffer (e.g. pooled, or an ONNX tensor's memory) of exactly C·H·W floats.</summary>
    public static void WriteFloat32(DecodedImage image, Span<float> destination, TensorLayout layout, int channels, ImageNormalization normalization, ChannelOrder order = ChannelOrder.Rgb) =>
        Write(image, destination, layout, channels, normalization, order);

    /// <summary>As <see cref="WriteFloat32"/>, converting each value to float16 (round to nearest even).</summary>
    public static void WriteFloat16(DecodedImage image, Span<Half> destination, TensorLayout layout, int channels, ImageNormalization normalization, ChannelOrder order = ChannelOrder.Rgb) =>
        Write(image, destination, layout, channels, normalization, order);

    private static int ElementCount(DecodedImage image, int channels)
    {
        if (channels is not 1 and not 3)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "image tensors have 1 (grey) or 3 (colour) channels");
        return checked(image.Width * image.Height * channels);
    }

    private static void Write<T>(DecodedImage image, Span<T> destination, TensorLayout layout, int channels, ImageNormalization normalization, ChannelOrder order)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(normalization);
        var count = ElementCount(image, channels);
        if (destination.Length != count)
            throw new ArgumentException($"destination has {destination.Length} elements; a {channels}×{image.Height}×{image.Width} tensor needs {count}", nameof(destination));
        normalization.Validate(channels);

        var pixels = image.Pixels;
        var planeSize = image.Width * image.Height;
        if (channels == 1)
        {
            float scale = normalization.Scale, mean = normalization.MeanOf(0), std = normalization.StdOf(0);
            for (var i = 0; i < planeSize; i++)
            {
                var luma = (0.299f * pixels[i * 3]) + (0.587f * pixels[(i * 3) + 1]) + (0.114f * pixels[(i * 3) + 2]);
                destination[i] = Convert<T>(((luma * scale) - mean) / std);
            }

            return; // With one channel NCHW and NHWC are the same order.
        }

        // tables[c][v]: the normalised value of sample v in tensor channel c.
        Span<float> tables = stackalloc float[3 * 256];
        for (var c = 0; c < 3; c++)
        {
            float scale = normalization.Scale, mean = normalization.MeanOf(c), std = normalization.StdOf(c);
            for (var v = 0; v < 256; v++)
                tables[(c * 256) + v] = ((v * scale) - mean) / std;
        }

        // Source channel (R = 0, G = 1, B = 2) feeding each tensor channel.
        int s0 = order == ChannelOrder.Rgb ? 0 : 2, s2 = 2 - s0;
        ReadOnlySpan<float> t0 = tables[..256], t1 = tables.Slice(256, 256), t2 = tables[512..];
        if (layout == TensorLayout.Nchw)
        {
            var p0 = destination[..planeSize];
            var p1 = destination.Slice(planeSize, planeSize);
            var p2 = destination.Slice(2 * planeSize, planeSize);
            for (int i = 0, s = 0; i < planeSize; i++, s += 3)
            {
                p0[i] = Convert<T>(t0[pixels[s + s0]]);
                p1[i] = Convert<T>(t1[pixels[s + 1]]);
                p2[i] = Convert<T>(t2[pixels[s + s2]]);
            }
        }
        else
        {
            for (var s = 0; s < pixels.Length; s += 3)
            {
                destination[s] = Convert<T>(t0[pixels[s + s0]]);
                destination[s + 1] = Convert<T>(t1[pixels[s + 1]]);
                destination[s + 2] = Convert<T>(t2[pixels[s + s2]]);
            }
        }
    }

    /// <summary>float → T for T in {float, Half}; the type test is resolved when the JIT specialises the method.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Convert<T>(float value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Unsafe.As<float, T>(ref value);
        var half = (Half)value;
        return Unsafe.As<Half, T>(ref half);
    }
}
