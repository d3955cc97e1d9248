namespace MicroAI.Imaging.Tests;

public sealed class ImageResizerTests
{
    [Theory]
    [InlineData(ResizeMode.Bilinear)]
    [InlineData(ResizeMode.Bicubic)]
    public void Two_by_two_to_one_pixel_is_the_mean(ResizeMode mode)
    {
        var image = new DecodedImage(2, 2, [0, 0, 0, 255, 255, 255, 10, 20, 30, 30, 40, 50]);
        var result = ImageResizer.Resize(image, 1, 1, mode);
        Assert.Equal((74, 79, 84), result.GetPixel(0, 0)); // (295, 315, 335) / 4 = 73.75, 78.75, 83.75
    }

    [Fact]
    public void Nearest_picks_the_pixel_under_the_centre()
    {
        var image = new DecodedImage(2, 2, [0, 0, 0, 255, 255, 255, 10, 20, 30, 30, 40, 50]);
        Assert.Equal((30, 40, 50), ImageResizer.Resize(image, 1, 1, ResizeMode.Nearest).GetPixel(0, 0));
    }

    [Theory]
    [InlineData(ResizeMode.Bilinear)]
    [InlineData(ResizeMode.Bicubic)]
    [InlineData(ResizeMode.Nearest)]
    public void One_pixel_upscaled_stays_constant(ResizeMode mode)
    {
        var result = ImageResizer.Resize(new DecodedImage(1, 1, [12, 200, 77]), 3, 3, mode);
        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 3; x++)
                Assert.Equal((12, 200, 77), result.GetPixel(x, y));
        }
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(64, 4)]
    [InlineData(100, 7)]
    public void Downscaled_checkerboard_is_grey_not_aliased(int size, int target)
    {
        var pixels = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
                pixels.AsSpan(((y * size) + x) * 3, 3).Fill((byte)((x + y) % 2 == 0 ? 0 : 255));
        }

        var checkerboard = new DecodedImage(size, size, pixels);
        foreach (var mode in new[] { ResizeMode.Bilinear, ResizeMode.Bicubic })
        {
            var result = ImageResizer.Resize(checkerboard, target, target, mode);
            foreach (var value in result.Pixels)
                Assert.InRange(value, 118, 137);
        }

        // Point sampling, by contrast, keeps only black or white: the aliasing the filters avoid.
        Assert.All(ImageResizer.Resize(checkerboard, target, target, ResizeMode.Nearest).Pixels.ToArray(), v => Assert.True(v is 0 or 255));
    }

    /// <summary>
    /// Against Pillow's resize of the same 75×53 photo crop (Fixtures/README.md). Both round to 8 bits between
    /// passes; Pillow's weights are fixed-point and ours float, so a rare ±1 is allowed (measured: 1% of samples
    /// for bilinear upscaling, 0.1% for bilinear downscaling, none for bicubic and nearest).
    /// </summary>
    [Theory]
    [InlineData("bilinear_30x20", ResizeMode.Bilinear)]
    [InlineData("bilinear_7x5", ResizeMode.Bilinear)]
    [InlineData("bilinear_90x64", ResizeMode.Bilinear)]
    [InlineData("bicubic_30x20", ResizeMode.Bicubic)]
    [InlineData("bicubic_90x64", ResizeMode.Bicubic)]
    [InlineData("nearest_30x20", ResizeMode.Nearest)]
    public void Matches_pillow(string name, ResizeMode mode)
    {
        var (sw, sh, source) = Fixtures.ReadPnm(Path.Combine(Fixtures.Folder, "resize", "source.ppm"));
        var (w, h, expected) = Fixtures.ReadPnm(Path.Combine(Fixtures.Folder, "resize", name + ".ppm"));
        var result = ImageResizer.Resize(new DecodedImage(sw, sh, source), w, h, mode);
        var actual = result.Pixels;
        int off = 0, max = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(actual[i] - expected[i]);
            off += d > 0 ? 1 : 0;
            max = Math.Max(max, d);
        }

        Assert.True(max <= 1 && off <= expected.Length / 50, $"{off} of {expected.Length} samples differ from Pillow, by up to {max}");
    }

    [Fact]
    public void Resize_and_center_crop_follows_torchvision()
    {
        // 40 × 20: shorter side 20 → 16, longer 40 · 16 / 20 = 32; crop 10 × 12 at ((32 − 10) / 2, (16 − 12) / 2) = (11, 2).
        var image = Gradient(40, 20);
        var result = ImageResizer.ResizeAndCenterCrop(image, 16, 10, 12, ResizeMode.Nearest);
        Assert.Equal((10, 12), (result.Width, result.Height));
        var resized = ImageResizer.Resize(image, 32, 16, ResizeMode.Nearest);
        Assert.Equal(resized.GetPixel(11, 2), result.GetPixel(0, 0));
        Assert.Equal(resized.GetPixel(20, 13), result.GetPixel(9, 11));

        // Odd margins round half to even: 15 → 10 leaves 5, offset round(2.5) = 2.
        var crop = ImageResizer.CenterCrop(Gradient(15, 15), 10, 10);
        Assert.Equal(Gradient(15, 15).GetPixel(2, 2), crop.GetPixel(0, 0));
    }

    [Fact]
    public void Cover_crop_fills_the_target_without_distortion()
    {
        var image = Gradient(300, 100);
        var result = ImageResizer.ResizeAndCenterCrop(image, 50, 50);
        Assert.Equal((50, 50), (result.Width, result.Height));
        var scaled = ImageResizer.Resize(image, 150, 50);
        Assert.Equal(scaled.GetPixel(50, 0), result.GetPixel(0, 0)); // (150 − 50) / 2 = 50
    }

    [Fact]
    public void Arguments_are_checked()
    {
        var image = Gradient(4, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResizer.Resize(image, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResizer.CenterCrop(image, 5, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResizer.ResizeAndCenterCrop(image, 200, 224, 224));
    }

    private static DecodedImage Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                pixels[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                pixels[i + 2] = (byte)((x * 7) + (y * 13));
            }
        }

        return new DecodedImage(width, height, pixels);
    }
}
