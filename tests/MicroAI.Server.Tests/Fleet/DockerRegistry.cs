using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// A real OCI registry for a test: Debian's docker-registry (CNCF Distribution) on a free
/// loopback port, with its own storage folder, config file and bcrypt htpasswd file (basic auth).
/// Killed and deleted on dispose. Without the binaries the test fails and says what to install.
/// </summary>
public sealed class DockerRegistry : IAsyncDisposable
{
    public const string User = "fleet";
    public const string Password = "s3cret-Pa55";

    private readonly Process _process;
    private readonly StringBuilder _log;

    private DockerRegistry(Process process, StringBuilder log, string root, int port)
    {
        _process = process;
        _log = log;
        Root = root;
        Host = $"127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri($"http://{Host}/"), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)));
    }

    /// <summary>"127.0.0.1:PORT", as a reference names it.</summary>
    public string Host { get; }

    /// <summary>Holds config.yml, htpasswd and storage/ (the registry's filesystem driver root).</summary>
    public string Root { get; }

    /// <summary>What the registry printed (warnings and errors), for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Raw access with the registry's credentials, for artifacts a test builds by hand.</summary>
    public HttpClient Http { get; }

    public static async Task<DockerRegistry> StartAsync()
    {
        var registry = Which("docker-registry");
        var htpasswd = Which("htpasswd");
        if (registry is null || htpasswd is null)
            Assert.Fail("The OCI tests need a real registry: `apt-get install docker-registry apache2-utils` "
                + $"(missing: {string.Join(", ", new[] { registry is null ? "docker-registry" : null, htpasswd is null ? "htpasswd" : null }.Where(x => x is not null))}).");

        var root = Directory.CreateTempSubdirectory("microai-oci-registry-").FullName;
        var (code, users, error) = await RunAsync(htpasswd!, "-Bbn", User, Password);
        Assert.True(code == 0, $"htpasswd -Bbn failed ({code}): {error}");
        await File.WriteAllTextAsync(Path.Combine(root, "htpasswd"), users.Trim() + "\n");

        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            await File.WriteAllTextAsync(Path.Combine(root, "config.yml"), $"""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(root, "storage")}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port}
                auth:
                  htpasswd:
                    realm: microai-tests
                    path: {Path.Combine(root, "htpasswd")}
                """);
            var start = new ProcessStartInfo(registry!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(Path.Combine(root, "config.yml"));
            var log = new StringBuilder();
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var instance = new DockerRegistry(process, log, root, port);
            if (await instance.WaitUntilUpAsync())
                return instance;
            await instance.StopAsync(deleteRoot: attempt >= 2);
            if (attempt >= 2)
                Assert.Fail($"docker-registry did not start on 127.0.0.1:{port}:\n{log}");
        }
    }

    /// <summary>The file the registry keeps a blob's bytes in (to alter it behind its back).</summary>
    public string BlobFile(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(Root, "storage", "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    /// <summary>Uploads a blob (POST, then PUT ?digest=) and returns its descriptor fields.</summary>
    public async Task<(string Digest, long Size)> PushBlobAsync(string repository, byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var start = await Http.PostAsync($"v2/{repository}/blobs/uploads/", new ByteArrayContent([]));
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"POST upload: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}");
        var location = start.Headers.Location!;
        var put = new UriBuilder(location.IsAbsoluteUri ? location : new Uri(Http.BaseAddress!, location));
        put.Query = (put.Query.TrimStart('?') is { Length: > 0 } q ? q + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await Http.PutAsync(put.Uri, content);
        Assert.True(done.StatusCode == HttpStatusCode.Created, $"PUT blob: {(int)done.StatusCode} {await done.Content.ReadAsStringAsync()}");
        return (digest, bytes.Length);
    }

    public async Task<string> PutManifestAsync(string repository, string tag, string json, string mediaType)
    {
        var content = new StringContent(json, new UTF8Encoding(false));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await Http.PutAsync($"v2/{repository}/manifests/{tag}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT manifest: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    public ValueTask DisposeAsync() => new(StopAsync(deleteRoot: true));

    private async Task<bool> WaitUntilUpAsync()
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await probe.GetAsync($"http://{Host}/v2/");
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                    return true; // up, and asking for the htpasswd credentials
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        return false;
    }

    private async Task StopAsync(bool deleteRoot)
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (deleteRoot)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}
