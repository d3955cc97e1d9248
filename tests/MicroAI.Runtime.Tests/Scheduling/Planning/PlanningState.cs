using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;

namespace MicroAI.Runtime.Tests.Scheduling.Planning;

/// <summary>
/// A scheduler's state built by hand (no model, no decoder, no thread), to plan steps from and to
/// show policies: sequences placed in slots as admission would leave them.
/// </summary>
internal sealed class PlanningState
{
    public PlanningState(int slots) => State = new SchedulerState(slots);

    public SchedulerState State { get; }

    public StepPlanner Planner(int batchCapacity = 64, int prefillChunkTokens = 128) => new(State, batchCapacity, prefillChunkTokens);

    /// <summary>A sequence past its prompt in <paramref name="slot"/>, with a sampled token to decode at <paramref name="position"/>.</summary>
    public Sequence Generating(int slot, int position = 10)
    {
        var seq = Place(slot, promptLength: position);
        seq.PromptDone = seq.Position = position;
        seq.PendingToken = 7;
        return seq;
    }

    /// <summary>A sequence admitted into <paramref name="slot"/> (after the ones placed before) with <paramref name="done"/> of its prompt in the cache.</summary>
    public Sequence Prefilling(int slot, int promptLength, int done = 0, Sequence? leader = null)
    {
        var seq = Place(slot, promptLength);
        seq.PromptDone = seq.Position = done;
        seq.Leader = leader;
        State.Prefilling.Add(seq);
        return seq;
    }

    /// <summary>A request waiting for a slot (arrival order = call order) that started waiting at admission <paramref name="since"/>.</summary>
    public Sequence Waiting(int promptLength, long since = 0)
    {
        var seq = NewSequence(promptLength);
        seq.WaitingSince = since;
        State.Waiting.Add(seq);
        return seq;
    }

    /// <summary>The slot's cache holds <paramref name="tokens"/>, last used at <paramref name="lastUsed"/>.</summary>
    public void Cached(int slot, int[] tokens, long lastUsed)
    {
        State.SlotTokens[slot].AddRange(tokens);
        State.SlotLastUsed[slot] = lastUsed;
    }

    private Sequence Place(int slot, int promptLength)
    {
        var seq = NewSequence(promptLength);
        seq.Slot = slot;
        State.Slots[slot] = seq;
        return seq;
    }

    private static Sequence NewSequence(int promptLength) =>
        new(new PreparedPrompt([.. Enumerable.Range(100, promptLength)], []), new GenerateRequest(), maxTokens: 100);
}
