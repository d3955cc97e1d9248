using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

/// <summary>Predictable ids (call_1, call_2, ...) so tests can assert whole calls.</summary>
internal sealed class SequentialToolCallIds : IToolCallIdGenerator
{
    private int _next;

    public string NextId() => "call_" + ++_next;

    public static IToolCallParser Parser(ToolCallFormat format) => ToolCallFormats.Create(format, new SequentialToolCallIds());
}
