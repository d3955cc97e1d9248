using System.Text.Encodings.Web;
using System.Text.Json;

namespace MicroAI.TextFormats.Grammar;

/// <summary>JSON values (for const/enum and property names) in the one spelling the grammar will accept.</summary>
internal static class JsonLiteral
{
    // Relaxed escaping keeps non-ASCII text as itself ("é", not "\u00E9"): that is what a model
    // writes naturally, and either spelling is valid JSON.
    private static readonly JsonWriterOptions CompactWriter = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonElement True = JsonDocument.Parse("true").RootElement.Clone();

    public static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, CompactWriter))
            value.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The JSON string literal of <paramref name="text"/> (written, not serialised, so a trimmed build needs no reflection).</summary>
    public static string Quote(string text)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, QuoteWriter))
            writer.WriteStringValue(text);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static readonly JsonWriterOptions QuoteWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
