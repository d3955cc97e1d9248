using System.Text.Json.Serialization;

namespace MicroAI.Server.Anthropic;

/// <summary>Source-generated (reflection-free) JSON for the Anthropic request DTOs; strict as <see cref="OpenAI.OpenAIJsonContext"/> is.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(Messages.MessagesRequest))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;
