using MicroAI.Engines.Abstractions;

namespace MicroAI.Server.Generation;

/// <summary>
/// What one validated request asks the engine for: one engine request per returned choice
/// (prompts × n). Protocol-neutral: how the answer is written is the writer's business.
/// </summary>
internal sealed class GenerationPlan
{
    public required string? Model { get; init; }
    public required List<GenerateRequest> Choices { get; init; }
    /// <summary>Choices per prompt (the request's n); prompt tokens are counted once per prompt.</summary>
    public int ChoicesPerPrompt { get; init; } = 1;
    /// <summary>Sampling as the request gave it; resolved per model (its defaults) when the model is known.</summary>
    public SamplingRequest Sampling { get; init; } = new();
    /// <summary>Ollama's keep_alive: how long the model stays loaded once idle (null = its default).</summary>
    public TimeSpan? KeepAlive { get; init; }
    /// <summary>Tools offered to the model; its output is read back as tool calls.</summary>
    public ToolPlan? Tools { get; init; }
    /// <summary>The validated request as the protocols share it: what an upstream is sent when the request is forwarded.</summary>
    public TextRequest? Source { get; init; }
}
