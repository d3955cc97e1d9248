using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.Generation;

/// <summary>
/// Answers one protocol from a run: owns its JSON and streaming shapes, nothing else. One instance
/// per request, made by its endpoint; called from the request's thread only.
/// </summary>
internal interface IGenerationWriter
{
    /// <summary>
    /// True when the answer goes out as it is generated: tool-call markup is then held back piece by
    /// piece instead of parsed from the whole text at the end.
    /// </summary>
    bool Streams { get; }

    /// <summary>The run could not start (no such model, refused submission); nothing has been written yet.</summary>
    Task WriteFailureAsync(HttpResponse response, RunFailure failure);

    /// <summary>Writes the answer from <see cref="GenerationRun.Events"/>; <paramref name="ct"/> ends with the request.</summary>
    Task WriteAsync(HttpResponse response, GenerationRun run, CancellationToken ct);
}

/// <summary>A started run: who answers, the prompt's size, and the choices' merged events.</summary>
internal sealed class GenerationRun(string model, long created, int choices, int choicesPerPrompt, bool logprobs, IAsyncEnumerable<RunEvent> events, RunUsage usage)
{
    /// <summary>The model's id as clients name it.</summary>
    public string Model { get; } = model;
    /// <summary>Unix seconds when the run started.</summary>
    public long Created { get; } = created;
    public int Choices { get; } = choices;
    public int ChoicesPerPrompt { get; } = choicesPerPrompt;
    /// <summary>The request asked for logprobs: text events carry them (an empty list when a piece has none).</summary>
    public bool Logprobs { get; } = logprobs;
    /// <summary>Events of all choices tagged with their index, in arrival order; Finished or Failed ends a choice.</summary>
    public IAsyncEnumerable<RunEvent> Events { get; } = events;
    /// <summary>Token counts so far; complete once <see cref="Events"/> has ended.</summary>
    public RunUsage Usage { get; } = usage;
}

/// <summary>The tokens of a run, counted once per prompt for the prompt side.</summary>
internal sealed class RunUsage(int promptTokens)
{
    /// <summary>Known at the start for a local run; an upstream reports it with the end of its answer.</summary>
    public int PromptTokens { get; set; } = promptTokens;
    public int CompletionTokens { get; set; }
    public int CachedTokens { get; set; }
    /// <summary>Which side answered: "local", or "upstream/{name}" (<see cref="Upstreams.ServedBy"/>).</summary>
    public string ServedBy { get; init; } = Upstreams.ServedBy.Local;
    /// <summary>When the run's phases happened (for protocols that report durations, such as Ollama's).</summary>
    public RunTimings? Timings { get; init; }
}

/// <summary>
/// Timestamps (<see cref="TimeProvider.GetTimestamp"/>) of a run's phases: the runner starts, the
/// model is acquired (loaded if it was not), the first and the latest piece of output arrive.
/// Written by the run's one reader as events pass; read by the writer on the same thread.
/// </summary>
internal sealed class RunTimings(TimeProvider time, long started, long loaded)
{
    public long Started { get; } = started;
    public long Loaded { get; } = loaded;
    /// <summary>0 until output arrives.</summary>
    public long FirstToken { get; private set; }
    public long LastToken { get; private set; }

    public void Output(long now)
    {
        if (FirstToken == 0)
            FirstToken = now;
        LastToken = now;
    }

    public TimeSpan Load => time.GetElapsedTime(Started, Loaded);
    /// <summary>From submission to the first output: templating, queueing and the prompt's prefill.</summary>
    public TimeSpan PromptEval => FirstToken == 0 ? time.GetElapsedTime(Loaded) : time.GetElapsedTime(Loaded, FirstToken);
    /// <summary>From the first output to the latest.</summary>
    public TimeSpan Eval => FirstToken == 0 ? TimeSpan.Zero : time.GetElapsedTime(FirstToken, LastToken);
    public TimeSpan Total => time.GetElapsedTime(Started);
}

internal enum RunEventKind
{
    /// <summary>Text of the answer (tool-call markup removed when tools were offered).</summary>
    Text,
    /// <summary>
    /// The calls the choice made; comes right before its Finished, and never when that finishes for
    /// length: a cut generation's call markup comes as Text instead (see <see cref="ToolCallReader.Complete"/>).
    /// </summary>
    ToolCalls,
    /// <summary>The choice ended; <see cref="RunEvent.FinishReason"/> and <see cref="RunEvent.Usage"/> are set (and <see cref="RunEvent.StopSequence"/> when a stop string ended it).</summary>
    Finished,
    /// <summary>The choice failed after it started; <see cref="RunEvent.Failure"/> is set.</summary>
    Failed,
}

/// <summary>One item of a run's neutral event stream; knows nothing of JSON or HTTP.</summary>
internal readonly record struct RunEvent(
    int Choice,
    RunEventKind Kind,
    string? Text = null,
    IReadOnlyList<TokenLogprob>? Logprobs = null,
    IReadOnlyList<ToolCall>? ToolCalls = null,
    FinishReason FinishReason = FinishReason.Stop,
    GenerationUsage Usage = default,
    RunFailure? Failure = null,
    string? StopSequence = null);

/// <summary>
/// Why a run failed, as the engine or the model host said it, or as an upstream answered (already an
/// error with its status); each protocol words it its own way.
/// </summary>
internal sealed record RunFailure(GenerationError? Error, ModelLookup<LoadedTextModel>? Lookup, OpenAI.ApiError? Api = null)
{
    public static RunFailure Of(GenerationError error) => new(error, null);
    public static RunFailure Of(ModelLookup<LoadedTextModel> lookup) => new(null, lookup);
    public static RunFailure Of(OpenAI.ApiError error) => new(null, null, error);
}
