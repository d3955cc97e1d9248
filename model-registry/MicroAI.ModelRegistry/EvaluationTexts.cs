namespace MicroAI.ModelRegistry;

/// <summary>The text `microai eval` scores by default (Resources/eval-text.txt, public domain), embedded so every build has it.</summary>
public static class EvaluationTexts
{
    public const string DefaultName = "eval-text.txt";

    public static string Default { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(EvaluationTexts).Assembly.GetManifestResourceStream("MicroAI.ModelRegistry.Resources.eval-text.txt")
            ?? throw new InvalidOperationException("The default evaluation text is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
