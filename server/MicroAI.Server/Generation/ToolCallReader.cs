using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.Generation;

/// <summary>
/// Reads each choice's tool calls out of its text. Streaming, a filter holds back what may be call
/// markup and lets the rest through as it comes; collecting, the whole text is parsed at the end
/// (and keeps its logprobs, which a held-back stream cannot line up with its pieces).
/// </summary>
internal sealed class ToolCallReader(ToolPlan plan, IToolCallParser parser, int choices, bool streaming)
{
    private readonly ToolCallStreamFilter[]? _filters = streaming
        ? Enumerable.Range(0, choices).Select(_ => new ToolCallStreamFilter(parser, plan.Names)).ToArray() : null;
    private readonly StringBuilder[]? _texts = streaming ? null : Enumerable.Range(0, choices).Select(_ => new StringBuilder()).ToArray();
    private readonly List<TokenLogprob>[] _logprobs = Enumerable.Range(0, choices).Select(_ => new List<TokenLogprob>()).ToArray();

    /// <summary>The text certain to be content, to send now (collecting: nothing until the end).</summary>
    public string Push(int index, GenerationEvent e)
    {
        if (_filters is not null)
            return _filters[index].Push(e.Text!);
        _texts![index].Append(e.Text);
        if (e.Logprobs is { } lp)
            _logprobs[index].AddRange(lp);
        return string.Empty;
    }

    /// <summary>The rest of the content (null when there is none to send) and the calls made (null when none).</summary>
    /// <param name="cut">
    /// The choice ended for length (max_tokens, a full context or the time limit). Then no call is
    /// read and everything held back goes out as text: the generation may have stopped inside a call
    /// (its arguments unfinished) or before a further one, and clients such as Microsoft.Extensions.AI's
    /// FunctionInvokingChatClient invoke every call they get whatever the finish reason says. OpenAI
    /// marks an unfinished call with finish_reason "length"; text is the one shape of it no client runs.
    /// </param>
    public (string? Content, IReadOnlyList<TokenLogprob>? Logprobs, IReadOnlyList<ToolCall>? Calls) Complete(int index, bool cut)
    {
        if (_filters is not null)
        {
            if (cut)
                return (_filters[index].CompleteAsText() is { Length: > 0 } unread ? unread : null, null, null);
            // Complete() parses only what was held back; its content is the rest of the message text.
            var held = _filters[index].Complete();
            return (held.Content is { Length: > 0 } rest ? rest : null, null, held.HasToolCalls ? Chosen(held.ToolCalls) : null);
        }
        var text = _texts![index].ToString();
        var parsed = cut ? null : parser.Parse(text, plan.Names);
        return parsed is { HasToolCalls: true }
            ? (parsed.Content ?? string.Empty, _logprobs[index], Chosen(parsed.ToolCalls))
            : (text, _logprobs[index], null);
    }

    private IReadOnlyList<ToolCall> Chosen(IReadOnlyList<ToolCall> calls) => plan.Parallel ? calls : [calls[0]];
}
