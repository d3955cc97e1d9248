namespace MicroAI.Tokenizers.Loading;

/// <summary>The file being loaded, so every error names it.</summary>
internal sealed class LoadContext(string file)
{
    public string File { get; } = file;

    public TokenizerLoadException Fail(string reason, Exception? inner = null) => new(File, reason, inner);
}
