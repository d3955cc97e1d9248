namespace MicroAI.Imaging.Tests;

public sealed class ImageTensorTests
{
    // 3 × 2 image; pixel (x, y) = (10x + y, 100 + 10x + y, 200 + x + y).
    private static readonly DecodedImage Image = new(3, 2, Enumerable.Range(0, 6).SelectMany(i =>
    {
        int x = i % 3, y = i / 3;
        return new[] { (byte)((10 * x) + y), (byte)(100 + (10 * x) + y), (byte)(200 + x + y) };
    }).ToArray());

    [Fact]
    public void Nchw_puts_each_channel_in_its_own_plane()
    {
        var t = ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, ImageNormalization.None);
        Assert.Equal(18, t.Length);
        const int H = 2, W = 3;
        for (var y = 0; y < H; y++)
        {
            for (var x = 0; x < W; x++)
            {
                var (r, g, b) = Image.GetPixel(x, y);
                Assert.Equal(r, t[(0 * H * W) + (y * W) + x]);
                Assert.Equal(g, t[(1 * H * W) + (y * W) + x]);
                Assert.Equal(b, t[(2 * H * W) + (y * W) + x]);
            }
        }

        Assert.Equal(21f, t[(1 * 3) + 2 + 0]); // c=0, y=1, x=2 → R = 21
        Assert.Equal(121f, t[6 + 5]); // c=1, y=1, x=2
    }

    [Fact]
    public void Nhwc_interleaves_channels_per_pixel()
    {
        var t = ImageTensor.ToFloat32(Image, TensorLayout.Nhwc, 3, ImageNormalization.None);
        const int W = 3, C = 3;
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < W; x++)
            {
                var (r, g, b) = Image.GetPixel(x, y);
                Assert.Equal(r, t[(((y * W) + x) * C) + 0]);
                Assert.Equal(g, t[(((y * W) + x) * C) + 1]);
                Assert.Equal(b, t[(((y * W) + x) * C) + 2]);
            }
        }

        Assert.Equal(Image.Pixels.ToArray().Select(v => (float)v), t);
    }

    [Fact]
    public void Bgr_order_swaps_red_and_blue()
    {
        var t = ImageTensor.ToFloat32(Image, TensorLayout.Nhwc, 3, ImageNormalization.None, ChannelOrder.Bgr);
        Assert.Equal([202f, 111f, 11f], t[12..15]); // pixel (1, 1) = (11, 111, 202)
    }

    [Fact]
    public void Normalization_applies_scale_mean_and_std_per_channel()
    {
        var t = ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, ImageNormalization.ImageNet);
        var (r, g, b) = Image.GetPixel(2, 1);
        Assert.Equal(((r / 255f) - 0.485f) / 0.229f, t[5], 5);
        Assert.Equal(((g / 255f) - 0.456f) / 0.224f, t[6 + 5], 5);
        Assert.Equal(((b / 255f) - 0.406f) / 0.225f, t[12 + 5], 5);

        var unit = ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, ImageNormalization.UnitRange);
        Assert.Equal(b / 255f, unit[12 + 5], 5);
        var custom = ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, new ImageNormalization(1f, [100f], [2f]));
        Assert.Equal((g - 100f) / 2f, custom[6 + 5]);
    }

    [Fact]
    public void One_channel_uses_bt601_luma()
    {
        var image = new DecodedImage(2, 1, [255, 0, 0, 10, 200, 40]);
        var t = ImageTensor.ToFloat32(image, TensorLayout.Nchw, 1, ImageNormalization.None);
        Assert.Equal(76.245f, t[0], 3); // 0.299 · 255
        Assert.Equal((0.299f * 10) + (0.587f * 200) + (0.114f * 40), t[1], 3);
        Assert.Equal(t, ImageTensor.ToFloat32(image, TensorLayout.Nhwc, 1, ImageNormalization.None));

        var grey = new DecodedImage(1, 1, [173, 173, 173]);
        Assert.Equal(173f, ImageTensor.ToFloat32(grey, TensorLayout.Nchw, 1, ImageNormalization.None)[0], 3);
    }

    [Fact]
    public void Float16_matches_float32_rounded_to_half()
    {
        foreach (var normalization in new[] { ImageNormalization.None, ImageNormalization.ImageNet })
        {
            foreach (var layout in new[] { TensorLayout.Nchw, TensorLayout.Nhwc })
            {
                var full = ImageTensor.ToFloat32(Image, layout, 3, normalization);
                var half = ImageTensor.ToFloat16(Image, layout, 3, normalization);
                Assert.Equal(full.Select(v => (Half)v), half);
            }
        }

        Assert.Equal((Half)203f, ImageTensor.ToFloat16(Image, TensorLayout.Nchw, 3, ImageNormalization.None)[17]); // c=2, y=1, x=2
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)1f), BitConverter.HalfToUInt16Bits(ImageTensor.ToFloat16(new DecodedImage(1, 1, [255, 255, 255]), TensorLayout.Nchw, 1, ImageNormalization.UnitRange)[0]));
    }

    [Fact]
    public void Writing_into_a_caller_buffer_checks_its_size_and_arguments()
    {
        var buffer = new float[18];
        ImageTensor.WriteFloat32(Image, buffer, TensorLayout.Nchw, 3, ImageNormalization.None);
        Assert.Equal(ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, ImageNormalization.None), buffer);
        var halves = new Half[6];
        ImageTensor.WriteFloat16(Image, halves, TensorLayout.Nchw, 1, ImageNormalization.UnitRange);

        Assert.Throws<ArgumentException>(() => ImageTensor.WriteFloat32(Image, new float[17], TensorLayout.Nchw, 3, ImageNormalization.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 2, ImageNormalization.None));
        Assert.Throws<ArgumentException>(() => ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, new ImageNormalization(1, [0, 0], [1])));
        Assert.Throws<ArgumentException>(() => ImageTensor.ToFloat32(Image, TensorLayout.Nchw, 3, new ImageNormalization(1, [0], [0])));
    }
}
