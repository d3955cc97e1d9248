namespace MicroAI.Runtime.Scheduling.Policies;

/// <summary>
/// The default: requests get slots in the order they arrived, each in the free slot whose cache
/// shares the longest prefix with its prompt (<see cref="LongestPrefixSlot"/>). No request waits
/// behind a later one, whatever its length.
/// </summary>
[SchedulingPolicy(Name)]
internal sealed class FirstComeFirstServedPolicy : ISchedulingPolicy
{
    public const string Name = "first-come-first-served";

    public int ChooseNext(ISchedulerView view) => 0;

    public SlotChoice ChooseSlot(ISchedulerView view, ReadOnlySpan<int> prompt) => LongestPrefixSlot.Choose(view, prompt);
}
