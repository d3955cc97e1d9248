using System.Diagnostics.CodeAnalysis;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// A reference to an artifact in an OCI registry: <c>[oci://]registry[:port]/repository[:tag][@sha256:HEX]</c>.
/// The registry must be named (there is no implicit docker.io: a box pulls from the registry it
/// was told about, never from one it guessed). The tag defaults to "latest"; a digest wins over a tag.
/// </summary>
public sealed record OciReference(string Registry, string Repository, string Tag, string? Digest)
{
    public const string Scheme = "oci://";
    public const string DefaultTag = "latest";

    /// <summary>The tag or digest that names the manifest in <c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
    public string Reference => Digest ?? Tag;

    public override string ToString() => Digest is null ? $"{Registry}/{Repository}:{Tag}" : $"{Registry}/{Repository}@{Digest}";

    /// <summary>
    /// True for what should be pulled over the OCI Distribution API rather than as a URL: an
    /// <c>oci://</c> reference, or a bare <c>host[:port]/path</c> whose first part names a host
    /// (has a '.' or a ':', or is "localhost"), as Docker tells a registry from a Docker Hub namespace.
    /// </summary>
    public static bool IsOciReference(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var t = text.Trim();
        if (t.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return true;
        if (t.Contains("://", StringComparison.Ordinal))
            return false;
        var slash = t.IndexOf('/');
        if (slash <= 0)
            return false;
        var host = t[..slash];
        return host.Contains('.') || host.Contains(':') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out OciReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        error = Check(text?.Trim(), out var registry, out var repository, out var tag, out var digest);
        if (error is not null)
            return false;
        reference = new OciReference(registry!, repository!, tag!, digest);
        return true;
    }

    public static OciReference Parse(string text) =>
        TryParse(text, out var r, out var error) ? r : throw new FormatException(error);

    private static string? Check(string? text, out string? registry, out string? repository, out string? tag, out string? digest)
    {
        registry = repository = tag = digest = null;
        if (string.IsNullOrEmpty(text))
            return "An OCI reference is required (registry/repository[:tag] or …@sha256:<hex>).";
        var rest = text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? text[Scheme.Length..] : text;
        if (rest.Length > 1024)
            return "An OCI reference is at most 1024 characters.";

        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var digestText = rest[(at + 1)..];
            if (!digestText.StartsWith(Store.Digest.Prefix, StringComparison.Ordinal) || !Store.Digest.IsValid(digestText))
                return $"'{text}': '{digestText}' is not a digest; use @sha256:<64 lowercase hex>.";
            digest = digestText;
            rest = rest[..at];
        }

        var slash = rest.IndexOf('/');
        if (slash <= 0)
            return $"'{text}' names no registry; write registry[:port]/repository[:tag], e.g. registry.local:5000/models/llama:1.0.";
        registry = rest[..slash];
        var path = rest[(slash + 1)..];
        if (CheckRegistry(registry) is { } registryError)
            return $"'{text}': {registryError}";

        // A ':' after the last '/' starts the tag; one before it belongs to the host.
        var colon = path.LastIndexOf(':');
        if (colon > path.LastIndexOf('/'))
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
            if (!IsTag(tag))
                return $"'{text}': the tag '{tag}' must be 1-128 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'.";
        }
        else
        {
            tag = DefaultTag;
        }
        if (!IsRepository(path))
            return $"'{text}': the repository '{path}' must be lower-case '/'-separated parts of letters and digits joined by '.', '_', '__' or '-'.";
        repository = path;
        return null;
    }

    private static string? CheckRegistry(string registry)
    {
        var colon = registry.LastIndexOf(':');
        var host = colon >= 0 && !registry.EndsWith(']') ? registry[..colon] : registry;
        if (colon >= 0 && !registry.EndsWith(']'))
        {
            var port = registry[(colon + 1)..];
            if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                return $"the registry port '{port}' is not a number from 1 to 65535.";
        }
        if (host.Length == 0 || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            return $"the registry host '{host}' is not a host name or address.";
        return null;
    }

    // The distribution spec's grammar: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*
    private static bool IsRepository(string path)
    {
        if (path.Length is 0 or > 255)
            return false;
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || !IsLowerAlnum(part[0]) || !IsLowerAlnum(part[^1]))
                return false;
            for (var i = 0; i < part.Length; i++)
            {
                var c = part[i];
                if (IsLowerAlnum(c) || c == '-')
                    continue;
                if (c == '.' && IsLowerAlnum(part[i + 1]))
                    continue;
                if (c == '_' && (IsLowerAlnum(part[i + 1]) || (part[i + 1] == '_' && IsLowerAlnum(part[i + 2]))))
                {
                    if (part[i + 1] == '_')
                        i++;
                    continue;
                }
                return false;
            }
        }
        return true;
    }

    // [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
    private static bool IsTag(string tag) =>
        tag.Length is >= 1 and <= 128
        && (char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_')
        && tag.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") < 0;

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
