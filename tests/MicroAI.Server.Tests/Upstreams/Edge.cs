using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>Starts an edge: a MicroAI process whose upstream "central" is at a given OpenAI base URL.</summary>
internal static class Edge
{
    public const string Central = "central";
    public const string ServedByCentral = "upstream/" + Central;

    /// <summary>
    /// An edge with no model of its own unless <paramref name="arguments"/> add one (<see cref="LocalStories"/>);
    /// the breaker is out of the way (1000 failures) unless a test sets it. Returns once every upstream
    /// has been listed (or failed to be, or is disabled): the listing runs beside the server's start.
    /// </summary>
    public static async Task<MicroAIProcess> StartAsync(string upstreamBaseUrl, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var edge = await MicroAIProcess.StartAsync(withStories: false,
        [
            EdgeArgs.Upstream(Central, "BaseUrl", upstreamBaseUrl),
            EdgeArgs.Upstream(Central, "BreakerFailures", 1000),
            .. arguments,
        ], environment);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var health = JsonNode.Parse(await edge.Http.GetStringAsync("health"))!;
            var upstreams = health["upstreams"]?.AsObject() ?? throw new InvalidOperationException("/health lists no upstreams: " + health.ToJsonString());
            if (upstreams.All(u => (int?)u.Value!["models"] > 0 || u.Value!["list_error"] is not null || (string?)u.Value!["state"] == "disabled"))
                return edge;
            if (DateTime.UtcNow > deadline)
            {
                await edge.DisposeAsync();
                throw new TimeoutException("The edge's upstreams were not listed within 20 s: " + health.ToJsonString());
            }
            await Task.Delay(20);
        }
    }

    /// <summary>stories260K as a local model of the edge under <paramref name="id"/>.</summary>
    public static string LocalStories(string id = ServerFixture.StoriesModel) => EdgeArgs.Model(id, "Path", TestPaths.Stories260K);
}
