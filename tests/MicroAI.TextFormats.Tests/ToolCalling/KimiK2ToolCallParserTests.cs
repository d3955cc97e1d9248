using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class KimiK2ToolCallParserTests
{
    private static ToolCallParseResult Parse(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.KimiK2).Parse(text, tools);

    [Fact]
    public void Two_calls_with_leading_content()
    {
        const string text = "Let me check both cities.<|tool_calls_section_begin|>"
            + "<|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"Beijing\"}<|tool_call_end|>"
            + "<|tool_call_begin|>functions.get_weather:1<|tool_call_argument_begin|>{\"city\": \"Shanghai\"}<|tool_call_end|>"
            + "<|tool_calls_section_end|>";

        var result = Parse(text, "get_weather");

        Assert.Equal("Let me check both cities.", result.Content);
        Assert.Equal(
            [
                new ToolCall("call_1", "get_weather", """{"city": "Beijing"}"""),
                new ToolCall("call_2", "get_weather", """{"city": "Shanghai"}"""),
            ],
            result.ToolCalls);
    }

    [Fact]
    public void Thinking_model_output_with_truncated_section()
    {
        const string text = "<think>Need the weather.</think><|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"Paris\"}";

        var result = Parse(text);

        Assert.Equal("Need the weather.", result.Reasoning);
        Assert.Equal(new ToolCall("call_1", "get_weather", """{"city": "Paris"}"""), Assert.Single(result.ToolCalls));
        Assert.Null(result.Content);
    }

    [Fact]
    public void Unreadable_or_unknown_calls_keep_all_text()
    {
        const string bad = "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\"<|tool_call_end|><|tool_calls_section_end|>";
        const string unknown = "<|tool_calls_section_begin|><|tool_call_begin|>functions.rm:0<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>";

        Assert.Equal(bad, Parse(bad).Content);
        Assert.Equal(unknown, Parse(unknown, "get_weather").Content);
    }
}
