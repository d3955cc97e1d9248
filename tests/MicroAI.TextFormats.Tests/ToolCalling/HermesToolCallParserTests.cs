using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class HermesToolCallParserTests
{
    private static readonly string[] Tools = ["get_current_temperature", "get_temperature_date"];

    private static ToolCallParseResult Parse(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.Hermes).Parse(text, tools);

    [Fact]
    public void Qwen25_two_parallel_calls_after_leading_text()
    {
        // The shape of Qwen 2.5's function-calling example: text, then one tagged JSON object per call.
        const string text = """
            I'll look up the current temperature and tomorrow's forecast.
            <tool_call>
            {"name": "get_current_temperature", "arguments": {"location": "San Francisco, CA, USA"}}
            </tool_call>
            <tool_call>
            {"name": "get_temperature_date", "arguments": {"location": "San Francisco, CA, USA", "date": "2024-10-01"}}
            </tool_call>
            """;

        var result = Parse(text, Tools);

        Assert.Equal("I'll look up the current temperature and tomorrow's forecast.", result.Content);
        Assert.Equal(
            [
                new ToolCall("call_1", "get_current_temperature", """{"location": "San Francisco, CA, USA"}"""),
                new ToolCall("call_2", "get_temperature_date", """{"location": "San Francisco, CA, USA", "date": "2024-10-01"}"""),
            ],
            result.ToolCalls);
        Assert.True(result.HasToolCalls);
    }

    [Fact]
    public void Only_a_call_gives_null_content()
    {
        var result = Parse("<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>");

        Assert.Null(result.Content);
        Assert.Equal("get_current_temperature", Assert.Single(result.ToolCalls).Name);
    }

    [Fact]
    public void Missing_closing_tag_at_end_of_generation_is_tolerated()
    {
        var result = Parse("<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Paris\"}}\n", Tools);

        Assert.Equal("""{"location": "Paris"}""", Assert.Single(result.ToolCalls).ArgumentsJson);
        Assert.Null(result.Content);
    }

    [Fact]
    public void Missing_closing_tag_between_two_calls_is_tolerated()
    {
        const string text = "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n<tool_call>\n{\"name\": \"b\", \"arguments\": {\"x\": 1}}\n</tool_call>";

        var result = Parse(text);

        Assert.Equal(["a", "b"], result.ToolCalls.Select(c => c.Name));
    }

    [Fact]
    public void Stringified_arguments_are_normalised_to_the_object()
    {
        var result = Parse("<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": \"{\\\"location\\\": \\\"Paris\\\"}\"}\n</tool_call>");

        Assert.Equal("""{"location": "Paris"}""", Assert.Single(result.ToolCalls).ArgumentsJson);
    }

    [Fact]
    public void Missing_arguments_mean_an_empty_object()
    {
        var result = Parse("<tool_call>\n{\"name\": \"get_time\"}\n</tool_call>");

        Assert.Equal("{}", Assert.Single(result.ToolCalls).ArgumentsJson);
    }

    [Fact]
    public void Truncated_json_stays_as_content()
    {
        const string text = "Checking.\n<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Par";

        var result = Parse(text, Tools);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Unknown_tool_stays_as_content_while_known_ones_are_calls()
    {
        const string unknown = "<tool_call>\n{\"name\": \"delete_everything\", \"arguments\": {}}\n</tool_call>";
        var text = unknown + "\n<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Oslo\"}}\n</tool_call>";

        var result = Parse(text, Tools);

        Assert.Equal("get_current_temperature", Assert.Single(result.ToolCalls).Name);
        Assert.Equal(unknown, result.Content);
    }

    [Fact]
    public void Tag_mentioned_in_prose_is_not_a_call()
    {
        const string text = "Qwen wraps calls in <tool_call> tags, for example <tool_call>{\"name\": ...}</tool_call>.";

        var result = Parse(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Plain_answer_is_returned_unchanged()
    {
        const string text = "  The capital of France is Paris.\n";

        var result = Parse(text);

        Assert.Equal(text, result.Content);
        Assert.Empty(result.ToolCalls);
        Assert.Null(result.Reasoning);
    }

    [Fact]
    public void Qwen3_thinking_is_split_off_and_a_call_inside_it_is_not_executed()
    {
        const string text = "<think>\nMaybe <tool_call>{\"name\": \"get_time\"}</tool_call>? No, the weather tool.\n</think>\n\n"
            + "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Rome\"}}\n</tool_call>";

        var result = Parse(text, Tools);

        Assert.Equal("get_current_temperature", Assert.Single(result.ToolCalls).Name);
        Assert.Equal("Maybe <tool_call>{\"name\": \"get_time\"}</tool_call>? No, the weather tool.", result.Reasoning);
        Assert.Null(result.Content);
    }

    [Fact]
    public void Apriel_list_in_plural_tags()
    {
        const string text = "Checking both.\n<tool_calls>[{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Oslo\"}}, "
            + "{\"name\": \"get_temperature_date\", \"arguments\": {\"location\": \"Oslo\", \"date\": \"2025-01-01\"}}]</tool_calls>";

        var result = Parse(text, Tools);

        Assert.Equal("Checking both.", result.Content);
        Assert.Equal(["get_current_temperature", "get_temperature_date"], result.ToolCalls.Select(c => c.Name));
    }

    [Fact]
    public void MiniMax_objects_one_per_line_in_plural_tags()
    {
        const string text = "<tool_calls>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Oslo\"}}\n"
            + "{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Bergen\"}}\n</tool_calls>";

        var result = Parse(text, Tools);

        Assert.Null(result.Content);
        Assert.Equal(["""{"location": "Oslo"}""", """{"location": "Bergen"}"""], result.ToolCalls.Select(c => c.ArgumentsJson));
    }

    [Fact]
    public void A_block_with_one_unknown_call_stays_whole_as_content()
    {
        const string text = "<tool_calls>[{\"name\": \"get_current_temperature\", \"arguments\": {}}, {\"name\": \"rm\", \"arguments\": {}}]</tool_calls>";

        var result = Parse(text, Tools);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Arguments_quoting_the_tags_do_not_cut_the_block()
    {
        const string text = "<tool_call>\n{\"name\": \"save_note\", \"arguments\": {\"text\": \"wrap calls in <tool_call></tool_call>\"}}\n</tool_call>";

        var result = Parse(text);

        Assert.Equal("""{"text": "wrap calls in <tool_call></tool_call>"}""", Assert.Single(result.ToolCalls).ArgumentsJson);
        Assert.Null(result.Content);
    }

    [Fact]
    public void Empty_text_gives_empty_result()
    {
        var result = Parse("");

        Assert.Null(result.Content);
        Assert.Empty(result.ToolCalls);
    }
}
