using System.Text.Json;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama;

/// <summary>
/// Ollama's <c>options</c> object onto the neutral <see cref="TextRequest"/>. A known option of the
/// wrong type is a 400 naming it; values are range-checked by <see cref="TextRequestValidator"/> like
/// every protocol's. Options that set up the runner (num_ctx, num_gpu, num_thread…) are the server's
/// configuration here and are accepted without effect; unknown ones are logged and ignored, as Ollama does.
/// </summary>
internal static partial class OllamaOptions
{
    /// <summary>Ollama's options that are load or runner settings, or samplers llama.cpp no longer has: accepted, no effect.</summary>
    private static readonly HashSet<string> s_accepted =
    [
        "num_ctx", "num_keep", "num_batch", "num_gpu", "main_gpu", "num_thread", "num_gqa", "low_vram", "f16_kv", "logits_all",
        "vocab_only", "use_mmap", "use_mlock", "numa", "typical_p", "tfs_z", "mirostat", "mirostat_eta", "mirostat_tau", "penalize_newline",
    ];

    public static ApiError? Apply(Dictionary<string, JsonElement>? options, TextRequest request, ILogger logger, out TextRequest mapped)
    {
        mapped = request;
        if (options is null)
            return null;
        foreach (var (name, value) in options)
        {
            if (value.ValueKind == JsonValueKind.Null)
                continue;
            ApiError? error = null;
            switch (name)
            {
                case "temperature": error = Float(name, value, out var t); mapped = mapped with { Temperature = t }; break;
                case "top_p": error = Float(name, value, out var p); mapped = mapped with { TopP = p }; break;
                case "min_p": error = Float(name, value, out var mp); mapped = mapped with { MinP = mp }; break;
                case "top_k": error = Int(name, value, out var k); mapped = mapped with { TopK = k }; break;
                case "repeat_penalty": error = Float(name, value, out var rp); mapped = mapped with { RepeatPenalty = rp }; break;
                case "presence_penalty": error = Float(name, value, out var pp); mapped = mapped with { PresencePenalty = pp }; break;
                case "frequency_penalty": error = Float(name, value, out var fp); mapped = mapped with { FrequencyPenalty = fp }; break;
                case "repeat_last_n":
                    // -1 is Ollama's "the whole context": the sampler's own default window is used instead.
                    error = Int(name, value, out var n);
                    mapped = mapped with { RepeatLastN = n == -1 ? null : n };
                    break;
                case "seed":
                    error = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed) ? null : WrongType(name, "an integer");
                    mapped = mapped with { Seed = error is null ? value.GetInt64() : null };
                    break;
                case "num_predict":
                    // -1 (forever) and -2 (until the context is full) both run until the model stops or the context ends.
                    error = Int(name, value, out var predict);
                    if (error is null && predict is < -2)
                        error = ApiError.BadRequest($"Invalid option 'num_predict': {predict}. Expected a number of tokens, -1 or -2.", "options.num_predict");
                    mapped = mapped with { MaxTokens = predict is -1 or -2 ? null : predict };
                    break;
                case "stop":
                    error = Stop(value, out var stop);
                    mapped = mapped with { Stop = stop };
                    break;
                default:
                    if (s_accepted.Contains(name))
                    {
                        if (value.ValueKind is not (JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                            error = WrongType(name, "a number or a boolean");
                    }
                    else
                    {
                        UnknownOption(logger, name);
                    }
                    break;
            }
            if (error is not null)
                return error;
        }
        return null;
    }

    private static ApiError? Float(string name, JsonElement value, out float? result)
    {
        result = null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d))
            return WrongType(name, "a number");
        result = (float)d;
        return null;
    }

    private static ApiError? Int(string name, JsonElement value, out int? result)
    {
        result = null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var i))
            return WrongType(name, "an integer");
        result = i;
        return null;
    }

    private static ApiError? Stop(JsonElement value, out List<string>? stop)
    {
        stop = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            stop = [value.GetString()!];
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
            return WrongType("stop", "an array of strings");
        stop = [];
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                return WrongType("stop", "an array of strings");
            stop.Add(item.GetString()!);
        }
        return null;
    }

    private static ApiError WrongType(string name, string expected) =>
        ApiError.BadRequest($"Invalid option '{name}': expected {expected}.", $"options.{name}", "invalid_type");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring the unknown Ollama option '{Option}'.")]
    private static partial void UnknownOption(ILogger logger, string option);
}
