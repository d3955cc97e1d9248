namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// What may be a function name when the format itself does not delimit it with JSON quoting. OpenAI allows
/// letters, digits, <c>_</c> and <c>-</c>; <c>.</c> is accepted too because namespaced names (<c>repo.search</c>)
/// appear in the wild. Rejecting anything else is what keeps prose after a marker from becoming a "name".
/// </summary>
internal static class ToolNames
{
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
