namespace MicroAI.Server.Cli;

/// <summary>
/// Arguments that configure the server rather than name a command or an option: the forms the
/// configuration's command-line provider reads (<c>--Key=value</c>, <c>--Key value</c>,
/// <c>/Key=value</c>, <c>/Key value</c>, <c>Key=value</c>) under a root that something reads.
/// The provider takes any key and drops what it cannot parse, so without this check
/// <c>microai quantize m</c> or <c>microai --port 9000</c> started a server on 8080.
/// </summary>
internal static class ConfigurationTokens
{
    /// <summary>The roots the server (MicroAI, Logging, Kestrel) and the ASP.NET Core host read.</summary>
    public static readonly IReadOnlyList<string> Roots =
        ["MicroAI", "Logging", "Kestrel", "urls", "http_ports", "https_ports", "AllowedHosts", "environment", "contentRoot", "applicationName"];

    private static readonly HashSet<string> s_roots = new(Roots, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Splits the words an argument of any arity took (System.CommandLine hands it an unknown
    /// --Key=value too) into configuration and the rest; an option-like word that is not
    /// configuration is returned as <paramref name="unknown"/>.
    /// </summary>
    public static List<string> Extract(IReadOnlyList<string> words, out List<string> rest, out string? unknown)
    {
        var configuration = new List<string>();
        rest = [];
        unknown = null;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (!word.StartsWith('-') || word.Length == 1)
            {
                rest.Add(word);
                continue;
            }
            var pair = !word.Contains('=') && i + 1 < words.Count ? new[] { word, words[i + 1] } : [word];
            if (word.StartsWith("--", StringComparison.Ordinal) && FirstUnknown(pair) is null)
            {
                configuration.AddRange(pair);
                i += pair.Length - 1;
            }
            else
            {
                unknown ??= word;
            }
        }
        return configuration;
    }

    /// <summary>The first token that is not configuration under a known root; null when all are.</summary>
    public static string? FirstUnknown(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var body = token.StartsWith("--", StringComparison.Ordinal) ? token[2..]
                : token.StartsWith('/') ? token[1..]
                : token.Contains('=') ? token
                : null; // a bare word, or a single-dash switch the provider ignores
            if (body is null)
                return token;
            var separator = body.IndexOf('=');
            if (separator < 0)
            {
                // "--Key value": the value is the next token; "--Key" last is silently dropped by the provider.
                if (i + 1 >= tokens.Count)
                    return token;
                i++;
            }
            var key = separator < 0 ? body : body[..separator];
            var root = key.Split(':', 2)[0];
            if (root.Length == 0 || !s_roots.Contains(root))
                return token;
        }
        return null;
    }
}
