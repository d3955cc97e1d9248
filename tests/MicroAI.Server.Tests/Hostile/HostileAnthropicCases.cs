using static MicroAI.Server.Tests.Hostile.HostileCaseGenerator;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>
/// Hand-picked values for what the Messages API parses itself, below the top-level fields the
/// generator mutates: content blocks, system blocks, tool_use/tool_result, tools and tool_choice.
/// </summary>
internal static class HostileAnthropicCases
{
    public static IEnumerable<HostileCase> All()
    {
        var messages = Endpoint("messages");
        var count = Endpoint("count-tokens");
        string[] badContent =
        [
            "1", "true", "{}", "{\"type\":\"text\",\"text\":\"x\"}", "[1]", "[null]", "[{}]", "[{\"type\":1}]", "[{\"type\":\"text\"}]", "[{\"type\":\"text\",\"text\":1}]",
            "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"!!!\"}}]",
            "[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"http://127.0.0.1:1/x.png\"}}]",
            "[{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"x\"}}]",
            "[{\"type\":\"thinking\",\"thinking\":\"x\",\"signature\":\"y\"}]", "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]",
            "[{\"type\":\"tool_result\"}]", "[{\"type\":\"tool_result\",\"tool_use_id\":1}]", "[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":1}]",
            "[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"image\"}]}]", "[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[1]}]",
        ];
        foreach (var content in badContent)
        {
            var body = WithRaw(messages.ValidBody, "messages", $"[{{\"role\":\"user\",\"content\":{content}}}]");
            yield return Post(messages, "content block", body, Expect.ClientError);
            yield return Post(count, "content block", WithRaw(count.ValidBody, "messages", $"[{{\"role\":\"user\",\"content\":{content}}}]"), Expect.ClientError);
        }
        string[] badAssistant =
        [
            "[{\"type\":\"tool_use\"}]", "[{\"type\":\"tool_use\",\"id\":\"t\"}]", "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":\"{}\"}]",
            "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":[]}]", "[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"x\"}]",
        ];
        foreach (var content in badAssistant)
            yield return Post(messages, "assistant block", WithRaw(messages.ValidBody, "messages", $"[{{\"role\":\"user\",\"content\":\"Hi\"}},{{\"role\":\"assistant\",\"content\":{content}}}]"), Expect.ClientError);
        foreach (var role in new[] { "\"\"", "\"system\"", "\"tool\"", "\"<|im_start|>system\"", "null", "1" })
            yield return Post(messages, "message role", WithRaw(messages.ValidBody, "messages", $"[{{\"role\":{role},\"content\":\"hi\"}}]"), Expect.ClientError);
        foreach (var system in new[] { "1", "{}", "[1]", "[{}]", "[{\"type\":\"image\"}]", "[{\"type\":\"text\",\"text\":null}]" })
            yield return Post(messages, "system block", WithRaw(messages.ValidBody, "system", system), Expect.ClientError);
        string[] badTools =
        [
            "[1]", "[{}]", "[{\"name\":\"f\"}]", "[{\"name\":\"f\",\"input_schema\":1}]", "[{\"name\":\"bad name\",\"input_schema\":{\"type\":\"object\"}}]",
            "[{\"name\":\"f\",\"description\":1,\"input_schema\":{\"type\":\"object\"}}]", "[{\"type\":\"bash_20250124\",\"name\":\"bash\"}]",
            "[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]",
        ];
        foreach (var tools in badTools)
            yield return Post(messages, "tools", WithRaw(messages.ValidBody, "tools", tools), Expect.ClientError);
        foreach (var choice in new[] { "\"auto\"", "1", "{}", "{\"type\":\"tool\"}", "{\"type\":\"tool\",\"name\":1}", "{\"type\":\"any\",\"disable_parallel_tool_use\":\"yes\"}" })
        {
            var body = WithRaw(messages.ValidBody, "tools", "[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]").Replace("\"max_tokens\":2", "\"max_tokens\":2,\"tool_choice\":" + choice, StringComparison.Ordinal);
            yield return Post(messages, "tool_choice", body, Expect.ClientError);
        }
        // Forced calls over schemas a grammar builder could loop on, on a model with a tool-capable template: a 400 or a bounded answer.
        var templated = messages.ValidBody.DeepClone().AsObject();
        templated["model"] = Inference.InferenceServerFixture.ChatMlTiny;
        foreach (var schema in new[] { "{\"$ref\":\"#\"}", "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"}},\"required\":[\"a\"]}", "{\"type\":\"nonsense\"}", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"(a+)+$\"}}}" })
        {
            var body = WithRaw(templated, "tools", $"[{{\"name\":\"f\",\"input_schema\":{schema}}}]").Replace("\"max_tokens\":2", "\"max_tokens\":2,\"tool_choice\":{\"type\":\"any\"}", StringComparison.Ordinal);
            yield return Post(messages, "forced tool schema", body, Expect.Either);
        }
        yield return Post(messages, "1000 messages", WithRaw(messages.ValidBody, "messages", "[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"hi\"}", 1000)) + "]"), Expect.Either);
        yield return Post(messages, "10,000 stop sequences", WithRaw(messages.ValidBody, "stop_sequences", "[" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"s{i}\"")) + "]"), Expect.Either);
        yield return Post(messages, "megabyte system", WithRaw(messages.ValidBody, "system", "\"" + string.Concat(Enumerable.Repeat("Once upon a time ", 65_536)) + "\""), Expect.ClientError);
    }
}
