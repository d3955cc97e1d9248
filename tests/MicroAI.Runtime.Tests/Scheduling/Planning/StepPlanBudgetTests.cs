namespace MicroAI.Runtime.Tests.Scheduling.Planning;

/// <summary>The prefill budget in a plan: prompts share a step with streams in chunks; a lone prompt is limited only by the batch.</summary>
public sealed class StepPlanBudgetTests
{
    [Fact]
    public void A_prompt_beside_a_generating_stream_gets_at_most_the_budget()
    {
        var s = new PlanningState(slots: 2);
        s.Generating(slot: 0);
        s.Prefilling(slot: 1, promptLength: 300);

        var plan = s.Planner(batchCapacity: 512, prefillChunkTokens: 128).Plan();

        Assert.Equal(128, plan.PrefillBudget);
        Assert.Equal(1, plan.Generating);
        Assert.Equal(128, plan.PromptTokens);
        Assert.Equal(129, plan.BatchTokens);
    }

    [Fact]
    public void Two_prompts_without_streams_share_one_budget()
    {
        var s = new PlanningState(slots: 2);
        s.Prefilling(slot: 0, promptLength: 100);
        s.Prefilling(slot: 1, promptLength: 100);

        var plan = s.Planner(batchCapacity: 512, prefillChunkTokens: 128).Plan();

        Assert.Equal([100, 28], plan.Slices.ToArray().Select(x => x.Tokens));
        Assert.Equal(128, plan.PromptTokens);
    }

    [Fact]
    public void A_lone_prompt_is_limited_only_by_the_batch()
    {
        var s = new PlanningState(slots: 2);
        s.Prefilling(slot: 1, promptLength: 1000, done: 200);

        var plan = s.Planner(batchCapacity: 512, prefillChunkTokens: 128).Plan();

        Assert.Equal(int.MaxValue, plan.PrefillBudget);
        var slice = Assert.Single(plan.Slices.ToArray());
        Assert.Equal((1, false, 200, 512, false), (slice.Slot, slice.IsGenerated, slice.Position, slice.Tokens, slice.WantsLogits));
    }

    [Fact]
    public void Choices_waiting_to_copy_a_lone_prompt_leave_it_unlimited()
    {
        var s = new PlanningState(slots: 3);
        var leader = s.Prefilling(slot: 0, promptLength: 300);
        s.Prefilling(slot: 1, promptLength: 300, leader: leader);
        s.Prefilling(slot: 2, promptLength: 300, leader: leader);

        var plan = s.Planner(batchCapacity: 512, prefillChunkTokens: 128).Plan();

        Assert.Equal(int.MaxValue, plan.PrefillBudget);
        var slice = Assert.Single(plan.Slices.ToArray());
        Assert.Equal((0, 300, true), (slice.Slot, slice.Tokens, slice.WantsLogits));
    }

    [Fact]
    public void A_budget_of_zero_means_only_the_batch_limits_prompts()
    {
        var s = new PlanningState(slots: 2);
        s.Generating(slot: 0);
        s.Prefilling(slot: 1, promptLength: 300);

        var plan = s.Planner(batchCapacity: 64, prefillChunkTokens: 0).Plan();

        Assert.Equal(int.MaxValue, plan.PrefillBudget);
        Assert.Equal(63, plan.PromptTokens);
        Assert.Equal(64, plan.BatchTokens);
    }

    [Fact]
    public void Planning_changes_nothing_in_the_state()
    {
        var s = new PlanningState(slots: 2);
        var stream = s.Generating(slot: 0, position: 40);
        var prompt = s.Prefilling(slot: 1, promptLength: 300, done: 10);
        var planner = s.Planner(batchCapacity: 512, prefillChunkTokens: 128);

        var first = planner.Plan().Slices.ToArray();
        var second = planner.Plan().Slices.ToArray();

        Assert.Equal(first, second);
        Assert.Equal((40, 40, 10, 10), (stream.Position, stream.PromptDone, prompt.Position, prompt.PromptDone));
        Assert.Equal([prompt], s.State.Prefilling);
    }
}
