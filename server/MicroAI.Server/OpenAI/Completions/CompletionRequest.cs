using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Completions;

/// <summary>POST /v1/completions body (legacy completions).</summary>
public sealed class CompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("prompt")] public PromptList? Prompt { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("stream_options")] public StreamOptionsDto? StreamOptions { get; set; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }
    [JsonPropertyName("n")] public int? N { get; set; }
    [JsonPropertyName("best_of")] public int? BestOf { get; set; }
    [JsonPropertyName("echo")] public bool? Echo { get; set; }
    [JsonPropertyName("suffix")] public string? Suffix { get; set; }
    [JsonPropertyName("stop")] public StopSequences? Stop { get; set; }
    [JsonPropertyName("logprobs")] public int? Logprobs { get; set; }
    [JsonPropertyName("logit_bias")] public Dictionary<string, float>? LogitBias { get; set; }
    /// <summary>llama-server's extension: a GBNF grammar (root rule "root") the output must follow.</summary>
    [JsonPropertyName("grammar")] public string? Grammar { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
    /// <summary>Ollama's keep_alive: "5m", "30s", seconds as a number, 0, or -1 (forever).</summary>
    [JsonPropertyName("keep_alive")] public System.Text.Json.JsonElement? KeepAlive { get; set; }
    [JsonPropertyName("temperature")] public float? Temperature { get; set; }
    [JsonPropertyName("top_p")] public float? TopP { get; set; }
    [JsonPropertyName("presence_penalty")] public float? PresencePenalty { get; set; }
    [JsonPropertyName("frequency_penalty")] public float? FrequencyPenalty { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("min_p")] public float? MinP { get; set; }
    [JsonPropertyName("repeat_penalty")] public float? RepeatPenalty { get; set; }
    [JsonPropertyName("repeat_last_n")] public int? RepeatLastN { get; set; }
}
