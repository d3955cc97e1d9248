using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class MistralToolCallParserTests
{
    private static ToolCallParseResult Parse(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.Mistral).Parse(text, tools);

    [Fact]
    public void Json_list_form_keeps_model_ids_and_generates_missing_ones()
    {
        const string text = """[TOOL_CALLS][{"name": "get_current_weather", "arguments": {"location": "Paris, France", "format": "celsius"}, "id": "a1B2c3D4e"}, {"name": "get_current_weather", "arguments": {"location": "Lyon, France", "format": "celsius"}}]""";

        var result = Parse(text, "get_current_weather");

        Assert.Null(result.Content);
        Assert.Equal(
            [
                new ToolCall("a1B2c3D4e", "get_current_weather", """{"location": "Paris, France", "format": "celsius"}"""),
                new ToolCall("call_1", "get_current_weather", """{"location": "Lyon, France", "format": "celsius"}"""),
            ],
            result.ToolCalls);
    }

    [Fact]
    public void Named_form_with_several_calls_and_leading_text()
    {
        const string text = """Sure, checking both.[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]get_time[ARGS]{"zone": "Europe/Paris"}""";

        var result = Parse(text);

        Assert.Equal("Sure, checking both.", result.Content);
        Assert.Equal(
            [
                new ToolCall("call_1", "get_weather", """{"city": "Paris"}"""),
                new ToolCall("call_2", "get_time", """{"zone": "Europe/Paris"}"""),
            ],
            result.ToolCalls);
    }

    [Fact]
    public void Named_form_with_call_id()
    {
        var result = Parse("""[TOOL_CALLS]get_weather[CALL_ID]Xy12Zw34q[ARGS]{"city": "Paris"}""");

        Assert.Equal(new ToolCall("Xy12Zw34q", "get_weather", """{"city": "Paris"}"""), Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void Truncated_list_stays_as_content()
    {
        const string text = """[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Par""";

        var result = Parse(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Unknown_name_stays_as_content()
    {
        const string text = """[TOOL_CALLS]format_disk[ARGS]{"drive": "C"}""";

        var result = Parse(text, "get_weather");

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Marker_without_args_is_content()
    {
        const string text = "The model emits [TOOL_CALLS] before its calls.";

        Assert.Equal(text, Parse(text).Content);
    }
}
