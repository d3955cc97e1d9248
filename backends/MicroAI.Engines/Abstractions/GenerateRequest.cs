namespace MicroAI.Engines.Abstractions;

/// <summary>
/// An engine-neutral generation request: what the protocol layer asks of a text model once the
/// protocol's request has been parsed and validated (Generation/TextRequestValidator in the server). Either <see cref="Prompt"/> or <see cref="Messages"/> is set.
/// </summary>
public sealed record GenerateRequest
{
    /// <summary>A raw completion prompt (text or token ids).</summary>
    public PromptInput? Prompt { get; init; }

    /// <summary>A chat conversation to render with the model's chat template.</summary>
    public IReadOnlyList<ChatTurn>? Messages { get; init; }

    public SamplingParameters Sampling { get; init; } = SamplingParameters.Default;

    /// <summary>Upper bound of generated tokens; null means "until the context is full".</summary>
    public int? MaxTokens { get; init; }

    /// <summary>
    /// Longest time from submission to the last token. A request still queued when it passes fails
    /// (QueueTimeout); one already generating finishes with <see cref="FinishReason.Length"/>.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Up to four stop strings; the matched text is not returned.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Function tools offered to the model (OpenAI's <c>tools</c> entries), passed to the chat template.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement>? Tools { get; init; }

    /// <summary>Text after the insertion point (fill-in-the-middle with a text <see cref="Prompt"/> before it).</summary>
    public string? Suffix { get; init; }

    /// <summary>A chat template for this request instead of the model's (vLLM's <c>chat_template</c>).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Report each generated token's log-probability with this many alternatives (0–20); null = no logprobs.</summary>
    public int? Logprobs { get; init; }
}

/// <summary>A completion prompt: text, or token ids given by the client.</summary>
public sealed class PromptInput
{
    private PromptInput(string? text, IReadOnlyList<int>? tokens) => (Text, Tokens) = (text, tokens);

    public string? Text { get; }
    public IReadOnlyList<int>? Tokens { get; }

    public static PromptInput FromText(string text) => new(text, null);
    public static PromptInput FromTokens(IReadOnlyList<int> tokens) => new(null, tokens);
}

/// <summary>One chat message, content already flattened to text.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    /// <summary>Calls an assistant turn made (for the template to show the model its own calls).</summary>
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }
    /// <summary>For a tool turn: the call it answers.</summary>
    public string? ToolCallId { get; init; }
    public string? Name { get; init; }
}

/// <param name="Arguments">The arguments as JSON text, as OpenAI carries them.</param>
public sealed record ChatToolCall(string Id, string Name, string Arguments);
