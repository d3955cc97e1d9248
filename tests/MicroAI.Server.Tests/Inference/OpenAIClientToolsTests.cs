using System.Text.Json;
using OpenAI.Chat;

namespace MicroAI.Server.Tests.Inference;

/// <summary>The official OpenAI .NET client's tool calling and structured outputs against the server.</summary>
[Collection(InferenceCollection.Name)]
public sealed class OpenAIClientToolsTests(InferenceServerFixture server)
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Weather of a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"enum":["Paris","Berlin"]}},"required":["city"],"additionalProperties":false}"""));

    [Fact]
    public async Task A_required_tool_call_round_trips_through_the_client_and_its_result_goes_back_into_the_template()
    {
        var chat = server.OpenAI.GetChatClient(InferenceServerFixture.ChatMlTiny);
        var options = new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateRequiredChoice(), Temperature = 0, MaxOutputTokenCount = 150 };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion first = await chat.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using var args = JsonDocument.Parse(call.FunctionArguments.ToString());
        Assert.Contains(args.RootElement.GetProperty("city").GetString(), (string[])["Paris", "Berlin"]);

        // The client sends the assistant's call and the tool's answer back; the template renders both.
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "18 C and sunny"));
        ChatCompletion second = await chat.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { Weather }, Temperature = 0, MaxOutputTokenCount = 5 });

        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount);
    }

    [Fact]
    public async Task A_json_schema_response_format_from_the_client_is_enforced()
    {
        var chat = server.OpenAI.GetChatClient(ServerFixture.StoriesModel);
        var options = new ChatCompletionOptions
        {
            Temperature = 0,
            MaxOutputTokenCount = 300,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("pet", BinaryData.FromString(
                """{"type":"object","properties":{"kind":{"enum":["cat","dog"]},"legs":{"type":"integer","minimum":0,"maximum":4}},"required":["kind","legs"],"additionalProperties":false}"""),
                jsonSchemaIsStrict: true),
        };

        ChatCompletion reply = await chat.CompleteChatAsync([new UserChatMessage("A pet")], options);

        using var pet = JsonDocument.Parse(reply.Content[0].Text);
        Assert.Contains(pet.RootElement.GetProperty("kind").GetString(), (string[])["cat", "dog"]);
        Assert.InRange(pet.RootElement.GetProperty("legs").GetInt32(), 0, 4);
    }

    [Fact]
    public async Task Streaming_tool_call_updates_from_the_client_assemble_into_the_call()
    {
        var chat = server.OpenAI.GetChatClient(InferenceServerFixture.ChatMlTiny);
        var options = new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"), Temperature = 0, MaxOutputTokenCount = 150 };

        string? name = null, id = null;
        var arguments = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                name ??= part.FunctionName;
                id ??= part.ToolCallId;
                arguments.Append(part.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.StartsWith("call_", id);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        using var args = JsonDocument.Parse(arguments.ToString());
        Assert.Contains(args.RootElement.GetProperty("city").GetString(), (string[])["Paris", "Berlin"]);
    }
}
