namespace MicroAI.TextFormats.ToolCalling;

/// <summary>The tool-call output formats we can read.</summary>
public enum ToolCallFormat
{
    /// <summary>A bare JSON object (or list) with name + arguments as the whole output, optionally in a ```json fence.</summary>
    Generic,

    /// <summary>Hermes 2 Pro / 3, Qwen 2.5, QwQ, Qwen 3, Granite 4 ...: JSON inside <c>&lt;tool_call&gt;</c> tags.</summary>
    Hermes,

    /// <summary>Llama 3.1 / 3.2 / 3.3: JSON with <c>parameters</c> as the whole message, or <c>&lt;|python_tag|&gt;</c> built-ins.</summary>
    Llama3,

    /// <summary>Mistral: <c>[TOOL_CALLS][...]</c> and the newer <c>[TOOL_CALLS]name[ARGS]{...}</c>.</summary>
    Mistral,

    /// <summary>Functionary v3.1: <c>&lt;function=name&gt;{...}&lt;/function&gt;</c>.</summary>
    FunctionaryV31,

    /// <summary>Functionary v3.2: <c>&gt;&gt;&gt;recipient\n...</c> segments.</summary>
    FunctionaryV32,

    /// <summary>DeepSeek R1 / V3 / V3.1: <c>&lt;｜tool▁calls▁begin｜&gt;</c> sections.</summary>
    DeepSeek,

    /// <summary>Kimi K2 / K2 Thinking: <c>&lt;|tool_calls_section_begin|&gt;</c> sections with <c>functions.name:index</c> handles.</summary>
    KimiK2,
}
