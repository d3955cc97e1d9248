namespace MicroAI.ModelRegistry.Oci;

/// <summary>One chunk of a file: a blob whose bytes follow the previous chunk's.</summary>
internal sealed record MicroAIChunk(string Digest, long Length);
