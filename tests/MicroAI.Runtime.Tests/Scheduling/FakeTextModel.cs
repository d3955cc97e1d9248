using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>
/// A text model whose prompts are token ids given by the request (text prompts: one token per
/// character; chat: one token per message). <see cref="FormatStops"/> plays the chat format's stop strings.
/// </summary>
internal sealed class FakeTextModel(string id = "fake", int trainingContext = 2048) : ITextModel
{
    public TextModelInfo Info { get; } = new(id, "fake model", trainingContext, 64, 4096, 1000, 4000, "fake");

    public IReadOnlyList<string> FormatStops { get; set; } = [];

    /// <summary>Creates the decoder for <see cref="CreateDecoder"/>; default: a <see cref="FakeBatchDecoder"/>.</summary>
    public Func<DecoderOptions, IBatchDecoder>? DecoderFactory { get; set; }

    public List<DecoderOptions> DecoderRequests { get; } = [];

    /// <summary>When set, every prompt is refused with this error.</summary>
    public GenerationError? PrepareError { get; set; }

    public bool Disposed { get; private set; }

    public GenerationError? TryPreparePrompt(GenerateRequest request, out PreparedPrompt prompt)
    {
        prompt = PreparedPrompt.Empty;
        if (PrepareError is not null)
            return PrepareError;
        int[] tokens = request.Prompt switch
        {
            _ when request.Messages is { } messages => [.. messages.Select(_ => 50)],
            { Tokens: { } given } => [.. given],
            { Text: { } text } => [.. text.Select(c => (int)c)],
            _ => [],
        };
        prompt = new PreparedPrompt(tokens, FormatStops);
        return null;
    }

    public IBatchDecoder CreateDecoder(DecoderOptions options)
    {
        DecoderRequests.Add(options);
        return DecoderFactory?.Invoke(options) ?? new FakeBatchDecoder(options.Slots, options.ContextPerSlot, options.BatchSize);
    }

    public void Dispose() => Disposed = true;
}
