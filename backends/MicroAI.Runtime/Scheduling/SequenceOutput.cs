using System.Threading.Channels;
using MicroAI.Engines.Abstractions;
using MicroAI.TextFormats.Text;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// What one sequence sends its reader: sampled tokens become text (UTF-8 assembled across tokens,
/// held back while it may be the start of a stop string), each piece carrying the logprobs of the
/// tokens it holds, then one Finished or Failed event. Scheduler thread only; the reader is the
/// request's thread.
/// </summary>
internal sealed class SequenceOutput
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = true,
        AllowSynchronousContinuations = false,
    });
    private readonly StopSequenceMatcher _stops;
    private readonly Utf8Assembler _utf8 = new();
    // Logprobs of tokens whose text has not been released yet (UTF-8 assembly, stop-string holdback).
    private List<TokenLogprob>? _pendingLogprobs;
    private int _tokens;

    public SequenceOutput(IEnumerable<string> stops) => _stops = new StopSequenceMatcher(stops);

    public ChannelReader<GenerationEvent> Events => _events.Reader;

    /// <summary>
    /// Tokens appended so far, readable from any thread: what a request cancelled before its
    /// Finished event still cost (its pieces undercount it: a piece can hold several tokens).
    /// </summary>
    public int Tokens => Volatile.Read(ref _tokens);

    /// <summary>Records the token's log-probability (and <paramref name="top"/> alternatives); it goes out with the text the token completes.</summary>
    public void AddLogprob(ReadOnlySpan<float> logits, int token, int top, TokenPieces pieces) =>
        (_pendingLogprobs ??= []).Add(LogprobCalculator.Compute(logits, token, top, pieces.PieceOf));

    /// <summary>Appends a generated token's bytes; true when a stop string has now matched (the sequence ends).</summary>
    public bool Append(ReadOnlySpan<byte> piece)
    {
        Volatile.Write(ref _tokens, _tokens + 1);
        var text = _utf8.Append(piece);
        if (text.Length == 0)
            return false;
        var release = _stops.Process(text);
        if (release.Length > 0)
            _events.Writer.TryWrite(GenerationEvent.Piece(release, TakeLogprobs()));
        return _stops.IsStopped;
    }

    /// <summary>Releases what was held back (an incomplete character, a partial stop string), then the Finished event.</summary>
    public void Finish(FinishReason reason, GenerationUsage usage)
    {
        var tail = _stops.Process(_utf8.Flush());
        tail += _stops.Flush();
        if (tail.Length > 0)
            _events.Writer.TryWrite(GenerationEvent.Piece(tail, TakeLogprobs()));
        _events.Writer.TryWrite(GenerationEvent.Finish(reason, usage, _stops.Matched));
    }

    public void Fail(GenerationError error) => _events.Writer.TryWrite(GenerationEvent.Fail(error));

    /// <summary>Ends the stream; a stream ended without Finished or Failed was cancelled.</summary>
    public void Complete() => _events.Writer.TryComplete();

    private List<TokenLogprob>? TakeLogprobs()
    {
        var taken = _pendingLogprobs;
        _pendingLogprobs = null;
        return taken;
    }
}
