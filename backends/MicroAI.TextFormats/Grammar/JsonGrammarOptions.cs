namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// How a JSON Schema becomes a grammar, and the limits that keep a hostile schema from costing
/// the server more than a small, bounded amount of work.
/// </summary>
public sealed record JsonGrammarOptions
{
    public static JsonGrammarOptions Default { get; } = new();

    /// <summary>
    /// OpenAI's <c>strict</c> flag: an object schema without <c>additionalProperties</c> then allows
    /// no extra keys (strict mode's rule). Off, an absent <c>additionalProperties</c> means what JSON
    /// Schema says: any extra key is allowed.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Longest whitespace run allowed between JSON tokens (spaces/tabs, optionally after one newline).
    /// Bounded so a small model cannot spend its whole budget on indentation; 0 forces compact JSON.
    /// </summary>
    public int MaxWhitespace { get; init; } = 16;

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
