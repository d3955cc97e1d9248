using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI;

/// <summary>Source-generated (reflection-free) JSON for the request DTOs.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ChatCompletions.ChatCompletionRequest))]
[JsonSerializable(typeof(Completions.CompletionRequest))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(ClassificationRequest))]
[JsonSerializable(typeof(ModerationRequest))]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(Responses.ResponsesRequest))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(DetokenizeRequest))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
