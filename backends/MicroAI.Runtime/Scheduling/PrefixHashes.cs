using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// Names for token prefixes that a gateway can compute too, so it can send a conversation to the
/// replica whose KV cache already holds its beginning. Tokens are cut into blocks of
/// <see cref="BlockTokens"/>; block i's hash is the first 8 bytes (little-endian) of
/// SHA-256(hash of block i-1 as 8 little-endian bytes, 0 for the first ‖ the block's token ids as
/// little-endian int32). Chained, so one hash stands for the whole prefix up to its block: the
/// longest prefix of a prompt a replica holds is its last block hash found in the replica's set.
/// A partial last block is not named (it would change with every token).
/// </summary>
public static class PrefixHashes
{
    /// <summary>64 tokens: a chat system prompt is a few hundred, so routing sees it in a few blocks; a 4,096-token context is at most 64 hashes.</summary>
    public const int BlockTokens = 64;

    public static ulong[] Compute(ReadOnlySpan<int> tokens)
    {
        var hashes = new ulong[tokens.Length / BlockTokens];
        Span<byte> input = stackalloc byte[8 + BlockTokens * 4];
        Span<byte> digest = stackalloc byte[32];
        ulong previous = 0;
        for (var b = 0; b < hashes.Length; b++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(input, previous);
            var block = tokens.Slice(b * BlockTokens, BlockTokens);
            for (var i = 0; i < block.Length; i++)
                BinaryPrimitives.WriteInt32LittleEndian(input[(8 + i * 4)..], block[i]);
            SHA256.HashData(input, digest);
            hashes[b] = previous = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }
        return hashes;
    }

    /// <summary>16 lower-case hex digits, the form /api/cache/prefixes answers with.</summary>
    public static string Format(ulong hash) => hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
