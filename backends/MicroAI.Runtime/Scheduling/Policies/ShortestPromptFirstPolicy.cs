namespace MicroAI.Runtime.Scheduling.Policies;

/// <summary>
/// Admits the waiting request with the shortest prompt first (ties: the oldest), so short chat
/// turns queued behind a long document reach their first token sooner: a slot's first step
/// costs about the prompt's length, and the short ones free their slots again sooner.
/// Starvation bound: a request that has watched <see cref="MaxAdmissionsWaited"/> others admitted
/// while it waited goes next, oldest first, whatever its length; so a long prompt waits at most
/// that many admissions, plus one for each older request that hit the bound before it.
/// Slots are chosen as by the default policy (<see cref="LongestPrefixSlot"/>).
/// </summary>
[SchedulingPolicy(Name)]
internal sealed class ShortestPromptFirstPolicy : ISchedulingPolicy
{
    public const string Name = "shortest-prompt-first";

    /// <summary>
    /// 8: one admission per slot of the benchmark configuration (8 slots), i.e. about one answer's
    /// time per slot under steady load, before a long prompt stops yielding to short ones.
    /// </summary>
    public const int MaxAdmissionsWaited = 8;

    public int ChooseNext(ISchedulerView view)
    {
        // Waiting requests are in arrival order, and the oldest has waited through the most admissions.
        if (view.AdmissionsWaited(0) >= MaxAdmissionsWaited)
            return 0;
        var shortest = 0;
        for (var i = 1; i < view.WaitingCount; i++)
        {
            if (view.WaitingPromptLength(i) < view.WaitingPromptLength(shortest))
                shortest = i;
        }
        return shortest;
    }

    public SlotChoice ChooseSlot(ISchedulerView view, ReadOnlySpan<int> prompt) => LongestPrefixSlot.Choose(view, prompt);
}
