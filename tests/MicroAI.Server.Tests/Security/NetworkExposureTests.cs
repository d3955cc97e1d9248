using MicroAI.Server.Security;
using Microsoft.Extensions.Configuration;

namespace MicroAI.Server.Tests.Security;

public sealed class NetworkExposureTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("https://127.0.0.5:443", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://192.168.1.10:8080", false)]
    [InlineData("http://myhost:8080", false)]
    [InlineData("not a url", false)]
    public void Loopback_IsOnlyWhatCannotBeReachedFromOutside(string url, bool loopback) =>
        Assert.Equal(loopback, NetworkExposure.IsLoopback(url));

    [Fact]
    public void ExposedUrls_ReadsUrlsPortsAndKestrelEndpoints()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:8080;http://0.0.0.0:8081",
            ["http_ports"] = "8082",
            ["Kestrel:Endpoints:Lan:Url"] = "https://10.0.0.2:8443",
            ["Kestrel:Endpoints:Local:Url"] = "http://localhost:9000",
        }).Build();
        Assert.Equal(["http://0.0.0.0:8081", "http://*:8082", "https://10.0.0.2:8443"], NetworkExposure.ExposedUrls(configuration));
    }

    private static string[] Arguments(string data, params string[] more) =>
    [
        "--urls", "http://0.0.0.0:0",
        "--MicroAI:DataDirectory=" + data,
        "--MicroAI:OllamaModelsDirectory=none",
        "--Logging:LogLevel:Default=None",
        .. more,
    ];

    [Fact]
    public async Task RefuseUnauthenticatedNetwork_StopsAKeylessServerOnAllInterfaces_ButNotAKeyedOne()
    {
        var data = Directory.CreateTempSubdirectory("microai-exposure-").FullName;
        try
        {
            var refused = Assert.Throws<InvalidOperationException>(() => MicroAIApp.Build(Arguments(data, "--MicroAI:Security:RefuseUnauthenticatedNetwork=true")));
            Assert.StartsWith("Invalid configuration: refusing to listen on http://0.0.0.0:0 without an API key", refused.Message);

            await using var keyed = MicroAIApp.Build(Arguments(data, "--MicroAI:Security:RefuseUnauthenticatedNetwork=true",
                "--MicroAI:Security:ApiKeys:0:Hash=" + ApiKeyHash.Of(ApiKeyHash.NewKey())));
            await using var warned = MicroAIApp.Build(Arguments(data)); // the default: a warning, not an error
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void InvalidSecurityConfiguration_StopsTheStart()
    {
        var data = Directory.CreateTempSubdirectory("microai-exposure-").FullName;
        try
        {
            var invalid = Assert.Throws<InvalidOperationException>(() => MicroAIApp.Build(
            [
                "--MicroAI:DataDirectory=" + data, "--MicroAI:OllamaModelsDirectory=none", "--Logging:LogLevel:Default=None",
                "--MicroAI:Security:ApiKeys:0:Hash=plaintext-key", "--MicroAI:Security:MetricsScope=everyone",
            ]));
            Assert.Contains("MicroAI:Security:ApiKeys:0:Hash", invalid.Message);
            Assert.Contains("MicroAI:Security:MetricsScope", invalid.Message);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
