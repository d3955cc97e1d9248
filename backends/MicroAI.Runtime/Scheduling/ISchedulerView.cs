namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// What a <see cref="ISchedulingPolicy"/> may look at when it decides: the waiting requests in
/// arrival order and the slots with what their KV caches hold. Read-only, valid only during the
/// call on the scheduler's thread.
/// </summary>
internal interface ISchedulerView
{
    int WaitingCount { get; }

    /// <summary>Prompt tokens of the waiting request at <paramref name="index"/> (0 = the oldest).</summary>
    int WaitingPromptLength(int index);

    /// <summary>How many requests were admitted while the one at <paramref name="index"/> waited (for starvation bounds).</summary>
    long AdmissionsWaited(int index);

    int SlotCount { get; }

    bool IsSlotFree(int slot);

    /// <summary>The tokens the slot's KV cache holds, position by position (kept after its sequence left).</summary>
    ReadOnlySpan<int> CachedTokens(int slot);

    /// <summary>When the slot was last taken, on a clock that only grows: lower is less recently used.</summary>
    long LastUsed(int slot);
}
