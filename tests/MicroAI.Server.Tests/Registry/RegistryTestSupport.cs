using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroAI.Server.Tests;

/// <summary>stories260K.gguf as the registry sees it: its bytes, size and sha256.</summary>
internal static class StoriesFile
{
    public static string Path => TestPaths.Stories260K;
    public static readonly Lazy<byte[]> Bytes = new(() => File.ReadAllBytes(TestPaths.Stories260K));
    public static long Size => Bytes.Value.Length;
    public static string Digest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Bytes.Value));
    public const string ZeroDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
}

/// <summary>A temporary DataDirectory, deleted on dispose (best effort).</summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory() => Path = Directory.CreateTempSubdirectory("microai-registry-e2e-").FullName;

    public string Path { get; }

    public string RegistryBlobs => System.IO.Path.Combine(Path, "registry", "blobs");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>What one run of the MicroAI CLI did.</summary>
public sealed record CliResult(string[] Arguments, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Every non-empty stdout line as JSON (throws when a line is not JSON).</summary>
    public IReadOnlyList<JsonNode> JsonLines =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonNode.Parse(l)!).ToList();

    /// <summary>The single JSON value on stdout.</summary>
    public JsonNode Json => Assert.Single(JsonLines);

    public override string ToString() =>
        $"microai {string.Join(' ', Arguments)} → exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the server binary's CLI as a real process: <c>dotnet MicroAI.Server.dll ARGS</c> with
/// MicroAI__DataDirectory pointing at a test folder and Ollama's store switched off.
/// </summary>
public static class MicroAICli
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static string ServerDll => typeof(MicroAIApp).Assembly.Location;

    public static Task<CliResult> RunAsync(string dataDirectory, params string[] args) => RunWithInputAsync(dataDirectory, "", args);

    /// <summary>Like <see cref="RunAsync"/>, with <paramref name="input"/> on the CLI's stdin (then closed).</summary>
    public static async Task<CliResult> RunWithInputAsync(string dataDirectory, string input, params string[] args)
    {
        using var process = Process.Start(StartInfo(dataDirectory, args)) ?? throw new InvalidOperationException("dotnet did not start");
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"microai {string.Join(' ', args)} did not exit within {s_timeout.TotalSeconds:F0} s.\n{await stdout}\n{await stderr}");
        }
        return new CliResult(args, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// <c>dotnet MicroAI.Server.dll ARGS</c> in <paramref name="dataDirectory"/>, every stream redirected, with
    /// MicroAI__DataDirectory set to it, Ollama's store off and nothing of the test process's own MicroAI configuration.
    /// </summary>
    public static ProcessStartInfo StartInfo(string dataDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        // Nothing from the test process's own MicroAI configuration leaks in.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MicroAI", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["MicroAI__DataDirectory"] = dataDirectory;
        start.Environment["MicroAI__OllamaModelsDirectory"] = "none";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>The dotnet host running the tests (testhost runs under it), else "dotnet" from PATH.</summary>
    public static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return current;
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root))
        {
            var candidate = System.IO.Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
                return candidate;
        }
        return "dotnet";
    }
}

/// <summary>
/// Kestrel on 127.0.0.1 serving stories260K.gguf at any path whose last segment is
/// "stories260K.gguf" (with ETag and Range support); every other path answers 404.
/// </summary>
public sealed class ModelFileServer : IAsyncDisposable
{
    public const string FileName = "stories260K.gguf";

    private readonly WebApplication _app;
    private int _bodies;

    private ModelFileServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Responses that sent the model's bytes.</summary>
    public int BodyResponses => Volatile.Read(ref _bodies);

    /// <summary>When set, the body goes out in 64 KiB chunks with this pause between them (a slow link).</summary>
    public TimeSpan ChunkDelay { get; set; }

    public string Url(string path = "/" + FileName) => new Uri(BaseUri, path).AbsoluteUri;

    public static Task<ModelFileServer> StartAsync() => StartOnceAsync();

    private static async Task<ModelFileServer> StartOnceAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ModelFileServer(app);
        ((IApplicationBuilder)app).Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "";
        if ((!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) || !path.EndsWith("/" + FileName, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var payload = StoriesFile.Bytes.Value;
        const string etag = "\"stories-v1\"";
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = "application/octet-stream";
        var range = request.Headers.Range.ToString();
        var ifRange = request.Headers.IfRange.ToString();
        long start = 0;
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') && (ifRange.Length == 0 || ifRange == etag)
            && long.TryParse(range["bytes=".Length..^1], out var from))
        {
            if (from >= payload.Length)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{payload.Length}";
                return;
            }
            start = from;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{payload.Length - 1}/{payload.Length}";
        }
        response.ContentLength = payload.Length - start;
        if (HttpMethods.IsHead(request.Method))
            return;
        Interlocked.Increment(ref _bodies);
        try
        {
            if (ChunkDelay <= TimeSpan.Zero)
            {
                await response.Body.WriteAsync(payload.AsMemory((int)start), context.RequestAborted);
                return;
            }
            for (var at = (int)start; at < payload.Length; at += 64 * 1024)
            {
                await response.Body.WriteAsync(payload.AsMemory(at, Math.Min(64 * 1024, payload.Length - at)), context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(ChunkDelay, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>
/// A MicroAI server started in-process on a loopback port with its own DataDirectory (no default
/// model, Ollama's store off), so the registry tests never touch the shared <see cref="ServerFixture"/>.
/// </summary>
public sealed class RegistryTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RegistryTestServer(WebApplication app, HttpClient http, string dataDirectory)
    {
        _app = app;
        Http = http;
        DataDirectory = dataDirectory;
    }

    public HttpClient Http { get; }
    public string DataDirectory { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<RegistryTestServer> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var app = MicroAIApp.Build(
        [
            .. extraArguments,
            "--urls", "http://127.0.0.1:0",
            "--MicroAI:DataDirectory=" + dataDirectory,
            "--MicroAI:OllamaModelsDirectory=none",
            "--MicroAI:Threads=1",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:MicroAI=Warning",
            "--Logging:LogLevel:MicroAI.Server.Startup=Error", // "No models found" is the point here
            "--Logging:LogLevel:MicroAI.LlamaCpp.Native=Error",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        var server = new RegistryTestServer(app, http, dataDirectory);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var health = await http.GetAsync("health");
            if (health.IsSuccessStatusCode)
                return server;
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"The server did not become healthy: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The ids GET /v1/models lists.</summary>
    public async Task<List<string>> ModelIdsAsync()
    {
        var data = await GetJsonAsync("v1/models");
        return data["data"]!.AsArray().Select(m => (string)m!["id"]!).ToList();
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    /// <summary>The greedy "Once upon a time" completion (40 tokens) with <paramref name="model"/>; asserts 200 and returns the body.</summary>
    public async Task<JsonNode> GreedyCompletionAsync(string model)
    {
        var request = new JsonObject
        {
            ["model"] = model,
            ["prompt"] = "Once upon a time",
            ["temperature"] = 0,
            ["max_tokens"] = 40,
        };
        var (response, body, text) = await Http.PostJsonAsync("v1/completions", request);
        Assert.True(response.IsSuccessStatusCode, $"completion with '{model}' → {(int)response.StatusCode}: {text}");
        return body!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
