using System.Collections.Concurrent;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Server.OpenAI.Responses;

/// <summary>
/// Conversations of stored responses, for <c>previous_response_id</c>: in memory, the most recent
/// <see cref="Capacity"/> responses (a local server restarts cleanly with nothing persisted;
/// a client that needs history across restarts sends the whole input). Each is kept with the API
/// key that made it: on a keyed server another key's id is "not found", as on OpenAI across projects.
/// </summary>
internal sealed class ResponseStore
{
    public const int Capacity = 1000;

    private readonly ConcurrentDictionary<string, (string? Owner, IReadOnlyList<ChatTurn> Turns)> _conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <param name="owner">The API key's id, or null on a server without keys.</param>
    public void Save(string id, string? owner, IReadOnlyList<ChatTurn> conversation)
    {
        _conversations[id] = (owner, conversation);
        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
            _conversations.TryRemove(old, out _);
    }

    /// <summary>Keeps a finished response's conversation (what the model saw, then its answer) if the request asked to store it.</summary>
    public void Save(ResponsesPlan plan, ResponseAnswer answer)
    {
        if (plan.Store)
            Save(plan.Id, plan.Owner, [.. plan.Conversation, new ChatTurn("assistant", answer.MessageText)
            {
                ToolCalls = answer.Calls.Count == 0 ? null : answer.Calls.Select(c => new ChatToolCall(c.Id, c.Name, c.ArgumentsJson)).ToList(),
            }]);
    }

    public IReadOnlyList<ChatTurn>? Find(string id, string? owner) =>
        _conversations.TryGetValue(id, out var c) && string.Equals(c.Owner, owner, StringComparison.Ordinal) ? c.Turns : null;
}
