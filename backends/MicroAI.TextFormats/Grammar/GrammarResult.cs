using System.Diagnostics.CodeAnalysis;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// Either a GBNF grammar whose start rule is <c>root</c>, or an error a client can act on
/// (it names the offending keyword and its JSON pointer). Never both.
/// </summary>
public sealed class GrammarResult
{
    private GrammarResult(string? grammar, string? error)
    {
        Grammar = grammar;
        Error = error;
    }

    /// <summary>The GBNF text; null when <see cref="Success"/> is false.</summary>
    public string? Grammar { get; }

    /// <summary>Why no grammar could be built; null when <see cref="Success"/> is true.</summary>
    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Grammar))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Grammar is not null;

    internal static GrammarResult Ok(string grammar) => new(grammar, null);

    internal static GrammarResult Fail(string error) => new(null, error);
}
