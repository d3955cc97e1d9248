using Anthropic.Models.Messages;
using MicroAI.Server.Tests.Anthropic;
using MicroAI.Server.Tests.Ollama;
using MicroAI.Tests.Shared;
using OllamaSharp;
using OllamaSharp.Models;
using OpenAI.Chat;

namespace MicroAI.Server.Tests;

/// <summary>
/// One conversation (a system prompt, a user turn, an assistant turn, a user turn), greedy, sent by
/// each protocol family's official client: the three mappers must build the same prompt and the three
/// writers carry the same tokens, so the text and the token counts are equal. A mapper that drops the
/// system prompt, merges or reorders turns, or a writer that loses a piece, changes the greedy text.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CrossProtocolTests(ServerFixture server)
{
    private const string System = "You tell short stories about animals.";
    private const string First = "Tell me about a cat.";
    private const string Answer = "The cat sat in the sun.";
    private const string Second = "What did the dog do?";
    private const int Tokens = 32;

    [Fact]
    public async Task A_greedy_conversation_gives_the_same_text_and_counts_through_openai_ollama_and_anthropic()
    {
        var openAI = (await server.OpenAI.GetChatClient(ServerFixture.StoriesModel).CompleteChatAsync(
            [new SystemChatMessage(System), new UserChatMessage(First), new AssistantChatMessage(Answer), new UserChatMessage(Second)],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = Tokens })).Value;
        var openAIText = openAI.Content[0].Text;

        using var ollama = new OllamaApiClient(server.Http, ServerFixture.StoriesModel);
        var (ollamaText, done, _, _) = await OllamaApiTests.ChatAsync(ollama, new OllamaSharp.Models.Chat.ChatRequest
        {
            Model = ServerFixture.StoriesModel,
            Messages =
            [
                new(OllamaSharp.Models.Chat.ChatRole.System, System), new(OllamaSharp.Models.Chat.ChatRole.User, First),
                new(OllamaSharp.Models.Chat.ChatRole.Assistant, Answer), new(OllamaSharp.Models.Chat.ChatRole.User, Second),
            ],
            Options = new RequestOptions { Temperature = 0, NumPredict = Tokens },
            Stream = false,
        });

        using var anthropic = AnthropicMessagesTests.Client(server);
        var message = await anthropic.Messages.Create(AnthropicMessagesTests.WithTemperature(new MessageCreateParams
        {
            Model = ServerFixture.StoriesModel,
            MaxTokens = Tokens,
            System = System,
            Messages = [new UserMessageParam(First), new AssistantMessageParam(Answer), new UserMessageParam(Second)],
        }, 0));
        var anthropicText = string.Concat(message.Content.Select(b => b.TryPickText(out var t) ? t.Text : ""));

        Assert.False(string.IsNullOrWhiteSpace(openAIText));
        Assert.Equal(openAIText, ollamaText);
        Assert.Equal(openAIText, anthropicText);
        Assert.Equal(openAI.Usage.OutputTokenCount, done.EvalCount);
        Assert.Equal(openAI.Usage.OutputTokenCount, message.Usage.OutputTokens);
        Assert.Equal(openAI.Usage.InputTokenCount, done.PromptEvalCount);
        Assert.Equal(openAI.Usage.InputTokenCount, message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0));
    }
}
