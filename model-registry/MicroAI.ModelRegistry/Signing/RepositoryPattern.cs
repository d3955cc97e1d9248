namespace MicroAI.ModelRegistry.Signing;

/// <summary>
/// Matches OCI references against the trust policy's registries and repository prefixes. Both sides
/// are reduced to "registry/repository" (tag, digest and an oci:// prefix dropped; Docker Hub's
/// aliases to docker.io, as Docker does), then compared on '/' boundaries, so
/// "registry.local:5000/models/" covers "registry.local:5000/models/llama" and
/// "registry.local:5000/models/team/llama" but not "registry.local:5000/models-evil/llama".
/// Case-insensitive: registry hosts are, and OCI repository names are lowercase anyway, so a
/// mixed-case spelling cannot slip past a requirement.
/// </summary>
internal static class RepositoryPattern
{
    public const string Everything = "*";

    /// <summary>"registry/repository" of a reference such as "oci://host:5000/models/llama:stable@sha256:…".</summary>
    public static string Repository(string reference)
    {
        var name = StripScheme(reference.Trim());
        var at = name.IndexOf('@');
        if (at >= 0)
            name = name[..at];
        var lastSlash = name.LastIndexOf('/');
        var colon = name.IndexOf(':', lastSlash + 1);
        if (colon >= 0 && lastSlash >= 0)
            name = name[..colon]; // the tag; a colon before the first '/' is a port
        else if (colon >= 0 && lastSlash < 0)
            name = name[..colon]; // "llama:stable" on Docker Hub
        return Normalize(name, officialImages: true);
    }

    /// <summary>Why a configured pattern can never be meant as written, or null when it is fine.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
            return "empty; give a registry (registry.local:5000), a repository prefix (registry.local:5000/models/) or *";
        var p = StripScheme(pattern.Trim());
        if (p == Everything)
            return null;
        if (p.Any(char.IsWhiteSpace) || p.Contains('@') || p.Contains('*'))
            return "a registry or repository prefix has no spaces, '@' or wildcards (only * alone, for every registry)";
        var slash = p.IndexOf('/');
        var host = slash < 0 ? p : p[..slash];
        if (!LooksLikeHost(host))
            return $"'{host}' is not a registry host; start with one (registry.local:5000/…; Docker Hub is docker.io/…)";
        if (slash >= 0 && p.IndexOf(':', slash) >= 0)
            return "names a tag; a requirement covers a registry or repository prefix, every tag in it";
        return null;
    }

    /// <summary>True when the pattern (already checked by <see cref="Problem"/>) covers the reference's repository.</summary>
    public static bool Covers(string pattern, string repository)
    {
        var p = StripScheme(pattern.Trim());
        if (p == Everything)
            return true;
        p = Normalize(p.TrimEnd('/'), officialImages: false);
        return repository.Equals(p, StringComparison.OrdinalIgnoreCase)
            || (repository.Length > p.Length && repository[p.Length] == '/' && repository.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    private static string StripScheme(string value) =>
        value.StartsWith("oci://", StringComparison.OrdinalIgnoreCase) ? value[6..] : value;

    /// <summary>Docker's rule: a first segment with a '.' or ':' or "localhost" is a registry; otherwise the name is on Docker Hub.</summary>
    private static bool LooksLikeHost(string segment) =>
        segment.Contains('.') || segment.Contains(':') || segment.Equals("localhost", StringComparison.OrdinalIgnoreCase);

    /// <param name="officialImages">Add Docker Hub's "library/" to a one-segment name: right for a reference
    /// ("ubuntu"), wrong for a prefix ("docker.io/library" is already one).</param>
    private static string Normalize(string name, bool officialImages)
    {
        var slash = name.IndexOf('/');
        var first = slash < 0 ? name : name[..slash];
        string host, path;
        if (LooksLikeHost(first))
        {
            host = first.ToLowerInvariant();
            path = slash < 0 ? "" : name[(slash + 1)..];
        }
        else
        {
            host = "docker.io";
            path = name;
        }
        if (host is "index.docker.io" or "registry-1.docker.io")
            host = "docker.io";
        if (officialImages && host == "docker.io" && path.Length > 0 && !path.Contains('/'))
            path = "library/" + path;
        return path.Length == 0 ? host : host + "/" + path;
    }
}
