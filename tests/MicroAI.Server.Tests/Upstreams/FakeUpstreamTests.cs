using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// The fake upstream speaks OpenAI as OpenAI's own .NET client reads it; otherwise a failing forwarding
/// test would blame the edge for the fake's wire format.
/// </summary>
public sealed class FakeUpstreamTests
{
    private static ChatClient Client(FakeUpstream fake, string key = "sk-fake") =>
        new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(fake.OpenAIBaseUrl), RetryPolicy = new ClientRetryPolicy(0) }).GetChatClient("central-model");

    [Fact]
    public async Task Streams_the_scripted_pieces_and_records_the_bearer_key()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var script = new Answers("One", " two", " three");
        fake.Behaviour = script;

        var text = new StringBuilder();
        var updates = 0;
        await foreach (var update in Client(fake, "sk-seen").CompleteChatStreamingAsync([new UserChatMessage("Count.")]))
        {
            foreach (var part in update.ContentUpdate.Where(p => p.Text.Length > 0)) // the role chunk's content is ""
            {
                text.Append(part.Text);
                updates++;
            }
        }

        Assert.Equal(script.Text, text.ToString());
        Assert.Equal(3, updates);
        var call = Assert.Single(fake.Calls);
        Assert.Equal("Bearer sk-seen", call.Authorization);
        Assert.True(call.Stream);
        Assert.False(call.ClientDisconnected);
    }

    [Fact]
    public async Task An_error_status_reaches_the_client_with_its_message()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Behaviour = new FailsWithStatus(429, "slow down", "rate_limit_error");

        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client(fake).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(429, e.Status);
        Assert.Contains("slow down", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_walks_away_is_seen_as_a_disconnect()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Behaviour = new Hangs(afterHeaders: true);
        using var http = new HttpClient { BaseAddress = fake.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = ServerHttp.JsonContent(new JsonObject { ["model"] = "central-model", ["stream"] = true, ["messages"] = new JsonArray() }),
        };

        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, fake.Calls[0].FinishedAt); // still hanging
        http.Dispose(); // closes the connection

        var gone = await fake.WaitForDisconnectAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(gone);
        Assert.False(gone.DroppedByFake);
    }

    [Fact]
    public async Task Lists_its_models_in_openai_shape()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Models = ["big-model", "other-model"];
        var client = new OpenAIClient(new ApiKeyCredential("sk-list"), new OpenAIClientOptions { Endpoint = new Uri(fake.OpenAIBaseUrl) });

        var models = (await client.GetOpenAIModelClient().GetModelsAsync()).Value;

        Assert.Equal(["big-model", "other-model"], models.Select(m => m.Id));
        Assert.Equal("Bearer sk-list", Assert.Single(fake.ModelListAuthorizations));
    }
}
