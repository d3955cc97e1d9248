namespace MicroAI.TextFormats.Grammar;

/// <summary>JSON pointers (RFC 6901) for error messages, shown in URI-fragment form ("#/properties/a").</summary>
internal static class Pointer
{
    public static string Append(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Append(string pointer, int index) => pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Format(string pointer) => "#" + pointer;
}
