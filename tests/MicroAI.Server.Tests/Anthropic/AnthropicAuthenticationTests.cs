using System.Net;
using System.Text.Json.Nodes;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using MicroAI.Server.Tests.Security;

namespace MicroAI.Server.Tests.Anthropic;

/// <summary>The Messages routes keep the API-key rules of every generation route; a refusal reaches the SDK in Anthropic's shape.</summary>
[Collection(KeyedServerCollection.Name)]
public sealed class AnthropicAuthenticationTests(KeyedServerFixture server)
{
    private static MessageCreateParams Hi() => new() { Model = ServerFixture.StoriesModel, MaxTokens = 2, Messages = [new UserMessageParam("Hi")] };

    [Fact]
    public async Task The_sdk_gets_an_authentication_error_without_a_valid_key_and_an_answer_with_one()
    {
        using var wrong = AnthropicMessagesTests.Client(server, "mai_not-a-real-key");
        using var right = AnthropicMessagesTests.Client(server, KeyedServerFixture.InferenceKey); // sent as x-api-key, with anthropic-version

        var refused = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => wrong.Messages.Create(Hi()));
        await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => wrong.Messages.CountTokens(new MessageCountTokensParams { Model = ServerFixture.StoriesModel, Messages = [new UserMessageParam("Hi")] }));
        var message = await right.Messages.Create(Hi());
        var counted = await right.Messages.CountTokens(new MessageCountTokensParams { Model = ServerFixture.StoriesModel, Messages = [new UserMessageParam("Hi")] });

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Incorrect API key", refused.Message);
        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.True(counted.InputTokens > 0);
    }

    [Theory]
    [InlineData("/v1/messages", null)]
    [InlineData("/v1/messages", "mai_not-a-real-key")]
    [InlineData("/v1/messages/count_tokens", null)]
    public async Task A_refusal_is_a_401_in_anthropics_error_shape(string path, string? key)
    {
        using var request = KeyedServerFixture.Request(HttpMethod.Post, path, null, """{"model":"stories260K","max_tokens":2,"messages":[{"role":"user","content":"Hi"}]}""");
        if (key is not null)
            request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        AnthropicMessagesTests.AssertAnthropicError((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, JsonNode.Parse(text), text,
            401, "authentication_error", key is null ? "didn't provide an API key" : "Incorrect API key");
    }
}
