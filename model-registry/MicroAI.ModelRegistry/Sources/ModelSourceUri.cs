using System.Text;

namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// A model source the server can pull: an http(s) URL, or <c>hf://owner/repo[@revision]/path/file.gguf</c>
/// which resolves to the Hugging Face "resolve" URL of that file.
/// </summary>
/// <param name="DownloadUri">The URL the bytes are fetched from.</param>
/// <param name="Kind">"http" or "hf"; "hf" sources should send <see cref="HuggingFaceOptions.Token"/>.</param>
/// <param name="SuggestedName">The file name without extension, lowercased, reduced to [a-z0-9._-].</param>
/// <param name="FileName">The unescaped last path segment.</param>
public sealed record ModelSourceUri(Uri DownloadUri, string Kind, string SuggestedName, string FileName)
{
    public const string HttpKind = "http";
    public const string HuggingFaceKind = "hf";

    private const string HfScheme = "hf://";
    private const string Usage = "expected an http(s):// URL or hf://owner/repo[@revision]/path/to/file.gguf";

    public static bool TryParse(string source, HuggingFaceOptions hf, out ModelSourceUri? uri, out string? error)
    {
        ArgumentNullException.ThrowIfNull(hf);
        uri = null;
        error = null;
        var s = source?.Trim();
        if (string.IsNullOrEmpty(s))
        {
            error = "The model source is empty: " + Usage + ".";
            return false;
        }

        if (s.StartsWith(HfScheme, StringComparison.OrdinalIgnoreCase))
            error = TryParseHuggingFace(s, s[HfScheme.Length..], hf, out uri);
        else if (Uri.TryCreate(s, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
            error = TryParseHttp(s, absolute, hf, out uri);
        else
            error = $"Unsupported model source '{s}': {Usage}.";
        return error is null;
    }

    private static string? TryParseHuggingFace(string source, string rest, HuggingFaceOptions hf, out ModelSourceUri? uri)
    {
        uri = null;
        var endpoint = ParseEndpoint(hf, out var endpointError);
        if (endpoint is null)
            return endpointError;
        if (rest.Contains('?') || rest.Contains('#') || rest.Contains('\\'))
            return $"'{source}' may not contain '?', '#' or '\\': {Usage}.";

        var parts = rest.Split('/');
        if (parts.Length < 3)
            return $"'{source}' names no file: {Usage}.";
        var owner = parts[0];
        var repo = parts[1];
        var revision = "main";
        var at = repo.IndexOf('@');
        if (at >= 0)
        {
            revision = repo[(at + 1)..];
            repo = repo[..at];
            if (!IsRepoToken(revision))
                return $"'{source}' has an invalid revision '{revision}' (letters, digits, '.', '_', '-').";
        }
        if (!IsRepoToken(owner) || !IsRepoToken(repo))
            return $"'{source}' has an invalid owner or repository name (letters, digits, '.', '_', '-'): {Usage}.";

        var path = parts[2..];
        foreach (var segment in path)
        {
            if (segment.Length == 0)
                return $"'{source}' has an empty path segment.";
            if (segment is "." or "..")
                return $"'{source}' may not contain '.' or '..' path segments.";
            if (segment.Any(char.IsControl))
                return $"'{source}' contains control characters.";
        }

        var url = new StringBuilder(endpoint.AbsoluteUri.TrimEnd('/'))
            .Append('/').Append(Uri.EscapeDataString(owner))
            .Append('/').Append(Uri.EscapeDataString(repo))
            .Append("/resolve/").Append(Uri.EscapeDataString(revision));
        foreach (var segment in path)
            url.Append('/').Append(Uri.EscapeDataString(segment));

        var fileName = path[^1];
        uri = new ModelSourceUri(new Uri(url.ToString()), HuggingFaceKind, Suggest(fileName), fileName);
        return null;
    }

    private static string? TryParseHttp(string source, Uri absolute, HuggingFaceOptions hf, out ModelSourceUri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(absolute.Host))
            return $"'{source}' has no host.";
        if (absolute.UserInfo.Length > 0)
            return $"'{source}' carries credentials in the URL; they would be logged and sent on redirects. Use HF_TOKEN for Hugging Face.";

        var segments = absolute.AbsolutePath.Split('/');
        var fileName = Uri.UnescapeDataString(segments[^1]);
        if (fileName.Length == 0 || fileName is "." or "..")
            return $"'{source}' names no file (the path ends with '/').";
        if (fileName.Contains('/') || fileName.Contains('\\') || fileName.Any(char.IsControl))
            return $"'{source}' has a file name with an escaped '/', '\\' or control character.";

        // A URL copied from the Hugging Face web page (/owner/repo/blob/rev/file) is an HTML page;
        // the file itself is served under /resolve/. Without this the pull would store ~100 KB of HTML.
        var endpoint = ParseEndpoint(hf, out _);
        if (endpoint is not null && Uri.Compare(endpoint, absolute, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            var basePath = endpoint.AbsolutePath.TrimEnd('/');
            var relative = absolute.AbsolutePath[basePath.Length..].Split('/');
            // ["", owner, repo, "blob"|"resolve", revision, path...]
            if (absolute.AbsolutePath.StartsWith(basePath + "/", StringComparison.Ordinal) && relative.Length >= 6 && relative[3] is "blob" or "resolve")
            {
                relative[3] = "resolve";
                var builder = new UriBuilder(absolute) { Path = basePath + string.Join('/', relative) };
                uri = new ModelSourceUri(builder.Uri, HuggingFaceKind, Suggest(fileName), fileName);
                return null;
            }
        }

        uri = new ModelSourceUri(absolute, HttpKind, Suggest(fileName), fileName);
        return null;
    }

    private static Uri? ParseEndpoint(HuggingFaceOptions hf, out string? error)
    {
        error = null;
        if (Uri.TryCreate(hf.Endpoint?.Trim(), UriKind.Absolute, out var endpoint) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps))
            return endpoint;
        error = $"The Hugging Face endpoint '{hf.Endpoint}' (HF_ENDPOINT) is not an http(s) URL.";
        return null;
    }

    /// <summary>Hugging Face owner, repository and revision names: letters, digits, '.', '_', '-', never "." or "..".</summary>
    private static bool IsRepoToken(string s) =>
        s.Length > 0 && s is not ("." or "..") && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    internal static string Suggest(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName).ToLowerInvariant();
        var name = string.Create(stem.Length, stem, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
                span[i] = char.IsAsciiLetterLower(s[i]) || char.IsAsciiDigit(s[i]) || s[i] is '.' or '_' or '-' ? s[i] : '-';
        });
        return name.Length == 0 ? "model" : name;
    }
}
