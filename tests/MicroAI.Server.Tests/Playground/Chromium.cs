namespace MicroAI.Server.Tests.Playground;

/// <summary>
/// The system's Chromium (Debian's `chromium` package; .ci/run installs it), which Playwright drives
/// through its ExecutablePath: Playwright's own browser download cannot work offline.
/// MICROAI_CHROMIUM names another executable.
/// </summary>
internal static class Chromium
{
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("MICROAI_CHROMIUM") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : null;
        string[] names = OperatingSystem.IsWindows() ? ["chrome.exe", "msedge.exe"] : ["chromium", "chromium-browser", "google-chrome"];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => System.IO.Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A browser test; skipped, saying so, where no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
            Skip = "No Chromium found (apt-get install chromium, or set MICROAI_CHROMIUM); .ci/run installs it.";
    }
}
