namespace MicroAI.TextFormats.ToolCalling;

/// <summary>Picks and creates the <see cref="IToolCallParser"/> for a model.</summary>
public static class ToolCallFormats
{
    /// <summary>
    /// Detects the tool-call format from the model's chat template text (from GGUF metadata or
    /// tokenizer_config.json). The checks look for what the template itself writes when it replays an assistant
    /// tool call, or tells the model to write, and run from the most specific markers to the least; anything
    /// unrecognised (including no template) gets <see cref="ToolCallFormat.Generic"/>.
    /// </summary>
    public static ToolCallFormat Detect(string? chatTemplate)
    {
        if (string.IsNullOrEmpty(chatTemplate))
        {
            return ToolCallFormat.Generic;
        }

        bool Has(string marker) => chatTemplate.Contains(marker, StringComparison.Ordinal);

        if (Has("<｜tool▁calls▁begin｜>") || Has("<｜tool▁call▁begin｜>"))
        {
            return ToolCallFormat.DeepSeek;
        }

        if (Has("<|tool_calls_section_begin|>"))
        {
            return ToolCallFormat.KimiK2;
        }

        if (Has("[TOOL_CALLS]"))
        {
            return ToolCallFormat.Mistral;
        }

        // v3.2 frames every turn as ">>>recipient"; the word "recipient" rules out templates quoting ">>>" otherwise.
        if (Has(">>>") && Has("recipient"))
        {
            return ToolCallFormat.FunctionaryV32;
        }

        // Qwen3-Coder, Nemotron 3 and Seed-OSS also write "<function=name>" but with XML <parameter=...> children,
        // a different format we do not read.
        if (Has("<function=") && !Has("<parameter") && !Has("<tool_call>"))
        {
            return ToolCallFormat.FunctionaryV31;
        }

        // JSON inside <tool_call> (or <tool_calls>) tags; GLM / Ling / Laguna / Spark put "<tool_call>name" with XML
        // arguments instead.
        if ((Has("<tool_call>") || Has("<tool_calls>")) && (Has("\"arguments\"") || Has("\\\"arguments\\\"")) && !Has("<arg_key>") && !Has("<parameter"))
        {
            return ToolCallFormat.Hermes;
        }

        if (Has("<|python_tag|>") || (Has("<|start_header_id|>") && Has("\"parameters\"")))
        {
            return ToolCallFormat.Llama3;
        }

        return ToolCallFormat.Generic;
    }

    /// <summary>Creates the parser for <paramref name="format"/>; <paramref name="ids"/> defaults to random <c>call_</c> ids.</summary>
    public static IToolCallParser Create(ToolCallFormat format, IToolCallIdGenerator? ids = null)
    {
        ids ??= RandomToolCallIdGenerator.Instance;
        return format switch
        {
            ToolCallFormat.Hermes => new HermesToolCallParser(ids),
            ToolCallFormat.Llama3 => new Llama3ToolCallParser(ids),
            ToolCallFormat.Mistral => new MistralToolCallParser(ids),
            ToolCallFormat.FunctionaryV31 => new FunctionaryV31ToolCallParser(ids),
            ToolCallFormat.FunctionaryV32 => new FunctionaryV32ToolCallParser(ids),
            ToolCallFormat.DeepSeek => new DeepSeekToolCallParser(ids),
            ToolCallFormat.KimiK2 => new KimiK2ToolCallParser(ids),
            _ => new GenericJsonToolCallParser(ids),
        };
    }

    /// <summary><see cref="Detect"/> then <see cref="Create"/>.</summary>
    public static IToolCallParser ForTemplate(string? chatTemplate, IToolCallIdGenerator? ids = null) =>
        Create(Detect(chatTemplate), ids);
}
