namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// Admission for one scheduler: which waiting request gets the next free slot, and which free slot.
/// Called on the scheduler's thread only, once per admission (not per decode step), so a policy
/// may take O(waiting + slots). It decides; the scheduler applies (trims the cache, creates the
/// sampler). Chosen by name with <c>MicroAI:SchedulingPolicy</c>; see <see cref="Policies.SchedulingPolicies"/>.
/// </summary>
internal interface ISchedulingPolicy
{
    /// <summary>Index of the waiting request to admit next; <paramref name="view"/> has at least one waiting and one free slot.</summary>
    int ChooseNext(ISchedulerView view);

    /// <summary>The free slot for <paramref name="prompt"/> and how many of its tokens that slot's cache already holds.</summary>
    SlotChoice ChooseSlot(ISchedulerView view, ReadOnlySpan<int> prompt);
}

/// <param name="Slot">A free slot.</param>
/// <param name="Prefix">Leading prompt tokens the slot's cache holds already (kept, not decoded again).</param>
internal readonly record struct SlotChoice(int Slot, int Prefix);
