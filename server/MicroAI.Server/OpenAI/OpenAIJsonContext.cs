using System.Text.Json.Serialization;
using MicroAI.Server.LlamaServer;
using MicroAI.Server.OpenAI.Classifications;
using MicroAI.Server.OpenAI.Embeddings;
using MicroAI.Server.OpenAI.Moderations;
using MicroAI.Server.OpenAI.Rerank;

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
