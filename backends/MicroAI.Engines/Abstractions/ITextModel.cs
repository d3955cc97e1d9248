namespace MicroAI.Engines.Abstractions;

/// <summary>
/// A loaded text-generation model, as an engine exposes it to the scheduler. Preparing a prompt
/// (template rendering, tokenization) is thread-safe and runs on the request's thread; decoding
/// happens only through the <see cref="IBatchDecoder"/> the scheduler owns.
/// </summary>
public interface ITextModel : IDisposable
{
    TextModelInfo Info { get; }

    /// <summary>Renders and tokenizes the request's prompt; returns an error instead of throwing.</summary>
    GenerationError? TryPreparePrompt(GenerateRequest request, out PreparedPrompt prompt);

    /// <summary>The chat prompt as text, as it would be tokenized (for /apply-template); an error instead of throwing.</summary>
    GenerationError? TryRenderChat(GenerateRequest request, out string prompt)
    {
        prompt = string.Empty;
        return new GenerationError(GenerationErrorCode.InvalidPrompt, "This model cannot show its rendered chat prompt.", RequestPart.Model);
    }

    /// <summary>Token ids of a text (thread-safe); <paramref name="addSpecial"/> adds BOS/EOS as the model wants.</summary>
    int[] Tokenize(string text, bool addSpecial, bool parseSpecial) => throw new NotSupportedException("This model cannot tokenize.");

    /// <summary>The bytes one token stands for (a token may hold part of a UTF-8 character).</summary>
    byte[] TokenBytes(int token) => throw new NotSupportedException("This model cannot detokenize.");

    /// <summary>Creates the context the scheduler decodes with (one per loaded model).</summary>
    IBatchDecoder CreateDecoder(DecoderOptions options);
}

/// <summary>Prompt tokens plus stop strings implied by the chat format.</summary>
public sealed record PreparedPrompt(int[] Tokens, IReadOnlyList<string> FormatStops)
{
    public static PreparedPrompt Empty { get; } = new([], []);
}

public sealed record TextModelInfo(
    string Id,
    string Description,
    int TrainingContextLength,
    int EmbeddingLength,
    int VocabularySize,
    ulong ParameterCount,
    ulong SizeBytes,
    string ChatFormat)
{
    /// <summary>The chat template's text when it is Jinja (decides how tool calls are read back); null otherwise.</summary>
    public string? ChatTemplate { get; init; }
}

public sealed record DecoderOptions(int Slots, int ContextPerSlot, int BatchSize, int Threads);

/// <summary>
/// One engine context with <see cref="SlotCount"/> independent sequences. The caller fills a batch
/// with tokens of any sequences, decodes it once, then samples each sequence from its output row.
/// Not thread-safe: the scheduler's loop is its only user.
/// </summary>
public interface IBatchDecoder : IDisposable
{
    int SlotCount { get; }
    int SlotContextSize { get; }
    /// <summary>Most tokens one <see cref="Decode"/> call accepts.</summary>
    int BatchCapacity { get; }

    /// <summary>Forgets everything the slot's cache holds.</summary>
    void ClearSlot(int slot);

    /// <summary>
    /// Keeps the slot's first <paramref name="keep"/> positions and forgets the rest; false when the
    /// engine cannot cut a sequence there (the slot is then cleared). Default: clear, reuse nothing.
    /// </summary>
    bool TrimSlot(int slot, int keep)
    {
        ClearSlot(slot);
        return keep == 0;
    }

    /// <summary>Makes <paramref name="destination"/> hold exactly what <paramref name="source"/> holds (n choices share one prefill); false when the engine cannot.</summary>
    bool CopySlot(int source, int destination) => false;

    /// <summary>The slot's cache as bytes (for a host-RAM prompt cache); null when the engine cannot.</summary>
    byte[]? SaveSlot(int slot) => null;

    /// <summary>Loads bytes from <see cref="SaveSlot"/> into a slot (replacing what it held); false on failure (slot cleared).</summary>
    bool RestoreSlot(int slot, ReadOnlySpan<byte> state)
    {
        ClearSlot(slot);
        return false;
    }

    void ClearBatch();
    /// <summary>Adds a token; returns its index in the batch (used to sample from its logits).</summary>
    int AddToBatch(int token, int slot, int position, bool wantLogits);
    int BatchCount { get; }
    /// <summary>Decodes the batch; returns null on success or an error.</summary>
    GenerationError? Decode();

    ITokenSampler CreateSampler(SamplingParameters parameters);
    bool IsEndOfGeneration(int token);

    /// <summary>The logits of a batch entry decoded with wantLogits (vocabulary-sized); empty when the engine cannot expose them.</summary>
    ReadOnlySpan<float> GetLogits(int batchIndex) => default;
    /// <summary>Writes the token's text bytes; returns the count, or the negated size needed.</summary>
    int TokenToPiece(int token, Span<byte> destination);
}

/// <summary>A per-sequence sampler chain (own seed, own penalty history).</summary>
public interface ITokenSampler : IDisposable
{
    /// <summary>Samples (and accepts) a token from the logits of batch entry <paramref name="batchIndex"/>.</summary>
    int Sample(int batchIndex);
}
