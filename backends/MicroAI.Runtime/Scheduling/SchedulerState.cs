using System.Runtime.InteropServices;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// What one scheduler holds between steps: the waiting requests, the slots and what each slot's KV
/// cache holds. Read and written by the scheduler's thread only; policies see it through
/// <see cref="ISchedulerView"/> and the planner reads it, neither writes it.
/// </summary>
internal sealed class SchedulerState : ISchedulerView
{
    public SchedulerState(int slots, int waitingCapacity = 0)
    {
        Slots = new Sequence?[slots];
        SlotTokens = new List<int>[slots];
        for (var i = 0; i < slots; i++)
            SlotTokens[i] = [];
        SlotLastUsed = new long[slots];
        Waiting = new List<Sequence>(waitingCapacity);
        Prefilling = new List<Sequence>(slots);
    }

    public Sequence?[] Slots { get; }

    /// <summary>
    /// What each slot's KV cache holds, position by position; kept after its sequence finishes so
    /// the next request with the same prefix (the next turn of a chat) decodes only what is new.
    /// </summary>
    public List<int>[] SlotTokens { get; }

    /// <summary>Value of <see cref="UseClock"/> when each slot was last taken (least recently used eviction).</summary>
    public long[] SlotLastUsed { get; }

    public long UseClock { get; set; }

    /// <summary>Requests taken off the submission queue, not admitted yet, in arrival order.</summary>
    public List<Sequence> Waiting { get; }

    /// <summary>Admitted sequences whose prompt is not fully in the cache yet, oldest admission first.</summary>
    public List<Sequence> Prefilling { get; }

    /// <summary>Requests admitted into a slot so far (the clock of <see cref="ISchedulerView.AdmissionsWaited"/>).</summary>
    public long Admissions { get; set; }

    /// <summary>Still has prompt to decode and still holds its slot (not released, cancelled or failed since admission).</summary>
    public bool IsPrefillingInItsSlot(Sequence seq) => seq.IsPrefilling && seq.Slot >= 0 && Slots[seq.Slot] == seq;

    public int FreeSlots()
    {
        var n = 0;
        foreach (var s in Slots)
        {
            if (s is null)
                n++;
        }
        return n;
    }

    public int WaitingCount => Waiting.Count;
    public int WaitingPromptLength(int index) => Waiting[index].Prompt.Length;
    public long AdmissionsWaited(int index) => Admissions - Waiting[index].WaitingSince;
    public int SlotCount => Slots.Length;
    public bool IsSlotFree(int slot) => Slots[slot] is null;
    public ReadOnlySpan<int> CachedTokens(int slot) => CollectionsMarshal.AsSpan(SlotTokens[slot]);
    public long LastUsed(int slot) => SlotLastUsed[slot];
}
