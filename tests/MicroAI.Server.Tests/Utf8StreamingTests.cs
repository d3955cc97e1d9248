using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace MicroAI.Server.Tests;

/// <summary>
/// Non-ASCII text end to end. The "tiny" model has random weights and Llama 2's 32k SentencePiece
/// vocabulary with byte-fallback tokens, so its output is a soup of multi-byte pieces (Cyrillic,
/// CJK, accented Latin) and stray byte tokens.
/// <para>
/// Limits: neither test model emits a valid multi-byte character spread over several byte-fallback
/// tokens in practice (measured: ~0.5% of tiny's tokens are byte tokens, never forming a valid
/// sequence; stories260K writes ASCII plus single-token curly quotes), so joining such bytes across
/// tokens (Utf8Assembler) is covered by the runtime's unit tests, not here. What these tests pin
/// down is the server's part: strict UTF-8 on the wire, whole characters per chunk, streamed text
/// identical to the non-streamed text, and non-ASCII (including astral-plane) input round-tripping.
/// </para>
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class Utf8StreamingTests(ServerFixture server)
{
    private const string NonAscii = "Café, naïve — 日本語 😀 👩‍💻 Ωμέγα";
    private static readonly UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);

    private static JsonObject TinyRequest(bool chat, bool stream, int seed) => chat
        ? new JsonObject
        {
            ["model"] = ServerFixture.TinyModel,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = NonAscii }),
            ["max_tokens"] = 300,
            ["temperature"] = 1,
            ["seed"] = seed,
            ["stream"] = stream,
        }
        : new JsonObject
        {
            ["model"] = ServerFixture.TinyModel,
            ["prompt"] = NonAscii,
            ["max_tokens"] = 300,
            ["temperature"] = 1,
            ["seed"] = seed,
            ["stream"] = stream,
        };

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task TinyModel_StreamedChunksAreWholeCharacters_AndJoinToTheNonStreamedText(bool chat, int seed)
    {
        var path = chat ? "v1/chat/completions" : "v1/completions";
        var (response, body, raw) = await server.Http.PostJsonAsync(path, TinyRequest(chat, stream: false, seed));
        Assert.True(response.IsSuccessStatusCode, raw);
        var choice = body!["choices"]![0]!;
        var whole = (string?)choice["text"] ?? (string)choice["message"]!["content"]!;

        var sse = await server.Http.PostStreamAsync(path, TinyRequest(chat, stream: true, seed));
        Assert.Equal(200, sse.Status);
        var pieces = sse.Chunks
            .SelectMany(c => c["choices"]!.AsArray())
            .Select(c => (string?)c!["text"] ?? (string?)c["delta"]!["content"])
            .Where(p => !string.IsNullOrEmpty(p))
            .Cast<string>()
            .ToList();

        Assert.True(whole.Length > 100, $"the tiny model produced only {whole.Length} chars");
        Assert.True(whole.Any(c => c > 0x7F), "expected non-ASCII output from a 32k vocabulary");
        Assert.Equal(whole, string.Concat(pieces));
        // Each chunk on its own is whole characters. In UTF-16 a chunk boundary can only cut a
        // character between the halves of a surrogate pair, which the strict encoder rejects.
        foreach (var piece in pieces)
        {
            var exception = Record.Exception(() => s_strictUtf8.GetBytes(piece));
            Assert.True(exception is null, $"chunk {Escape(piece)} is not well-formed UTF-16");
        }
        // U+FFFD does occur in this output, legitimately: with random weights the model samples stray
        // byte-fallback tokens (a lone continuation byte, a lead byte followed by a whole word) that
        // are invalid UTF-8 by themselves. Equal above proves both paths replaced exactly the same bytes.
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    [Fact]
    public async Task TinyModel_SameSeedGivesTheSameNonAsciiText()
    {
        var first = await server.Http.PostJsonAsync("v1/completions", TinyRequest(chat: false, stream: false, seed: 5));
        var second = await server.Http.PostJsonAsync("v1/completions", TinyRequest(chat: false, stream: false, seed: 5));

        Assert.Equal((string?)first.Body!["choices"]![0]!["text"], (string?)second.Body!["choices"]![0]!["text"]);
    }

    [Theory]
    [InlineData(ServerFixture.StoriesModel)]
    [InlineData(ServerFixture.TinyModel)]
    public async Task Chat_WithNonAsciiContent_Succeeds(string model)
    {
        var completion = (await server.OpenAI.GetChatClient(model).CompleteChatAsync(
            [new SystemChatMessage("Réponds en français, s'il te plaît. 日本"), new UserChatMessage(NonAscii)],
            new ChatCompletionOptions { MaxOutputTokenCount = 20, Temperature = 0 })).Value;

        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        // The emoji and CJK characters are tokenized (byte fallback where needed): many more tokens than words.
        Assert.True(completion.Usage.InputTokenCount > 20, $"prompt tokens: {completion.Usage.InputTokenCount}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Echo_ReturnsTheNonAsciiPromptUnchanged(bool stream)
    {
        var request = new JsonObject
        {
            ["model"] = ServerFixture.TinyModel,
            ["prompt"] = NonAscii,
            ["echo"] = true,
            ["max_tokens"] = 5,
            ["temperature"] = 0,
            ["stream"] = stream,
        };

        string text;
        if (stream)
        {
            var sse = await server.Http.PostStreamAsync("v1/completions", request);
            Assert.Equal(NonAscii, (string?)sse.Chunks[0]["choices"]![0]!["text"]);
            text = sse.JoinedText();
        }
        else
        {
            var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", request);
            Assert.True(response.IsSuccessStatusCode, raw);
            text = (string)body!["choices"]![0]!["text"]!;
        }

        Assert.StartsWith(NonAscii, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAsciiStopSequence_StopsBeforeIt()
    {
        // Find a non-ASCII character the tiny model produces with this seed, then stop on it.
        var request = TinyRequest(chat: false, stream: false, seed: 9);
        var full = (string)(await server.Http.PostJsonAsync("v1/completions", request)).Body!["choices"]![0]!["text"]!;
        var at = full.Select((c, i) => (c, i)).FirstOrDefault(x => x.c > 0x7F && x.c != '\uFFFD' && !char.IsSurrogate(x.c)).i;
        Assert.True(at > 0, "no non-ASCII character in the output to stop on");
        var stop = full[at].ToString();

        request["stop"] = stop;
        var (response, body, raw) = await server.Http.PostJsonAsync("v1/completions", request);

        Assert.True(response.IsSuccessStatusCode, raw);
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], (string?)body!["choices"]![0]!["text"]);
        Assert.Equal("stop", (string?)body["choices"]![0]!["finish_reason"]);
    }
}
