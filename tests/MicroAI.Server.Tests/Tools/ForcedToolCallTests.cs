using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Tools;

/// <summary>
/// Forced tool calls on stories260K, a 260K-parameter story model that knows nothing of tools: only the
/// grammar keeps its arguments to the declared schema, so these show what the grammar allows.
/// </summary>
[Collection(ToolCallingCollection.Name)]
public sealed class ForcedToolCallTests(ToolCallingServerFixture server, ITestOutputHelper output)
{
    // As a new user writes it: no additionalProperties, one optional property.
    private const string WeatherTool = """
        {"type":"function","function":{"name":"get_weather","description":"Current weather of a city",
         "parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},
                       "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}}
        """;

    [Fact]
    public async Task A_forced_call_completes_with_arguments_that_match_the_schema_in_most_of_20_seeded_tries()
    {
        var completed = 0;
        for (var seed = 1; seed <= 20; seed++)
        {
            // Temperature and the rest left as a new user leaves them.
            var (response, body, text) = await server.Http.PostJsonAsync("v1/chat/completions", $$"""
                {"model":"{{ToolCallingServerFixture.Model}}","tools":[{{WeatherTool}}],"tool_choice":"required",
                 "messages":[{"role":"user","content":"What is the weather in Paris?"}],"max_tokens":200,"seed":{{seed}}}
                """);
            Assert.True(200 == (int)response.StatusCode, text);
            var choice = body!["choices"]![0]!;
            var finish = (string?)choice["finish_reason"];
            var call = choice["message"]!["tool_calls"]?[0]?["function"];
            var valid = finish == "tool_calls" && (string?)call?["name"] == "get_weather" && MatchesSchema((string?)call["arguments"]);
            output.WriteLine($"seed {seed}: {finish} {(valid ? "valid" : "invalid")} {(string?)call?["arguments"] ?? (string?)choice["message"]!["content"]}");
            if (valid)
                completed++;
        }

        output.WriteLine($"{completed} of 20 completed");
        Assert.True(completed >= 15, $"{completed} of 20 forced calls completed with valid arguments");
    }

    [Fact]
    public async Task A_forced_call_cut_by_max_tokens_is_length_with_its_text_and_no_tool_calls()
    {
        var (_, cut, text) = await server.Http.PostJsonAsync("v1/chat/completions", Request(seed: 1, maxTokens: 5));
        var streamed = await server.Http.PostStreamAsync("v1/chat/completions", JsonNode.Parse(Request(seed: 1, maxTokens: 5, stream: true))!);

        var choice = cut!["choices"]![0]!;
        Assert.True("length" == (string?)choice["finish_reason"], text);
        Assert.Null(choice["message"]!["tool_calls"]);
        var content = (string?)choice["message"]!["content"];
        Assert.StartsWith("{", content);
        Assert.Equal(content, streamed.JoinedText());
        Assert.DoesNotContain(streamed.Chunks, c => c["choices"]![0]!["delta"]?["tool_calls"] is not null);
        Assert.Equal("length", (string?)streamed.Chunks.Last(c => c["choices"]!.AsArray().Count > 0)["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task A_forced_call_whose_json_closed_on_the_last_allowed_token_is_still_length_and_text()
    {
        // The same seed twice: first with room, to learn how many tokens the whole call takes (the
        // end-of-generation token is not counted), then with exactly that many, so the limit falls
        // after the closing brace but before the model ended its turn.
        var (_, whole, wholeText) = await server.Http.PostJsonAsync("v1/chat/completions", Request(seed: 1, maxTokens: 200));
        Assert.True("tool_calls" == (string?)whole!["choices"]![0]!["finish_reason"], wholeText);
        var tokens = (int)whole["usage"]!["completion_tokens"]!;

        var (_, cut, text) = await server.Http.PostJsonAsync("v1/chat/completions", Request(seed: 1, maxTokens: tokens));
        var streamed = await server.Http.PostStreamAsync("v1/chat/completions", JsonNode.Parse(Request(seed: 1, maxTokens: tokens, stream: true))!);

        var choice = cut!["choices"]![0]!;
        Assert.True("length" == (string?)choice["finish_reason"], text);
        Assert.Null(choice["message"]!["tool_calls"]);
        using var call = JsonDocument.Parse((string)choice["message"]!["content"]!);
        Assert.Equal("get_weather", call.RootElement.GetProperty("name").GetString());
        Assert.DoesNotContain(streamed.Chunks, c => c["choices"]!.AsArray().Any(x => x!["delta"]?["tool_calls"] is not null));
        Assert.Equal((string?)choice["message"]!["content"], streamed.JoinedText());
    }

    private static string Request(int seed, int maxTokens, bool stream = false) => $$$"""
        {"model":"{{{ToolCallingServerFixture.Model}}}","tools":[{{{WeatherTool}}}],"tool_choice":{"type":"function","function":{"name":"get_weather"}},
         "messages":[{"role":"user","content":"What is the weather in Paris?"}],"max_tokens":{{{maxTokens}}},"seed":{{{seed}}},"stream":{{{(stream ? "true" : "false")}}}}
        """;

    /// <summary>The declared schema, checked by hand: city a string, unit one of its enum, nothing else.</summary>
    private static bool MatchesSchema(string? arguments)
    {
        if (arguments is null)
            return false;
        try
        {
            using var doc = JsonDocument.Parse(arguments);
            var args = doc.RootElement;
            if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty("city", out var city) || city.ValueKind != JsonValueKind.String)
                return false;
            foreach (var property in args.EnumerateObject())
            {
                var ok = property.Name switch
                {
                    "city" => true,
                    "unit" => property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is "celsius" or "fahrenheit",
                    _ => false,
                };
                if (!ok)
                    return false;
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
