namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Turns a chat model's raw generated text into OpenAI tool calls for one model family's output format.
/// Implementations never throw on model output: anything they cannot read as a valid call stays in
/// <see cref="ToolCallParseResult.Content"/>.
/// </summary>
public interface IToolCallParser
{
    /// <summary>The format this parser reads.</summary>
    ToolCallFormat Format { get; }

    /// <summary>
    /// Parses a complete generation.
    /// </summary>
    /// <param name="text">The generated text (special tokens rendered as text).</param>
    /// <param name="knownToolNames">
    /// The tool names offered in the request. When non-empty, calls to other names are treated as text;
    /// when empty any name is accepted.
    /// </param>
    ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames);

    /// <summary>
    /// For streaming: how many leading characters of the text generated so far are certainly plain content,
    /// i.e. come before the first tool-call opening marker or anything that might still grow into one.
    /// The value never decreases as the same text is extended.
    /// </summary>
    int SafePrefixLength(string textSoFar);
}
