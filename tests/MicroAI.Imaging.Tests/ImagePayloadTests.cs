namespace MicroAI.Imaging.Tests;

public sealed class ImagePayloadTests
{
    private static readonly byte[] Bytes = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 250, 251, 252, 253, 254, 255];

    [Fact]
    public void Raw_base64_with_whitespace_and_line_breaks()
    {
        var text = Convert.ToBase64String(Bytes);
        var messy = "  " + string.Join("\r\n", text.Chunk(4).Select(c => new string(c))) + "\n\t ";
        var payload = ImagePayload.Parse(messy);
        Assert.Null(payload.MediaType);
        Assert.Equal(Bytes, payload.Data);
    }

    [Theory]
    [InlineData("data:image/png;base64,", "image/png")]
    [InlineData("data:image/jpeg;base64,", "image/jpeg")]
    [InlineData("DATA:Image/JPEG;BASE64,", "image/jpeg")]
    [InlineData("data:image/png;name=cat.png;base64,", "image/png")]
    [InlineData("data:;base64,", null)]
    public void Data_urls(string prefix, string? mediaType)
    {
        var payload = ImagePayload.Parse(prefix + Convert.ToBase64String(Bytes));
        Assert.Equal(mediaType, payload.MediaType);
        Assert.Equal(Bytes, payload.Data);
    }

    [Fact]
    public void Url_safe_alphabet_and_missing_padding_are_tolerated()
    {
        var standard = Convert.ToBase64String(Bytes);
        var urlSafe = standard.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        Assert.NotEqual(standard, urlSafe);
        Assert.Equal(Bytes, ImagePayload.Parse(urlSafe).Data);
    }

    [Theory]
    [InlineData("", "image payload is empty")]
    [InlineData("   \n ", "image payload is empty")]
    [InlineData("iVBOR*w0KGgo=", "invalid base64: unexpected character '*' at position 5")]
    [InlineData("iVBORw0KG", "invalid base64: length is not possible (truncated payload?)")]
    [InlineData("iVBO==Rw", "invalid base64: data continues after '=' padding at position 6")]
    [InlineData("iV===", "invalid base64: too much '=' padding at position 4")]
    [InlineData("iVBOR\u00e9w0", "invalid base64: unexpected character U+00E9 at position 5")]
    [InlineData("data:text/plain;base64,aGVsbG8=", "data URL has media type 'text/plain', not an image; send image/png or image/jpeg")]
    [InlineData("data:image/png,rawbytes", "data URL is not base64-encoded; use data:image/png;base64,...")]
    [InlineData("data:image/png;base64", "data URL has no ',' before its data")]
    [InlineData("https://example.com/cat.png", "remote image URLs are not fetched; send the image inline as base64 or a data:image/...;base64 URL")]
    [InlineData("HTTP://example.com/cat.png", "remote image URLs are not fetched; send the image inline as base64 or a data:image/...;base64 URL")]
    [InlineData("file:///etc/passwd", "'file:' URLs are not accepted; send the image inline as base64 or a data:image/...;base64 URL")]
    public void Bad_payloads_say_what_is_wrong(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<ImageDecodeException>(() => ImagePayload.Parse(text)).Message);
    }

    [Fact]
    public void Encoded_size_limit_is_checked_before_decoding()
    {
        var limits = new ImageDecodeLimits { MaxEncodedBytes = 10 };
        Assert.Contains("above the limit of 10 bytes", Assert.Throws<ImageDecodeException>(() => ImagePayload.Parse(new string('A', 400), limits)).Message);
    }
}
