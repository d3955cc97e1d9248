using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge: <c>Basic realm="…"</c> or
/// <c>Bearer realm="https://auth…/token",service="registry",scope="repository:x:pull"</c>
/// (RFC 7235 auth-params: token or quoted-string values, a scope may hold commas inside its quotes).
/// </summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    public static bool TryParse(string? header, [NotNullWhen(true)] out AuthChallenge? challenge, [NotNullWhen(false)] out string? error)
    {
        challenge = null;
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            error = "The registry sent an empty WWW-Authenticate challenge.";
            return false;
        }
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] is ' ' or ','))
                i++;
            if (i >= text.Length)
                break;
            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                error = $"The registry's challenge '{header}' has a parameter without a value.";
                return false;
            }
            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                var closed = false;
                for (; i < text.Length; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        sb.Append(text[++i]);
                        continue;
                    }
                    if (text[i] == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }
                    sb.Append(text[i]);
                }
                if (!closed)
                {
                    error = $"The registry's challenge '{header}' has an unclosed quote.";
                    return false;
                }
                value = sb.ToString();
            }
            else
            {
                var end = text.IndexOf(',', i);
                value = (end < 0 ? text[i..] : text[i..end]).Trim();
                i = end < 0 ? text.Length : end;
            }
            if (key.Length == 0)
            {
                error = $"The registry's challenge '{header}' has a parameter without a name.";
                return false;
            }
            parameters[key] = value;
        }
        if (scheme.Length == 0)
        {
            error = $"The registry's challenge '{header}' names no scheme.";
            return false;
        }
        challenge = new AuthChallenge(scheme, parameters);
        return true;
    }
}
