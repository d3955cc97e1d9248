namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// What a <see cref="IToolCallParser"/> recovered from one generation.
/// </summary>
/// <param name="Content">
/// The text outside any recognised call, or null when there is none. When no call is found this is the
/// input text unchanged, so nothing the model wrote is ever lost.
/// </param>
/// <param name="ToolCalls">The recognised calls in the order the model emitted them.</param>
/// <param name="Reasoning">
/// Text of a <c>&lt;think&gt;</c> block, for the formats whose models emit one (Qwen 3 / QwQ / DeepSeek R1); otherwise null.
/// </param>
public sealed record ToolCallParseResult(string? Content, IReadOnlyList<ToolCall> ToolCalls, string? Reasoning = null)
{
    /// <summary>True when at least one call was recognised (OpenAI's <c>finish_reason: "tool_calls"</c>).</summary>
    public bool HasToolCalls => ToolCalls.Count > 0;
}
