using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>Starts an edge: a MicroAI process whose upstream "central" is at a given OpenAI base URL.</summary>
internal static class Edge
{
    public const string Central = "central";
    public const string ServedByCentral = "upstream/" + Central;

    /// <summary>
    /// An edge with no model of its own unless <paramref name="arguments"/> add one (<see cref="LocalStories"/>);
    /// the breaker is out of the way (1000 failures) unless a test sets it.
    /// </summary>
    public static Task<MicroAIProcess> StartAsync(string upstreamBaseUrl, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        MicroAIProcess.StartAsync(withStories: false,
        [
            EdgeArgs.Upstream(Central, "BaseUrl", upstreamBaseUrl),
            EdgeArgs.Upstream(Central, "BreakerFailures", 1000),
            .. arguments,
        ], environment);

    /// <summary>stories260K as a local model of the edge under <paramref name="id"/>.</summary>
    public static string LocalStories(string id = ServerFixture.StoriesModel) => EdgeArgs.Model(id, "Path", TestPaths.Stories260K);
}
