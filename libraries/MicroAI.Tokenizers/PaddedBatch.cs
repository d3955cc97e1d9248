namespace MicroAI.Tokenizers;

/// <summary>
/// A batch of encodings padded to one length, as ONNX models take them: row-major <c>[BatchSize, SequenceLength]</c>
/// int64 tensors <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c>.
/// </summary>
/// <param name="InputIds">Token ids, pad id after each row's tokens.</param>
/// <param name="AttentionMask">1 for real tokens, 0 for padding.</param>
/// <param name="TypeIds">Segment ids, the pad type id in padding.</param>
/// <param name="BatchSize">Number of rows.</param>
/// <param name="SequenceLength">Length of every row (the longest encoding's length).</param>
public sealed record PaddedBatch(long[] InputIds, long[] AttentionMask, long[] TypeIds, int BatchSize, int SequenceLength);
