namespace MicroAI.Templates;

/// <summary>Sandbox budgets. Real chat templates stay far below these; they exist to stop hostile ones.</summary>
public sealed record TemplateOptions
{
    public static readonly TemplateOptions Default = new();

    /// <summary>Total loop iterations (all loops, range(), filter passes) per render.</summary>
    public long MaxIterations { get; init; } = 1_000_000;

    /// <summary>Maximum rendered characters (also bounds any intermediate string).</summary>
    public int MaxOutputChars { get; init; } = 1_000_000;

    /// <summary>Maximum nesting of macro calls (recursion).</summary>
    public int MaxCallDepth { get; init; } = 100;
}
