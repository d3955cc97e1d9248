namespace MicroAI.Deploy.Tests;

/// <summary>A test that renders the manifests with `kubectl kustomize`; skipped, saying so, where kubectl is not installed.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (Kubectl.Path is null)
            Skip = "kubectl is not on PATH; the manifests are still parsed by KustomizeFilesTests.";
    }
}

/// <summary>A single-case <see cref="KubectlTheoryAttribute"/>.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null)
            Skip = "kubectl is not on PATH; the manifests are still parsed by KustomizeFilesTests.";
    }
}

internal static class Kubectl
{
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl"))
        .FirstOrDefault(File.Exists);

    public static string Kustomize(string directory)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path!, ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed: {stderr}");
        return stdout.Result;
    }
}
