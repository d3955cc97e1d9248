using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAIChatClient = OpenAI.Chat.ChatClient;

namespace MicroAI.Server.Tests.Tools;

/// <summary>
/// Microsoft.Extensions.AI against the server: an <see cref="IChatClient"/> over the OpenAI client with
/// <c>UseFunctionInvocation()</c>, the way a .NET application runs a tool-calling loop.
/// </summary>
[Collection(ToolCallingCollection.Name)]
public sealed class ExtensionsAIToolLoopTests(ToolCallingServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_calling_loop_invokes_the_function_with_parsed_arguments_and_returns_the_final_answer(bool streaming)
    {
        var chat = new OpenAIChatClient(ToolCallingServerFixture.Model, new ApiKeyCredential("unused"),
            new OpenAIClientOptions { Endpoint = new Uri(server.BaseUri, "v1") });
        using var client = chat.AsIChatClient().AsBuilder().UseFunctionInvocation().Build();
        var cities = new List<string>();
        var weather = AIFunctionFactory.Create((string city) =>
        {
            cities.Add(city);
            return "18 C and sunny";
        }, "get_weather", "Current weather of a city");
        // RequireAny forces the first round's call. FunctionInvokingChatClient clears a required tool
        // mode after the round whose calls it invoked, so the next round is "auto" and the model answers.
        // 200 tokens: stories260K spells JSON about a character a token, so one call alone takes ~60.
        var options = new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 200, Seed = 1 };

        ChatMessage[] question = [new(ChatRole.User, "What is the weather in Paris?")];
        var response = streaming
            ? await client.GetStreamingResponseAsync(question, options).ToChatResponseAsync()
            : await client.GetResponseAsync(question, options);

        Assert.True(cities.Count == 1, $"invoked {cities.Count} times; {string.Join(" | ", response.Messages.Select(m => $"{m.Role}: {m.Text}"))}");
        var city = cities[0];
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(city, call.Arguments!["city"]?.ToString());
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal("18 C and sunny", result.Result?.ToString());
        var final = response.Messages[^1];
        Assert.Equal(ChatRole.Assistant, final.Role);
        Assert.DoesNotContain(final.Contents, c => c is FunctionCallContent);
        Assert.False(string.IsNullOrEmpty(final.Text));
    }
}
