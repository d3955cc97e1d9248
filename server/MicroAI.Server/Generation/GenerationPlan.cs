using MicroAI.Backends.Abstractions;

namespace MicroAI.Server.Generation;

/// <summary>
/// What one OpenAI request asks the backends for: one engine request per returned choice
/// (prompts × n), plus how to answer.
/// </summary>
internal sealed class GenerationPlan
{
    public required string? Model { get; init; }
    public required bool Chat { get; init; }
    public required List<GenerateRequest> Choices { get; init; }
    /// <summary>Choices per prompt (the request's n); prompt tokens are counted once per prompt.</summary>
    public int ChoicesPerPrompt { get; init; } = 1;
    /// <summary>Sampling as the request gave it; resolved per model (its defaults) when the model is known.</summary>
    public SamplingRequest Sampling { get; init; } = new();
    public bool Stream { get; init; }
    /// <summary>Ollama's keep_alive: how long the model stays loaded once idle (null = its default).</summary>
    public TimeSpan? KeepAlive { get; init; }
    public bool IncludeUsage { get; init; }
    /// <summary>Completions with echo: the prompt text to put before each choice's text.</summary>
    public List<string>? Echo { get; init; }
    /// <summary>Set for the Responses API: answer with a response object (or its event stream) instead of a chat completion.</summary>
    public ResponsesPlan? Responses { get; init; }
    /// <summary>Tools offered to the model; its output is read back as tool calls.</summary>
    public ToolPlan? Tools { get; init; }
}
