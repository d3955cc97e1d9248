namespace MicroAI.Engines.Onnx.Tests;

/// <summary>A fact skipped on one operating system ("windows", "macos", "linux"), e.g. where a provider might really work.</summary>
public sealed class SkipOnPlatformFactAttribute : FactAttribute
{
    public SkipOnPlatformFactAttribute(string platform)
    {
        if (OperatingSystem.IsOSPlatform(platform))
            Skip = $"Not meaningful on {platform}.";
    }
}

/// <summary>A theory skipped on one operating system.</summary>
public sealed class SkipOnPlatformTheoryAttribute : TheoryAttribute
{
    public SkipOnPlatformTheoryAttribute(string platform)
    {
        if (OperatingSystem.IsOSPlatform(platform))
            Skip = $"Not meaningful on {platform}.";
    }
}
