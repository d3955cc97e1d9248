using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// A MicroAI server as a real process (<c>dotnet MicroAI.Server.dll</c>, started by <see cref="MicroAICli.StartInfo"/>)
/// on a free loopback port with its own DataDirectory: what an upstream or an edge is in production,
/// so that one can be killed mid-test and the other's console output is there to read.
/// </summary>
public sealed partial class MicroAIProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TempDataDirectory _data;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MicroAIProcess(Process process, TempDataDirectory data)
    {
        _process = process;
        _data = data;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The OpenAI base URL another MicroAI is given as an upstream's BaseUrl (/v1 included, no trailing slash).</summary>
    public string OpenAIBaseUrl => new Uri(BaseUri, "v1").AbsoluteUri;

    /// <summary>A client of this server with no key (60 s timeout).</summary>
    public HttpClient Http { get; private set; } = null!;

    public string DataDirectory => _data.Path;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>
    /// Starts a server with stories260K as its default model (id <see cref="ServerFixture.StoriesModel"/>), or with
    /// none when <paramref name="withStories"/> is false, plus <paramref name="arguments"/> (later ones win), and
    /// returns once /health answers 200. <paramref name="environment"/> is added to the process's environment.
    /// </summary>
    public static async Task<MicroAIProcess> StartAsync(bool withStories, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var data = new TempDataDirectory();
        var models = Directory.CreateDirectory(Path.Combine(data.Path, "models")).FullName;
        List<string> args =
        [
            "--urls", "http://127.0.0.1:0",
            "--MicroAI:ModelsDirectory=" + models,
            "--MicroAI:Threads=1",
            "--MicroAI:ParallelSlots=2",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:MicroAI.LlamaCpp.Native=Error",
            "--Logging:LogLevel:MicroAI.Server.Startup=Error", // "no models" is expected of an edge with none of its own
            // The address Kestrel picked for port 0 is read from this line.
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        ];
        if (withStories)
            args.Add("--MicroAI:DefaultModel=" + TestPaths.Stories260K);
        args.AddRange(arguments);

        var start = MicroAICli.StartInfo(data.Path, args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var server = new MicroAIProcess(process, data);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException("The server exited before it listened."));
        process.EnableRaisingEvents = true;
        if (!process.Start())
            throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            server.BaseUri = await server._listening.Task.WaitAsync(s_startTimeout);
            server.Http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch (Exception e)
        {
            var output = server.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException($"MicroAI did not start: {e.Message}\n--- output ---\n{output}", e);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } m)
            _listening.TrySetResult(new Uri(m.Groups[1].Value.TrimEnd('/') + "/"));
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    private async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow + s_startTimeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Http.GetAsync("health");
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"not healthy within {s_startTimeout.TotalSeconds:F0} s (last: {last})");
    }

    /// <summary>SIGKILL, as a crash or a pulled cable looks to a client: no drain, connections reset.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
        _data.Dispose();
    }
}
