using System.Diagnostics.CodeAnalysis;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// Creates llama.cpp grammar samplers from GBNF text (such as <c>JsonSchemaGrammar</c>'s output),
/// turning llama.cpp's "NULL on a parse error" into a message.
/// </summary>
internal static class LlamaGrammar
{
    public const string RootRule = "root";

    /// <summary>
    /// A grammar sampler for <paramref name="vocab"/> whose start rule is <c>root</c>. The caller owns
    /// the sampler (adding it to a chain hands it over). On failure llama.cpp has already logged the
    /// exact parse error through the log bridge; the message here says where to look.
    /// </summary>
    public static bool TryCreateSampler(nint vocab, string gbnf, out nint sampler, [NotNullWhen(false)] out string? error)
    {
        sampler = 0;
        // An empty grammar is not an error to llama.cpp (it constrains nothing); to a caller that
        // asked for structured output it is always a bug, so refuse it.
        if (string.IsNullOrWhiteSpace(gbnf))
        {
            error = "The grammar is empty.";
            return false;
        }
        // The text crosses as a C string: a NUL would silently cut the grammar short.
        if (gbnf.Contains('\0'))
        {
            error = "The grammar contains a NUL character.";
            return false;
        }
        if (vocab == 0)
            throw new ArgumentException("No vocabulary.", nameof(vocab));
        sampler = LlamaNative.llama_sampler_init_grammar(vocab, gbnf, RootRule);
        if (sampler == 0)
        {
            error = $"llama.cpp rejected the grammar (it could not be parsed, has left recursion, or lacks a '{RootRule}' rule); the llama.cpp log has the details.";
            return false;
        }
        error = null;
        return true;
    }
}
