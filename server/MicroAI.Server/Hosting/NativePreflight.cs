using MicroAI.Engines.Abstractions;

namespace MicroAI.Server.Hosting;

/// <summary>What the start-up check found: one line to log, or one line saying why the server cannot start.</summary>
internal sealed record NativePreflightResult(string Report, string? Problem);

/// <summary>
/// Before the server listens: every registered engine checks its natives (present, built for this
/// platform) without loading them; the first problem stops the server, the reports make one log line.
/// </summary>
internal static class NativePreflight
{
    public static NativePreflightResult Check(IEnumerable<IModelEngine> engines)
    {
        var reports = new List<string>();
        foreach (var engine in engines)
        {
            var result = engine.Preflight();
            if (result.Problem is not null)
                return new("", result.Problem);
            if (result.Report.Length > 0)
                reports.Add(result.Report);
        }
        return new(string.Join("; ", reports), null);
    }
}
