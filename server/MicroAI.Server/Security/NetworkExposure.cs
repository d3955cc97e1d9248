using System.Net;

namespace MicroAI.Server.Security;

/// <summary>
/// Which of the configured listen addresses reach beyond this machine. Thousands of inference
/// servers sit open on the internet because "0.0.0.0" looked harmless; binding one without a key
/// gets a banner, or (RefuseUnauthenticatedNetwork) stops the server before it listens.
/// </summary>
public static class NetworkExposure
{
    /// <summary>The URLs from --urls / ASPNETCORE_URLS, HTTP(S)_PORTS and Kestrel:Endpoints that are not loopback.</summary>
    public static IReadOnlyList<string> ExposedUrls(IConfiguration configuration)
    {
        var urls = new List<string>();
        foreach (var key in new[] { "urls" })
            urls.AddRange((configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // HTTP_PORTS / HTTPS_PORTS (set by Microsoft's container images) listen on every interface.
        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            foreach (var port in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                urls.Add((key == "http_ports" ? "http" : "https") + "://*:" + port);
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { } url)
                urls.Add(url);
        }
        return urls.Where(u => !IsLoopback(u)).ToList();
    }

    public static bool IsLoopback(string url)
    {
        // "http://*:8080" and "http://+:8080" are not valid URIs; anything we cannot parse counts as exposed.
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri))
            return false;
        if (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>
    /// Stops the start (an "Invalid configuration" exception, exit code 2) or prints the banner when
    /// the server would be reachable from the network with no key required.
    /// </summary>
    public static void Check(IConfiguration configuration, SecurityOptions options, ApiKeyStore keys, ILogger log)
    {
        var exposed = ExposedUrls(configuration);
        if (exposed.Count == 0 || keys.AuthenticationRequired)
            return;
        var where = string.Join(", ", exposed);
        if (options.RefuseUnauthenticatedNetwork)
        {
            throw new InvalidOperationException(
                $"Invalid configuration: refusing to listen on {where} without an API key (MicroAI:Security:RefuseUnauthenticatedNetwork). " +
                "Create one with `microai keys create --scope inference`, or listen on 127.0.0.1.");
        }
        log.LogWarning("Listening on {Urls} with NO API KEY: anyone who can reach this machine can use and manage it.", where);
        Console.Error.WriteLine(
            $"""

            ****************************************************************************
            *  WARNING: MicroAI is listening on {where}
            *  with no API key. Anyone on the network can run models, pull and delete them.
            *  Create a key:   microai keys create --scope inference
            *  (or listen on 127.0.0.1 only; MicroAI:Security:RefuseUnauthenticatedNetwork=true makes this an error)
            ****************************************************************************

            """);
    }
}
