using System.Collections.Concurrent;
using MicroAI.Backends.Abstractions;

namespace MicroAI.Server.Generation;

/// <summary>
/// Conversations of stored responses, for <c>previous_response_id</c>: in memory, the most recent
/// <see cref="Capacity"/> responses (a local server restarts cleanly with nothing persisted;
/// a client that needs history across restarts sends the whole input).
/// </summary>
internal sealed class ResponseStore
{
    public const int Capacity = 1000;

    private readonly ConcurrentDictionary<string, IReadOnlyList<ChatTurn>> _conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Save(string id, IReadOnlyList<ChatTurn> conversation)
    {
        _conversations[id] = conversation;
        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
            _conversations.TryRemove(old, out _);
    }

    public IReadOnlyList<ChatTurn>? Find(string id) => _conversations.TryGetValue(id, out var c) ? c : null;
}
