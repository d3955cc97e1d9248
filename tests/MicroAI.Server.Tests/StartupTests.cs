using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests;

/// <summary>Servers started with a broken or empty model configuration.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task MissingDefaultModel_HealthIs503NamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "microai-missing-" + Guid.NewGuid().ToString("N") + ".gguf");
        await using var server = await StartAsync("--MicroAI:DefaultModel=" + missing);

        var body = await PollHealthAsync(server.Http, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Contains(missing, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task NoModelAtAll_HealthIs200_AndRequestsGetModelNotFound()
    {
        await using var server = await StartAsync();

        await PollHealthAsync(server.Http, HttpStatusCode.OK);
        using var response = await server.Http.PostAsync("v1/completions",
            new StringContent("""{"prompt":"hi"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("model_not_found", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_in_openai_shape()
    {
        var data = Directory.CreateTempSubdirectory("microai-startup-tests-");
        var app = MicroAIApp.Build(["--urls", "http://127.0.0.1:0", "--MicroAI:DataDirectory=" + data.FullName,
            "--MicroAI:OllamaModelsDirectory=none", "--Logging:LogLevel:Default=None"]);
        app.MapGet("/test/boom", (Func<string>)(() => throw new InvalidOperationException("boom")));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var server = new RunningServer(app, new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") }, data);

        using var response = await server.Http.GetAsync("test/boom");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("boom", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> PollHealthAsync(HttpClient http, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync("health");
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected && !text.Contains("Loading", StringComparison.Ordinal))
                return JsonDocument.Parse(text).RootElement.Clone();
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"/health stayed {(int)response.StatusCode} {text}; expected {(int)expected}.");
            await Task.Delay(50);
        }
    }

    private static async Task<RunningServer> StartAsync(params string[] args)
    {
        var data = Directory.CreateTempSubdirectory("microai-startup-tests-");
        var app = MicroAIApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--MicroAI:DataDirectory=" + data.FullName,
            "--MicroAI:ModelsDirectory=" + Path.Combine(data.FullName, "models"),
            "--MicroAI:OllamaModelsDirectory=none",
            "--Logging:LogLevel:Default=Critical",
            .. args,
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") }, data);
    }

    private sealed class RunningServer(WebApplication app, HttpClient http, DirectoryInfo data) : IAsyncDisposable
    {
        public HttpClient Http { get; } = http;

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            data.Delete(recursive: true);
        }
    }
}
