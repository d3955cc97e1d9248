using System.Text.Json;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Server.Generation;

/// <summary>
/// A text-generation request as every protocol asks it, between its wire DTO and the engine's
/// <see cref="GenerateRequest"/>. A protocol's mapper fills it from its own shape (roles, content
/// parts, field names) and rejects what only its shape can get wrong; <see cref="TextRequestValidator"/>
/// then checks everything the protocols share once. Fields carry the wire names errors must quote,
/// since "max_tokens" is "max_output_tokens" on one route and "max_completion_tokens" on another.
/// </summary>
internal sealed record TextRequest
{
    public string? Model { get; init; }

    /// <summary>A conversation for the chat template; or else <see cref="Prompts"/>.</summary>
    public IReadOnlyList<ChatTurn>? Messages { get; init; }

    /// <summary>Raw prompts (legacy completions); each gets <see cref="N"/> choices.</summary>
    public IReadOnlyList<PromptInput>? Prompts { get; init; }

    /// <summary>Fill-in-the-middle: text after the insertion point (text prompts only).</summary>
    public string? Suffix { get; init; }

    public string? ChatTemplate { get; init; }

    public int? MaxTokens { get; init; }
    public string MaxTokensParam { get; init; } = "max_tokens";
    /// <summary>What an absent <see cref="MaxTokens"/> means (null = until the context is full).</summary>
    public int? DefaultMaxTokens { get; init; }

    public int? N { get; init; }

    /// <summary>The stop strings as given (empty ones count against the limit but are dropped).</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Alternatives reported per generated token; null = no logprobs.</summary>
    public int? Logprobs { get; init; }
    public string LogprobsParam { get; init; } = "top_logprobs";

    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public float? PresencePenalty { get; init; }
    public float? FrequencyPenalty { get; init; }
    public long? Seed { get; init; }
    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public float? RepeatPenalty { get; init; }
    public int? RepeatLastN { get; init; }
    /// <summary>Token id (as the wire gives it, a string) → bias.</summary>
    public IReadOnlyDictionary<string, float>? LogitBias { get; init; }

    public IReadOnlyList<ToolDefinition>? Tools { get; init; }
    public ToolChoice ToolChoice { get; init; } = ToolChoice.Unset;
    public bool? ParallelToolCalls { get; init; }

    /// <summary>A JSON answer the output is constrained to; null = free text.</summary>
    public OutputFormat? Format { get; init; }

    /// <summary>llama-server's extension: a GBNF grammar the output must follow.</summary>
    public string? Grammar { get; init; }

    /// <summary>Ollama's keep_alive as the wire gave it (a duration string or seconds).</summary>
    public JsonElement? KeepAlive { get; init; }
}

/// <summary>
/// One function tool. <paramref name="Definition"/> is what the chat template is given (OpenAI's chat
/// shape, <c>{"type":"function","function":{…}}</c>, the shape templates are written for);
/// <paramref name="Param"/> names its function object in errors.
/// </summary>
internal sealed record ToolDefinition(JsonElement Definition, string Param)
{
    public JsonElement Function => Definition.GetProperty("function");
}

/// <summary>Which tool the model must (or must not) call.</summary>
internal readonly record struct ToolChoice(ToolChoiceMode Mode, string? Name = null)
{
    public static ToolChoice Unset => new(ToolChoiceMode.Unset);
}

internal enum ToolChoiceMode
{
    /// <summary>Not given: auto when tools are offered.</summary>
    Unset,
    Auto,
    None,
    Required,
    /// <summary>The function <see cref="ToolChoice.Name"/>.</summary>
    Function,
}

/// <summary>
/// A constrained answer: <c>json_object</c>, <c>json_schema</c> (with <paramref name="Schema"/>), or
/// <c>text</c>/null for none. <paramref name="Param"/> names the field in errors ("response_format",
/// "text.format"); <paramref name="SchemaParam"/> the schema's own path, which differs between
/// protocols that nest json_schema and those that flatten it. OpenAI's <c>strict</c> has no field:
/// every schema is enforced as strict mode asks (only declared properties unless
/// <c>additionalProperties</c> allows more), so it changes nothing.
/// </summary>
internal sealed record OutputFormat(string? Type, JsonElement? Schema, string Param, string SchemaParam);
