namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// Thrown inside the converter to unwind from any depth; <see cref="JsonSchemaGrammar"/> turns it
/// into a failed <see cref="GrammarResult"/>, so it never escapes the public API.
/// </summary>
internal sealed class GrammarSchemaException(string message) : Exception(message)
{
    public static GrammarSchemaException Unsupported(string pointer, string keyword, string? detail = null) =>
        new($"JSON Schema keyword '{keyword}' at '{Pointer.Format(pointer)}' is not supported{(detail is null ? "" : ": " + detail)}.");

    public static GrammarSchemaException Invalid(string pointer, string message) =>
        new($"Invalid JSON Schema at '{Pointer.Format(pointer)}': {message}.");
}
