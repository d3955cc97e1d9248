using MicroAI.Runtime.Scheduling;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>The block hashes a gateway reproduces: one per full block, chained, stable.</summary>
public sealed class PrefixHashesTests
{
    private static int[] Tokens(int count, int seed = 1) => [.. Enumerable.Range(seed, count)];

    [Fact]
    public void One_hash_per_full_block_and_none_for_a_partial_one()
    {
        Assert.Empty(PrefixHashes.Compute(Tokens(PrefixHashes.BlockTokens - 1)));
        Assert.Single(PrefixHashes.Compute(Tokens(PrefixHashes.BlockTokens)));
        Assert.Equal(2, PrefixHashes.Compute(Tokens(3 * PrefixHashes.BlockTokens - 1)).Length);
    }

    [Fact]
    public void A_longer_sequence_extends_the_hashes_of_its_prefix()
    {
        var longer = PrefixHashes.Compute(Tokens(5 * PrefixHashes.BlockTokens));
        var prefix = PrefixHashes.Compute(Tokens(2 * PrefixHashes.BlockTokens + 10));
        Assert.Equal(prefix, longer[..2]);
    }

    [Fact]
    public void A_changed_token_changes_its_block_and_every_later_one_but_not_earlier_ones()
    {
        var tokens = Tokens(3 * PrefixHashes.BlockTokens);
        var before = PrefixHashes.Compute(tokens);
        tokens[PrefixHashes.BlockTokens + 5] = -7;
        var after = PrefixHashes.Compute(tokens);
        Assert.Equal(before[0], after[0]);
        Assert.NotEqual(before[1], after[1]);
        Assert.NotEqual(before[2], after[2]);
    }

    [Fact]
    public void The_same_block_at_another_position_has_another_hash()
    {
        // Chaining: block 2 repeating block 1's tokens is a different prefix, so a different name.
        var repeated = Tokens(PrefixHashes.BlockTokens).Concat(Tokens(PrefixHashes.BlockTokens)).ToArray();
        var hashes = PrefixHashes.Compute(repeated);
        Assert.NotEqual(hashes[0], hashes[1]);
    }

    [Fact]
    public void The_documented_algorithm_gives_a_fixed_value()
    {
        // First 8 bytes, little-endian, of SHA-256(8 zero bytes ‖ int32 LE 0..63): pinned so a
        // change of algorithm (which every gateway would have to follow) cannot pass unnoticed.
        var input = new byte[8 + 64 * 4];
        for (var i = 0; i < 64; i++)
            BitConverter.TryWriteBytes(input.AsSpan(8 + i * 4), i);
        var expected = BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(input), 0);
        Assert.Equal(expected, PrefixHashes.Compute(Enumerable.Range(0, 64).ToArray())[0]);
        Assert.Equal(16, PrefixHashes.Format(expected).Length);
    }
}
