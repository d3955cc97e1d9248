using System.Diagnostics.CodeAnalysis;

namespace MicroAI.ModelRegistry.Gguf;

/// <summary>What <see cref="GgufReader"/> found: the parsed file, or why it is not a usable GGUF.</summary>
public sealed class GgufResult
{
    private GgufResult(GgufFile? file, string? error)
    {
        File = file;
        Error = error;
    }

    /// <summary>The parsed header, metadata and tensor infos; null when <see cref="Error"/> is set.</summary>
    public GgufFile? File { get; }

    /// <summary>What is wrong and at which byte offset, e.g. "truncated in metadata key 12 ('tokenizer.ggml.tokens') at offset 3456 (…)".</summary>
    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(File))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => File is not null;

    internal static GgufResult Success(GgufFile file) => new(file, null);

    internal static GgufResult Failure(string error) => new(null, error);

    public override string ToString() => IsSuccess ? $"GGUF v{File.Version}, {File.Metadata.Count} keys, {File.Tensors.Count} tensors" : Error;
}
