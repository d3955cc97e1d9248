namespace MicroAI.ModelRegistry.Store;

/// <summary>Add a local file or folder; <paramref name="Reference"/> keeps the files where they are instead of copying.</summary>
public sealed record ImportRequest(string Path, string? Name = null, bool Reference = false, IReadOnlyList<string>? Capabilities = null);

/// <summary>Download a model: an http(s) URL or hf://owner/repo[@revision]/path.</summary>
public sealed record PullRequest(string Source, string? Name = null, string? ExpectedDigest = null, IReadOnlyList<string>? Capabilities = null);
