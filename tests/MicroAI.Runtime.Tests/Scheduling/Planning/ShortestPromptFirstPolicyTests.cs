using MicroAI.Runtime.Scheduling.Policies;

namespace MicroAI.Runtime.Tests.Scheduling.Planning;

/// <summary>The shortest-prompt-first policy's choice, shown a hand-built state: shortest first, ties and starving requests oldest first.</summary>
public sealed class ShortestPromptFirstPolicyTests
{
    private readonly ShortestPromptFirstPolicy _policy = new();

    [Fact]
    public void The_shortest_waiting_prompt_goes_first()
    {
        var s = new PlanningState(slots: 1);
        s.Waiting(promptLength: 50);
        s.Waiting(promptLength: 5);
        s.Waiting(promptLength: 20);

        Assert.Equal(1, _policy.ChooseNext(s.State));
    }

    [Fact]
    public void Equal_lengths_go_in_arrival_order()
    {
        var s = new PlanningState(slots: 1);
        s.Waiting(promptLength: 50);
        s.Waiting(promptLength: 5);
        s.Waiting(promptLength: 5);

        Assert.Equal(1, _policy.ChooseNext(s.State));
    }

    [Fact]
    public void A_long_prompt_goes_next_once_it_has_waited_through_the_bound()
    {
        var s = new PlanningState(slots: 1);
        s.Waiting(promptLength: 500, since: 0);
        s.Waiting(promptLength: 5, since: 3);
        s.State.Admissions = ShortestPromptFirstPolicy.MaxAdmissionsWaited - 1;
        var before = _policy.ChooseNext(s.State);
        s.State.Admissions = ShortestPromptFirstPolicy.MaxAdmissionsWaited;

        Assert.Equal(1, before);
        Assert.Equal(0, _policy.ChooseNext(s.State));
    }

    [Fact]
    public void The_default_policy_takes_the_oldest_whatever_its_length()
    {
        var s = new PlanningState(slots: 1);
        s.Waiting(promptLength: 500);
        s.Waiting(promptLength: 5);

        Assert.Equal(0, new FirstComeFirstServedPolicy().ChooseNext(s.State));
    }
}
