using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.Tests.Shared;

namespace MicroAI.Imaging.Tests;

/// <summary>
/// The two PNGs beside the shared models decode to the pixels an independent decoder produced (pngjs, run once
/// at development time; its output is in Fixtures/png-references.json as a SHA-256 of the RGB plus samples).
/// </summary>
public sealed class RealImageTests
{
    [Theory]
    [InlineData("mnist_28.png")]
    [InlineData("kitten_224.png")]
    public void Decodes_like_the_reference_decoder(string name)
    {
        var folder = name.StartsWith("mnist", StringComparison.Ordinal) ? TestPaths.MnistFolder : TestPaths.SqueezeNetFolder;
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(folder, name)));

        using var references = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Folder, "png-references.json")));
        var reference = references.RootElement.GetProperty(name);
        Assert.Equal(reference.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(reference.GetProperty("height").GetInt32(), image.Height);
        foreach (var sample in reference.GetProperty("samples").EnumerateArray())
        {
            var v = sample.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(((byte)v[2], (byte)v[3], (byte)v[4]), image.GetPixel(v[0], v[1]));
        }

        Assert.Equal(reference.GetProperty("rgbSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(image.Pixels)));
    }

    [Fact]
    public void Mnist_digit_becomes_a_1x1x28x28_tensor()
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(TestPaths.MnistFolder, "mnist_28.png")));
        var tensor = ImageTensor.ToFloat32(image, TensorLayout.Nchw, 1, ImageNormalization.None);
        Assert.Equal(28 * 28, tensor.Length);
        Assert.Equal(253f, tensor[(14 * 28) + 14], 3);
        Assert.Equal(0f, tensor[0]);
    }

    [Fact]
    public void Kitten_survives_a_data_url_round_trip_and_imagenet_preprocessing()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.SqueezeNetFolder, "kitten_224.png"));
        var direct = ImageDecoder.Decode(bytes);
        var viaUrl = ImageDecoder.Decode("data:image/png;base64," + Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks));
        Assert.Equal(direct.Pixels.ToArray(), viaUrl.Pixels.ToArray());

        var cropped = ImageResizer.ResizeAndCenterCrop(direct, 256, 224, 224);
        Assert.Equal((224, 224), (cropped.Width, cropped.Height));
        var tensor = ImageTensor.ToFloat16(cropped, TensorLayout.Nchw, 3, ImageNormalization.ImageNet);
        Assert.Equal(3 * 224 * 224, tensor.Length);
        Assert.All(tensor, v => Assert.InRange((float)v, -2.2f, 2.7f));
    }
}
