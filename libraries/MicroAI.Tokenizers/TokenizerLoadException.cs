namespace MicroAI.Tokenizers;

/// <summary>A tokenizer could not be loaded: a file is missing, corrupt, or uses a feature we do not support.</summary>
public sealed class TokenizerLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The file (or folder) being loaded; may be a label such as "tokenizer.json" for in-memory JSON.</param>
    /// <param name="reason">What is wrong, for a person to read.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public TokenizerLoadException(string file, string reason, Exception? inner = null)
        : base($"Cannot load tokenizer from '{file}': {reason}", inner)
    {
        FilePath = file;
        Reason = reason;
    }

    /// <summary>The file or folder that failed to load.</summary>
    public string FilePath { get; }

    /// <summary>Why it failed.</summary>
    public string Reason { get; }
}
