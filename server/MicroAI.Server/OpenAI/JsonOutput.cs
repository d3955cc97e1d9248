using System.Text.Encodings.Web;
using System.Text.Json;

namespace MicroAI.Server.OpenAI;

/// <summary>
/// Writer settings for every response body: text is written as UTF-8, not \uXXXX escapes (as
/// OpenAI does), which keeps non-ASCII streams a third of the size.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static Utf8JsonWriter CreateWriter(System.Buffers.IBufferWriter<byte> output) => new(output, Options);

    /// <summary>Writes a JSON body straight into the response pipe (no intermediate string).</summary>
    public static async Task WriteResponseAsync(HttpContext http, Action<Utf8JsonWriter> write)
    {
        http.Response.ContentType = "application/json";
        using (var w = CreateWriter(http.Response.BodyWriter))
            write(w);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    /// <summary><c>"usage": {"prompt_tokens", "total_tokens"}</c> for requests that generate nothing (embeddings, classification, rerank).</summary>
    public static void WritePromptUsage(Utf8JsonWriter w, int promptTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("total_tokens", promptTokens);
        w.WriteEndObject();
    }
}
