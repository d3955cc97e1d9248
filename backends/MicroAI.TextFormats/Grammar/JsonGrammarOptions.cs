namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// How a JSON Schema becomes a grammar, and the limits that keep a hostile schema from costing
/// the server more than a small, bounded amount of work.
/// </summary>
public sealed record JsonGrammarOptions
{
    public static JsonGrammarOptions Default { get; } = new();

    /// <summary>
    /// Whitespace between JSON tokens, bounded as llama.cpp's converter bounds it: none, one space,
    /// or a line break followed by at most this many spaces or tabs of indentation (llama.cpp allows
    /// 20; its <c>SPACE_RULE</c>). One space at most on a line matters for small models: allowed
    /// runs of spaces, they spend their budget padding between tokens. 0 forces compact JSON.
    /// </summary>
    public int MaxWhitespace { get; init; } = 20;

    /// <summary>Deepest schema nesting (subschemas within subschemas, $ref hops included).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most grammar rules one schema may produce.</summary>
    public int MaxRules { get; init; } = 2000;

    /// <summary>Largest schema accepted, in characters of its JSON text.</summary>
    public int MaxSchemaLength { get; init; } = 256 * 1024;

    /// <summary>
    /// Largest bound accepted for minItems/maxItems/minLength/maxLength: llama.cpp expands
    /// <c>x{m,n}</c> into about n rules, so a bound of a million would be a denial of service.
    /// </summary>
    public int MaxRepetition { get; init; } = 1000;
}
