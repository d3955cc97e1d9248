using System.Text.Json;
using MicroAI.Imaging;
using MicroAI.Server.Limits;

namespace MicroAI.Server.Tests.Limits;

/// <summary>The checker and the options on their own: boundaries, wording, codes, validation, the image header probe.</summary>
public sealed class LimitChecksTests
{
    private static readonly RequestLimits Limits = new()
    {
        MaxMessages = 3, MaxInputs = 3, MaxTokens = 10, MaxChoices = 2, MaxStopSequences = 2, MaxTools = 2, MaxLogitBias = 2,
        MaxSchemaBytes = 40, MaxSchemaDepth = 2, MaxImageBytes = 100, MaxImagePixels = 100, MaxPromptCharacters = 5,
    };

    [Fact]
    public void Counts_pass_at_the_limit_and_fail_one_past_it_naming_field_count_limit_and_key()
    {
        Assert.Null(Limits.StopSequences(2));
        var error = Limits.StopSequences(3)!;
        Assert.Equal(400, error.Status);
        Assert.Equal("stop", error.Param);
        Assert.Equal("array_above_max_length", error.Code);
        Assert.Equal("'stop' has 3 entries; the limit is 2 (MicroAI:Limits:MaxStopSequences).", error.Message);

        Assert.Null(Limits.Messages(3, "messages"));
        Assert.Equal("MicroAI:Limits:MaxMessages", Key(Limits.Messages(4, "input")!));
        Assert.Null(Limits.Inputs(3, "documents"));
        Assert.Equal("documents", Limits.Inputs(4, "documents")!.Param);
        Assert.Null(Limits.Tools(2));
        Assert.Equal("MicroAI:Limits:MaxTools", Key(Limits.Tools(3)!));
        Assert.Null(Limits.LogitBias(2));
        Assert.Equal("MicroAI:Limits:MaxLogitBias", Key(Limits.LogitBias(3)!));
    }

    [Fact]
    public void Integers_and_strings_use_OpenAIs_codes()
    {
        Assert.Null(Limits.MaxTokens(null, "max_tokens"));
        Assert.Null(Limits.MaxTokens(10, "max_tokens"));
        var tokens = Limits.MaxTokens(11, "max_output_tokens")!;
        Assert.Equal(("max_output_tokens", "integer_above_max_value"), (tokens.Param, tokens.Code));
        Assert.Equal("'max_output_tokens' is 11; the limit is 10 (MicroAI:Limits:MaxTokens).", tokens.Message);

        Assert.Null(Limits.Choices(2));
        Assert.Equal("integer_above_max_value", Limits.Choices(3)!.Code);

        Assert.Null(Limits.Text(null, "content"));
        Assert.Null(Limits.Text("12345", "content"));
        var text = Limits.Text("123456", "messages[2].content")!;
        Assert.Equal(("messages[2].content", "string_above_max_length"), (text.Param, text.Code));
        Assert.Contains("has 6 characters; the limit is 5 (MicroAI:Limits:MaxPromptCharacters)", text.Message, StringComparison.Ordinal);
        Assert.Null(Limits.TokenIds(5, "tokens"));
        Assert.Equal("array_above_max_length", Limits.TokenIds(6, "tokens")!.Code);
    }

    [Fact]
    public void Schemas_are_bounded_by_size_then_depth()
    {
        using var flat = JsonDocument.Parse("""{"type":"string","enum":["a"]}"""); // 30 bytes, depth 2
        Assert.Null(Limits.Schema(flat.RootElement, "s"));
        using var deep = JsonDocument.Parse("""{"a":{"b":{}}}"""); // depth 3
        var error = Limits.Schema(deep.RootElement, "tools[0].function.parameters")!;
        Assert.Equal(("tools[0].function.parameters", "schema_too_deep"), (error.Param, error.Code));
        Assert.Contains("(MicroAI:Limits:MaxSchemaDepth)", error.Message, StringComparison.Ordinal);
        using var big = JsonDocument.Parse("""{"description":"0123456789012345678901234567"}"""); // 46 bytes
        Assert.Contains("is 46 bytes of JSON; the limit is 40 (MicroAI:Limits:MaxSchemaBytes)", Limits.Schema(big.RootElement, "s")!.Message, StringComparison.Ordinal);

        // Depth stops counting at the bound: a 10,000-deep array costs no more than the bound's worth.
        using var veryDeep = JsonDocument.Parse(new string('[', 10_000) + new string(']', 10_000), new JsonDocumentOptions { MaxDepth = 20_000 });
        Assert.Equal(4, LimitChecks.Depth(veryDeep.RootElement, 4));
        Assert.Equal(0, LimitChecks.Depth(flat.RootElement.GetProperty("type"), 4));
    }

    [Fact]
    public void Images_are_bounded_by_bytes_then_by_the_pixels_their_header_declares()
    {
        Assert.Null(Limits.Image(RequestLimitsTests.PngHeaderOnly(10, 10), "input[0].image"));
        var pixels = Limits.Image(RequestLimitsTests.PngHeaderOnly(11, 10), "input[0].image")!;
        Assert.Equal(("input[0].image", "image_too_large"), (pixels.Param, pixels.Code));
        Assert.Contains("is 11×10 = 110 pixels; the limit is 100 (MicroAI:Limits:MaxImagePixels)", pixels.Message, StringComparison.Ordinal);
        var bytes = Limits.Image(new byte[101], "input[0].image")!;
        Assert.Equal("request_too_large", bytes.Code);
        Assert.Contains("(MicroAI:Limits:MaxImageBytes)", bytes.Message, StringComparison.Ordinal);
        // Not an image the probe knows: left to the decoder, which says what is wrong with it.
        Assert.Null(Limits.Image("GIF89a"u8.ToArray(), "input[0].image"));
    }

    [Fact]
    public void ImageSize_reads_PNG_and_JPEG_headers_without_decoding()
    {
        Assert.True(ImageSize.TryRead(RequestLimitsTests.PngHeaderOnly(100_000, 7), out var w, out var h));
        Assert.Equal((100_000, 7), (w, h));
        var mnist = File.ReadAllBytes(LimitsServerFixture.MnistPng);
        Assert.True(ImageSize.TryRead(mnist, out w, out h));
        Assert.Equal((28, 28), (w, h));

        // SOI, an APP0 segment, a comment with a stray 0xFF, then SOF2 (progressive) declaring 65535 × 300.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xFE, 0x00, 0x04, 0xFF, 0x00,
            0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x01, 0x2C, 0xFF, 0xFF, 0x01, 0x01, 0x11, 0x00];
        Assert.True(ImageSize.TryRead(jpeg, out w, out h));
        Assert.Equal((65535, 300), (w, h));

        Assert.False(ImageSize.TryRead([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02], out _, out _)); // a scan before any frame header
        Assert.False(ImageSize.TryRead(mnist.AsSpan(0, 20), out _, out _)); // truncated in IHDR
        Assert.False(ImageSize.TryRead(RequestLimitsTests.PngHeaderOnly(0, 5), out _, out _));
        Assert.False(ImageSize.TryRead("not an image"u8, out _, out _));
    }

    [Fact]
    public void The_defaults_are_valid_and_bad_values_are_named()
    {
        Assert.Empty(new RequestLimits().Validate());
        var problems = new RequestLimits { MaxMessages = 0, MaxJsonDepth = 4, MaxImagePixels = ImageDecodeLimits.Default.MaxPixels + 1, MaxStopSequences = -1 }.Validate().ToList();
        Assert.Contains(problems, p => p.StartsWith("MicroAI:Limits:MaxMessages must be at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MicroAI:Limits:MaxJsonDepth", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MicroAI:Limits:MaxImagePixels must be at most", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MicroAI:Limits:MaxStopSequences", StringComparison.Ordinal));
        Assert.Contains(new RequestLimits { MaxSchemaDepth = 64 }.Validate(), p => p.Contains("MaxSchemaDepth", StringComparison.Ordinal));
    }

    private static string Key(MicroAI.Server.OpenAI.ApiError error) =>
        error.Message[(error.Message.LastIndexOf('(') + 1)..error.Message.LastIndexOf(')')];
}
