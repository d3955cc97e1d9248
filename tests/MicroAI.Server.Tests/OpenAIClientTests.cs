using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace MicroAI.Server.Tests;

/// <summary>The server through the official OpenAI .NET SDK (2.15): what real clients see.</summary>
[Collection(ServerCollection.Name)]
public sealed class OpenAIClientTests(ServerFixture server)
{
    private static readonly ChatMessage[] s_story = [new SystemChatMessage("You tell short stories."), new UserChatMessage("Tell me a story about a cat.")];

    private ChatClient Chat(string model = ServerFixture.StoriesModel) => server.OpenAI.GetChatClient(model);

    [Fact]
    public async Task ListModels_ContainsBothConfiguredModels()
    {
        var models = (await server.OpenAI.GetOpenAIModelClient().GetModelsAsync()).Value;

        Assert.Contains(models, m => m.Id == ServerFixture.StoriesModel);
        Assert.Contains(models, m => m.Id == ServerFixture.TinyModel);
        Assert.All(models, m => Assert.Equal("microai", m.OwnedBy));
    }

    [Fact]
    public async Task GetModel_ReturnsTheModel_And404ForUnknown()
    {
        var client = server.OpenAI.GetOpenAIModelClient();

        var model = (await client.GetModelAsync(ServerFixture.StoriesModel)).Value;
        Assert.Equal(ServerFixture.StoriesModel, model.Id);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("no-such-model"));
        Assert.Equal(404, ex.Status);
    }

    [Fact]
    public async Task CompleteChat_ReturnsTextFinishReasonAndUsage()
    {
        var completion = (await Chat().CompleteChatAsync(s_story, new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 0 })).Value;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(ServerFixture.StoriesModel, completion.Model);
        var text = Assert.Single(completion.Content).Text;
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.True(completion.Usage.InputTokenCount > 10, $"prompt tokens: {completion.Usage.InputTokenCount}");
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 30);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_ConcatenatesToTheNonStreamedText()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 30, Temperature = 0 };
        var expected = (await Chat().CompleteChatAsync(s_story, options)).Value;

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatMessageRole? role = null;
        var updates = 0;
        await foreach (var update in Chat().CompleteChatStreamingAsync(s_story, options))
        {
            updates++;
            role ??= update.Role;
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            finish ??= update.FinishReason;
        }

        Assert.True(updates > 2, $"only {updates} updates");
        Assert.Equal(ChatMessageRole.Assistant, role);
        Assert.Equal(expected.Content[0].Text, text.ToString());
        Assert.Equal(expected.FinishReason, finish);
    }

    [Fact]
    public async Task CompleteChatStreaming_SdkRequestsUsage_AndGetsItInTheLastUpdate()
    {
        // In 2.15 ChatCompletionOptions.StreamOptions is internal: the SDK itself always sends
        // stream_options.include_usage=true when streaming. Capture the body to prove it.
        var capture = new RequestCapturePolicy();
        var options = new OpenAIClientOptions { Endpoint = new Uri(server.BaseUri, "v1") };
        options.AddPolicy(capture, PipelinePosition.PerCall);
        var chat = new OpenAIClient(new ApiKeyCredential("unused"), options).GetChatClient(ServerFixture.StoriesModel);

        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in chat.CompleteChatStreamingAsync(s_story, new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0 }))
            updates.Add(update);

        var sent = JsonNode.Parse(Assert.Single(capture.Bodies))!;
        Assert.True((bool)sent["stream"]!);
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);

        Assert.All(updates.SkipLast(1), u => Assert.Null(u.Usage));
        var usage = updates[^1].Usage;
        Assert.NotNull(usage);
        Assert.True(usage.InputTokenCount > 10);
        Assert.InRange(usage.OutputTokenCount, 1, 12);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
    }

    [Fact]
    public async Task StopSequence_CutsTheTextBeforeIt_AndFinishesWithStop()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 40, Temperature = 0 };
        var full = (await Chat().CompleteChatAsync(s_story, options)).Value.Content[0].Text;
        Assert.True(full.Length > 20, $"greedy text too short to pick a stop string from: '{full}'");
        // A stop string from the middle of the greedy text; generation must end right before its first occurrence.
        var stop = full.Substring(full.Length / 2, 3);
        var cut = full.IndexOf(stop, StringComparison.Ordinal);

        options.StopSequences.Add(stop);
        var stopped = (await Chat().CompleteChatAsync(s_story, options)).Value;

        Assert.Equal(full[..cut], stopped.Content.Count == 0 ? "" : stopped.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task StopSequence_Streaming_GivesTheSameTextAsNonStreaming()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 40, Temperature = 0 };
        var full = (await Chat().CompleteChatAsync(s_story, options)).Value.Content[0].Text;
        var stop = full.Substring(full.Length / 2, 3);
        options.StopSequences.Add(stop);

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync(s_story, options))
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            finish ??= update.FinishReason;
        }

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task MaxOutputTokenCount_FinishesWithLength()
    {
        var completion = (await Chat().CompleteChatAsync(s_story, new ChatCompletionOptions { MaxOutputTokenCount = 5, Temperature = 0 })).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task UnknownModel_ThrowsClientResultException404()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Chat("no-such-model").CompleteChatAsync(s_story));

        Assert.Equal(404, ex.Status);
        Assert.Contains("no-such-model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownModel_Streaming_ThrowsClientResultException404()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in Chat("no-such-model").CompleteChatStreamingAsync(s_story))
            {
            }
        });

        Assert.Equal(404, ex.Status);
    }

    /// <summary>Records each request body the SDK sends.</summary>
    private sealed class RequestCapturePolicy : PipelinePolicy
    {
        public List<string> Bodies { get; } = [];

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Capture(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Capture(message);
            await ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Capture(PipelineMessage message)
        {
            if (message.Request.Content is not { } content)
                return;
            using var buffer = new MemoryStream();
            content.WriteTo(buffer);
            Bodies.Add(Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }
}
