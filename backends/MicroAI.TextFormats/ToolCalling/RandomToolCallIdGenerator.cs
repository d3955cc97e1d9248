using System.Security.Cryptography;

namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// <c>call_</c> + 24 random alphanumerics, the shape OpenAI returns. A cryptographic RNG is used only because
/// <see cref="RandomNumberGenerator.GetString"/> is the simplest thread-safe BCL call for this; ids are not secrets.
/// </summary>
internal sealed class RandomToolCallIdGenerator : IToolCallIdGenerator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static RandomToolCallIdGenerator Instance { get; } = new();

    public string NextId() => "call_" + RandomNumberGenerator.GetString(Alphabet, 24);
}
