namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// One function call recovered from a model's output, shaped like an OpenAI <c>tool_calls[i]</c> entry.
/// </summary>
/// <param name="Id">The call id (<c>call_</c> + 24 alphanumerics, or the id the model itself emitted, e.g. Mistral's).</param>
/// <param name="Name">The function name.</param>
/// <param name="ArgumentsJson">
/// The arguments as JSON object text, exactly what OpenAI puts in <c>function.arguments</c>.
/// Kept as text (not a parsed DOM) so the model's own number formatting and key order survive untouched.
/// </param>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);
