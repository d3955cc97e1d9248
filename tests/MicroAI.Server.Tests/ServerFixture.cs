using System.ClientModel;
using MicroAI.Runtime.Models;
using MicroAI.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace MicroAI.Server.Tests;

/// <summary>
/// The real server, in-process on a loopback port, with stories260K as the default model and
/// llama-2-tiny-random as "tiny". Shared by every test class (the model loads once).
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    public const string StoriesModel = "stories260K";
    public const string TinyModel = "tiny";

    private DirectoryInfo? _dataDirectory;
    private WebApplication? _app;
    private HttpClient? _http;
    private OpenAIClient? _openAI;

    public WebApplication App => _app ?? throw new InvalidOperationException("The server has not started.");
    public IServiceProvider Services => App.Services;
    public Uri BaseUri { get; private set; } = null!;
    public HttpClient Http => _http ?? throw new InvalidOperationException("The server has not started.");
    public OpenAIClient OpenAI => _openAI ?? throw new InvalidOperationException("The server has not started.");
    public IModelHost ModelHost => Services.GetRequiredService<IModelHost>();
    /// <summary>MicroAI:DataDirectory of this server (keys.json, audit.log, models/).</summary>
    public string DataDirectory => _dataDirectory?.FullName ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>The handler of <see cref="Http"/> (an HTTPS fixture trusts its own test certificate).</summary>
    protected virtual HttpMessageHandler CreateHandler() => new SocketsHttpHandler();

    /// <summary>More command-line arguments; later ones override the defaults above them.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    public virtual async Task InitializeAsync()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("microai-server-tests-");
        var modelsDirectory = Directory.CreateDirectory(Path.Combine(_dataDirectory.FullName, "models"));

        _app = MicroAIApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--MicroAI:DataDirectory=" + _dataDirectory.FullName,
            "--MicroAI:ModelsDirectory=" + modelsDirectory.FullName,
            "--MicroAI:OllamaModelsDirectory=none", // the default is the user's own Ollama store
            "--MicroAI:DefaultModel=" + TestPaths.Stories260K,
            "--MicroAI:ParallelSlots=2",
            // These models are tiny: one thread is as fast as several, and it never stalls on a
            // thread barrier when the machine is busy (a shared CI box, parallel test projects).
            "--MicroAI:Threads=1",
            "--MicroAI:Models:" + TinyModel + ":Path=" + TestPaths.TinyRandomLlama,
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:MicroAI=Warning",
            "--Logging:LogLevel:MicroAI.LlamaCpp.Native=Error",
            .. ExtraArguments,
        ]);
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? _app.Urls.First();
        BaseUri = new Uri(address.TrimEnd('/') + "/");
        _http = new HttpClient(CreateHandler()) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        _openAI = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(BaseUri, "v1") });

        await WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
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
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The server at {BaseUri} did not become healthy within {timeout.TotalSeconds:F0} s (last: {last}).");
    }

    /// <summary>The loaded model's scheduler (loads the model if it is not resident yet).</summary>
    public async Task<LoadedTextModel> GetLoadedModelAsync(string id)
    {
        var lookup = await ModelHost.GetTextModelAsync(id, CancellationToken.None);
        return lookup.Model ?? throw new InvalidOperationException($"Model {id} could not be loaded: {lookup.Message}");
    }

    public virtual async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            _dataDirectory?.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Server";
}
