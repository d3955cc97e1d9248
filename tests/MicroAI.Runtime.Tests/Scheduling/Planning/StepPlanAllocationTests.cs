namespace MicroAI.Runtime.Tests.Scheduling.Planning;

/// <summary>Planning runs every step of the hot loop: it reuses one plan and allocates nothing.</summary>
public sealed class StepPlanAllocationTests
{
    [Fact]
    public void Planning_a_step_allocates_nothing()
    {
        var s = new PlanningState(slots: 8);
        for (var slot = 0; slot < 6; slot++)
            s.Generating(slot);
        var leader = s.Prefilling(slot: 6, promptLength: 400);
        s.Prefilling(slot: 7, promptLength: 400, leader: leader);
        var planner = s.Planner(batchCapacity: 512, prefillChunkTokens: 128);
        planner.Plan();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var batchTokens = 0;
        for (var i = 0; i < 1000; i++)
            batchTokens += planner.Plan().BatchTokens;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000 * (6 + 128), batchTokens);
        Assert.Equal(0, allocated);
    }
}
