using MicroAI.Runtime.Scheduling;

namespace MicroAI.Runtime.Tests.Scheduling;

public sealed class LogprobCalculatorTests
{
    private static ReadOnlySpan<byte> Piece(int token) => token switch { 0 => "a"u8, 1 => "b"u8, 2 => "c"u8, _ => "é"u8 };

    [Fact]
    public void Logprobs_are_the_log_softmax_and_alternatives_come_best_first()
    {
        float[] logits = [1f, 3f, 2f, -1f];
        var logZ = Math.Log(Math.Exp(1) + Math.Exp(3) + Math.Exp(2) + Math.Exp(-1));

        var result = LogprobCalculator.Compute(logits, 2, 3, Piece);

        Assert.Equal("c", result.Token);
        Assert.Equal((float)(2 - logZ), result.Logprob, 1e-6f);
        Assert.Equal(["b", "c", "a"], result.Top.Select(t => t.Token));
        Assert.Equal((float)(3 - logZ), result.Top[0].Logprob, 1e-6f);
        Assert.Equal((float)(1 - logZ), result.Top[2].Logprob, 1e-6f);
    }

    [Fact]
    public void No_alternatives_when_none_are_asked_and_bytes_are_kept_for_partial_characters()
    {
        var result = LogprobCalculator.Compute([0f, 0f, 0f, 5f], 3, 0, Piece);

        Assert.Empty(result.Top);
        Assert.Equal("é"u8.ToArray(), result.Bytes);
        Assert.True(result.Logprob is < 0 and > -0.1f);
    }
}
