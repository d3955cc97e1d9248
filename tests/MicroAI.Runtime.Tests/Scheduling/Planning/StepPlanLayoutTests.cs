namespace MicroAI.Runtime.Tests.Scheduling.Planning;

/// <summary>Which slots a plan serves and in what order: oldest prompt first for the budget, slot order for the batch.</summary>
public sealed class StepPlanLayoutTests
{
    [Fact]
    public void The_oldest_admitted_prompt_gets_the_budget_first_whatever_its_slot()
    {
        var s = new PlanningState(slots: 3);
        s.Generating(slot: 0);
        s.Prefilling(slot: 2, promptLength: 100); // admitted first
        s.Prefilling(slot: 1, promptLength: 100);

        var plan = s.Planner(batchCapacity: 512, prefillChunkTokens: 128).Plan();

        Assert.Equal([(0, 1), (1, 28), (2, 100)], plan.Slices.ToArray().Select(x => (x.Slot, x.Tokens)));
    }

    [Fact]
    public void Slices_are_laid_out_in_slot_order_with_prompts_between_streams()
    {
        var s = new PlanningState(slots: 4);
        s.Generating(slot: 0, position: 5);
        s.Prefilling(slot: 1, promptLength: 10, done: 3);
        s.Generating(slot: 2, position: 8);
        s.Generating(slot: 3, position: 9);

        var plan = s.Planner(batchCapacity: 64, prefillChunkTokens: 128).Plan();

        Assert.Equal(
            [new(0, true, 5, 1, true), new(1, false, 3, 7, true), new(2, true, 8, 1, true), new(3, true, 9, 1, true)],
            plan.Slices.ToArray());
    }

    [Fact]
    public void Streams_beyond_the_batch_wait_and_prompts_get_nothing()
    {
        var s = new PlanningState(slots: 4);
        s.Generating(slot: 0);
        s.Prefilling(slot: 1, promptLength: 10);
        s.Generating(slot: 2);
        s.Generating(slot: 3);

        var plan = s.Planner(batchCapacity: 2, prefillChunkTokens: 128).Plan();

        Assert.Equal([0, 2], plan.Slices.ToArray().Select(x => x.Slot));
        Assert.Equal(3, plan.Generating);
        Assert.Equal(0, plan.PromptTokens);
    }

    [Fact]
    public void A_choice_whose_leader_left_prefills_on_its_own()
    {
        var s = new PlanningState(slots: 3);
        var leader = s.Prefilling(slot: 0, promptLength: 20);
        s.Prefilling(slot: 1, promptLength: 20, leader: leader);
        s.State.Slots[0] = null; // the leader was cancelled

        var plan = s.Planner().Plan();

        var slice = Assert.Single(plan.Slices.ToArray());
        Assert.Equal((1, 20), (slice.Slot, slice.Tokens));
    }

    [Fact]
    public void Only_the_chunk_that_ends_a_prompt_wants_logits()
    {
        var s = new PlanningState(slots: 2);
        s.Generating(slot: 0);
        s.Prefilling(slot: 1, promptLength: 200, done: 100);
        var planner = s.Planner(batchCapacity: 512, prefillChunkTokens: 64);

        var middle = planner.Plan().Slices[1];
        s.State.Slots[1]!.PromptDone = s.State.Slots[1]!.Position = 140;
        var last = planner.Plan().Slices[1];

        Assert.Equal((100, 64, false), (middle.Position, middle.Tokens, middle.WantsLogits));
        Assert.Equal((140, 60, true), (last.Position, last.Tokens, last.WantsLogits));
    }
}
