namespace MicroAI.Tokenizers.Tests;

public sealed class TokenBatchTests
{
    [Fact]
    public void Pads_to_the_longest_row_major()
    {
        var tokenizer = Fixtures.Load("minilm");
        var items = new[] { tokenizer.Encode("hello world"), tokenizer.Encode("hi"), tokenizer.EncodePair("a", "b") };
        var batch = TokenBatch.Pad(items, tokenizer);
        Assert.Equal(3, batch.BatchSize);
        Assert.Equal(5, batch.SequenceLength);
        Assert.Equal(new long[] { 101, 7592, 2088, 102, 0, 101, 7632, 102, 0, 0, 101, 1037, 102, 1038, 102 }, batch.InputIds);
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, batch.AttentionMask);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 }, batch.TypeIds);
    }

    [Fact]
    public void Explicit_pad_id_and_type_and_empty_batch()
    {
        var tokenizer = Fixtures.Load("bpe-tiny");
        var batch = TokenBatch.Pad([tokenizer.Encode("Hello world"), tokenizer.Encode("")], padId: 1, padTypeId: 3);
        Assert.Equal(1, batch.InputIds[batch.SequenceLength + 2]);
        Assert.Equal(3, batch.TypeIds[batch.SequenceLength + 2]);
        Assert.Equal(0, batch.AttentionMask[batch.SequenceLength + 2]);

        var empty = TokenBatch.Pad([], padId: 0);
        Assert.Equal((0, 0, 0), (empty.BatchSize, empty.SequenceLength, empty.InputIds.Length));
    }
}
