namespace MicroAI.Imaging.Tests;

/// <summary>Format sniffing: PNG and JPEG are decoded whatever the client claimed, everything else is named and refused.</summary>
public sealed class ImageDecoderTests
{
    [Theory]
    [InlineData("GIF89a\x01\x00\x01\x00", "gif")]
    [InlineData("GIF87a\x01\x00\x01\x00", "gif")]
    [InlineData("RIFF\x10\x00\x00\x00WEBPVP8 ", "webp")]
    [InlineData("BM\x3A\x00\x00\x00\x00\x00", "bmp")]
    [InlineData("II*\x00\x08\x00\x00\x00", "tiff")]
    [InlineData("MM\x00*\x00\x00\x00\x08", "tiff")]
    [InlineData("\u0000\u0000\u0000\u001CftypavifXXXX", "avif")]
    [InlineData("\u0000\u0000\u0000\u0018ftypheicXXXX", "heic")]
    [InlineData("qoif\x00\x00\x00\x01", "qoi")]
    [InlineData("<?xml version=\"1.0\"?><svg xmlns=", "svg")]
    [InlineData("%PDF-1.7", "pdf")]
    public void Other_formats_are_named(string header, string format)
    {
        var bytes = header.Select(c => (byte)c).ToArray();
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
        Assert.Equal($"unsupported format '{format}'; send PNG or JPEG", error.Message);
    }

    [Fact]
    public void Unknown_bytes_and_empty_input_are_refused()
    {
        Assert.Equal("unrecognised image format (starts with 48656C6C6F); send PNG or JPEG", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode("Hello"u8)).Message);
        Assert.Equal("image is empty (0 bytes)", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty)).Message);
    }

    [Fact]
    public void The_declared_media_type_does_not_matter()
    {
        var jpeg = Fixtures.Jpeg("grey");
        var image = ImageDecoder.Decode("data:image/png;base64," + Convert.ToBase64String(jpeg));
        Assert.Equal(37, image.Width);
    }

    [Fact]
    public void Encoded_size_limit_applies()
    {
        var limits = new ImageDecodeLimits { MaxEncodedBytes = 100 };
        Assert.Contains("above the limit of 100 bytes", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Fixtures.Jpeg("grey"), limits)).Message);
    }
}
