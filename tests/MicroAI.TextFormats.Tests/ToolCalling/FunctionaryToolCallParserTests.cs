using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class FunctionaryToolCallParserTests
{
    private static ToolCallParseResult ParseV31(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.FunctionaryV31).Parse(text, tools);

    private static ToolCallParseResult ParseV32(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.FunctionaryV32).Parse(text, tools);

    [Fact]
    public void V31_function_tags_with_leading_text()
    {
        const string text = """I'll check.<function=get_current_weather>{"location": "Istanbul"}</function><function=get_time>{}</function>""";

        var result = ParseV31(text);

        Assert.Equal("I'll check.", result.Content);
        Assert.Equal(
            [
                new ToolCall("call_1", "get_current_weather", """{"location": "Istanbul"}"""),
                new ToolCall("call_2", "get_time", "{}"),
            ],
            result.ToolCalls);
    }

    [Fact]
    public void V31_missing_closing_tag_is_tolerated()
    {
        var result = ParseV31("""<function=get_current_weather>{"location": "Istanbul"}""");

        Assert.Equal("get_current_weather", Assert.Single(result.ToolCalls).Name);
    }

    [Fact]
    public void V31_python_tag_becomes_a_python_call_with_code()
    {
        var result = ParseV31("<|python_tag|>print(2 ** 10)", "python");

        Assert.Equal(new ToolCall("call_1", "python", """{"code":"print(2 ** 10)"}"""), Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void V31_bad_json_and_unknown_names_stay_as_content()
    {
        const string bad = """<function=get_current_weather>{"location": </function>""";
        const string unknown = """<function=shutdown>{}</function>""";

        Assert.Equal(bad, ParseV31(bad).Content);
        Assert.Equal(unknown, ParseV31(unknown, "get_current_weather").Content);
        Assert.Empty(ParseV31(bad + unknown, "get_current_weather").ToolCalls);
    }

    [Fact]
    public void V32_content_then_call()
    {
        // The generation prompt ends with ">>>", so the first recipient arrives without it.
        const string text = "all\nLet me look that up.>>>get_current_weather\n{\"location\": \"Istanbul\", \"unit\": \"celsius\"}";

        var result = ParseV32(text, "get_current_weather");

        Assert.Equal("Let me look that up.", result.Content);
        Assert.Equal(
            new ToolCall("call_1", "get_current_weather", """{"location": "Istanbul", "unit": "celsius"}"""),
            Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void V32_two_calls_without_content()
    {
        const string text = "get_current_weather\n{\"location\": \"Istanbul\"}>>>get_current_weather\n{\"location\": \"Ankara\"}";

        var result = ParseV32(text);

        Assert.Null(result.Content);
        Assert.Equal(2, result.ToolCalls.Count);
    }

    [Fact]
    public void V32_plain_answer_loses_only_the_all_header()
    {
        var result = ParseV32("all\nIstanbul is the largest city in Turkey.");

        Assert.Empty(result.ToolCalls);
        Assert.Equal("Istanbul is the largest city in Turkey.", result.Content);
    }

    [Fact]
    public void V32_bad_segments_stay_as_written()
    {
        const string text = "all\nHi.>>>get_current_weather\n{\"location\": ";

        var result = ParseV32(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal("Hi.>>>get_current_weather\n{\"location\": ", result.Content);
    }

    [Fact]
    public void V32_text_without_recipient_is_content()
    {
        const string text = "Sorry, I can't help with that.";

        Assert.Equal(text, ParseV32(text).Content);
        Assert.Equal("Hello", ParseV32("Hello").Content);
    }
}
