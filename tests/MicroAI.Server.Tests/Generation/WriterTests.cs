using System.Text.Json.Nodes;
using MicroAI.Engines.Abstractions;
using MicroAI.TextFormats.ToolCalling;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI.ChatCompletions;
using MicroAI.Server.OpenAI.Completions;
using MicroAI.Server.OpenAI.Responses;
using Microsoft.AspNetCore.Http;

namespace MicroAI.Server.Tests.Generation;

/// <summary>Each protocol's writer on its own, fed neutral run events without a model or a server.</summary>
public sealed class WriterTests
{
    private static GenerationRun Run(int choices, params RunEvent[] events)
    {
        var usage = new RunUsage(promptTokens: 4);
        return new GenerationRun("m", 1700000000, choices, 1, logprobs: false, Replay(events, usage), usage);
    }

    private static async IAsyncEnumerable<RunEvent> Replay(RunEvent[] events, RunUsage usage)
    {
        foreach (var e in events)
        {
            if (e.Kind == RunEventKind.Finished)
                usage.CompletionTokens += e.Usage.CompletionTokens;
            await Task.Yield();
            yield return e;
        }
    }

    private static async Task<string> WriteAsync(IGenerationWriter writer, GenerationRun run)
    {
        var http = new DefaultHttpContext();
        using var body = new MemoryStream();
        http.Response.Body = body;
        await writer.WriteAsync(http.Response, run, CancellationToken.None);
        await http.Response.BodyWriter.FlushAsync();
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    private static readonly ToolCall Call = new("call_1", "get_weather", """{"city":"Paris"}""");

    [Fact]
    public async Task Chat_collect_reports_a_choices_tool_calls_with_finish_reason_tool_calls()
    {
        var json = JsonNode.Parse(await WriteAsync(new ChatCompletionsWriter(stream: false, includeUsage: false), Run(2,
            new RunEvent(0, RunEventKind.Text, "Hello"),
            new RunEvent(1, RunEventKind.ToolCalls, ToolCalls: [Call]),
            new RunEvent(1, RunEventKind.Finished, FinishReason: FinishReason.Stop, Usage: new GenerationUsage(4, 9)),
            new RunEvent(0, RunEventKind.Finished, FinishReason: FinishReason.Length, Usage: new GenerationUsage(4, 3)))))!;

        var choices = json["choices"]!.AsArray();
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal(("Hello", "length"), ((string?)choices[0]!["message"]!["content"], (string?)choices[0]!["finish_reason"]));
        Assert.Equal("tool_calls", (string?)choices[1]!["finish_reason"]);
        Assert.Equal("get_weather", (string?)choices[1]!["message"]!["tool_calls"]![0]!["function"]!["name"]);
        Assert.Equal(12, (int)json["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task Completions_stream_echoes_the_prompt_first_and_ends_with_done()
    {
        var sse = await WriteAsync(new CompletionsWriter(stream: true, includeUsage: true, echo: ["Once"]), Run(1,
            new RunEvent(0, RunEventKind.Text, " upon"),
            new RunEvent(0, RunEventKind.Finished, Usage: new GenerationUsage(4, 1))));

        var data = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal(["Once", " upon", ""], data.Take(3).Select(d => (string?)JsonNode.Parse(d)!["choices"]![0]!["text"]));
        Assert.Equal(1, (int)JsonNode.Parse(data[3])!["usage"]!["completion_tokens"]!);
        Assert.Equal("[DONE]", data[^1]);
    }

    [Fact]
    public async Task Responses_hands_the_finished_answer_with_its_calls_over_for_storing()
    {
        var plan = new ResponsesPlan { Id = "resp_1", Conversation = [new ChatTurn("user", "Hi")] };
        ResponseAnswer? stored = null;
        var sse = await WriteAsync(new ResponsesWriter(plan, stream: true, (_, answer) => stored = answer), Run(1,
            new RunEvent(0, RunEventKind.Text, "Sure."),
            new RunEvent(0, RunEventKind.ToolCalls, ToolCalls: [Call]),
            new RunEvent(0, RunEventKind.Finished, Usage: new GenerationUsage(4, 5))));

        Assert.Equal("Sure.", stored!.MessageText);
        Assert.Equal([Call], stored.Calls);
        Assert.EndsWith("response.completed", sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1].Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("response.function_call_arguments.done", sse, StringComparison.Ordinal);
    }
}
