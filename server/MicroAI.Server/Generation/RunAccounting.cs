using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;

namespace MicroAI.Server.Generation;

/// <summary>
/// Metrics and the token budget, fed once per run: timing as text arrives, token counts as each
/// choice finishes, and on the way out the tokens of choices that never finished (a client that
/// went away mid-stream still cost them), as their streams count them.
/// One instance per run, used by one reader.
/// </summary>
internal sealed class RunAccounting
{
    private readonly TimeProvider _time;
    private readonly Observability.MicroAIMetrics _metrics;
    private readonly long _started;
    private readonly long[] _last;
    private readonly GenerationStream[] _streams;
    private readonly bool[] _done;
    private readonly int _choicesPerPrompt;
    private readonly RunUsage _usage;
    private readonly Security.TokenUsage? _budget;
    private readonly KeyValuePair<string, object?> _model;
    private bool _first = true;

    public RunAccounting(TimeProvider time, Observability.MicroAIMetrics metrics, long started, GenerationStream[] streams, string model, int choicesPerPrompt,
        RunUsage usage, Security.TokenUsage? budget)
    {
        (_time, _metrics, _started, _streams, _choicesPerPrompt, _usage, _budget) = (time, metrics, started, streams, choicesPerPrompt, usage, budget);
        _last = new long[streams.Length];
        _done = new bool[streams.Length];
        _model = new("model", model);
        budget?.Add(usage.PromptTokens);
    }

    public void Record(int index, GenerationEvent e)
    {
        switch (e.Kind)
        {
            case GenerationEventKind.Text:
                var now = _time.GetTimestamp();
                _usage.Timings?.Output(now);
                if (_first)
                {
                    _first = false;
                    _metrics.TimeToFirstToken.Record(_time.GetElapsedTime(_started, now).TotalSeconds, _model);
                }
                if (_last[index] != 0)
                    _metrics.InterTokenLatency.Record(_time.GetElapsedTime(_last[index], now).TotalSeconds, _model);
                _last[index] = now;
                break;
            case GenerationEventKind.Finished:
                _usage.Timings?.Output(_time.GetTimestamp()); // the last token may end the run without text (end of generation)
                _done[index] = true;
                _metrics.GeneratedTokens.Add(e.Usage.CompletionTokens, _model);
                Generated(e.Usage.CompletionTokens);
                if (index % _choicesPerPrompt == 0)
                {
                    _usage.CachedTokens += e.Usage.CachedPromptTokens;
                    _metrics.PromptTokens.Add(e.Usage.PromptTokens, _model);
                    _metrics.CachedPromptTokens.Add(e.Usage.CachedPromptTokens, _model);
                }
                break;
            case GenerationEventKind.Failed:
                _done[index] = true;
                CutShort(index);
                break;
        }
    }

    /// <summary>Counts what choices cut short (cancelled, disconnected) generated before they stopped.</summary>
    public void Close()
    {
        for (var i = 0; i < _done.Length; i++)
        {
            if (!_done[i])
            {
                _done[i] = true;
                CutShort(i);
            }
        }
    }

    private void Generated(int tokens)
    {
        _usage.CompletionTokens += tokens;
        _budget?.Add(tokens);
    }

    private void CutShort(int choice)
    {
        var tokens = _streams[choice].GeneratedTokens;
        if (tokens == 0)
            return;
        _metrics.GeneratedTokens.Add(tokens, _model);
        _budget?.Add(tokens);
    }
}
