namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>Waiting requests get slots in arrival order.</summary>
public sealed class BatchingSchedulerFairnessTests
{
    [Fact]
    public async Task Queued_requests_are_admitted_first_come_first_served()
    {
        await using var h = new SchedulerHarness(slots: 1);
        h.Decoder.Pause();
        var first = h.Start(SchedulerHarness.Request([100], maxTokens: 2));
        var waiting = Enumerable.Range(0, 5).Select(i => h.Start(SchedulerHarness.Request([200 + i], maxTokens: 2))).ToList();
        h.Decoder.Resume();

        await first.CollectAsync();
        foreach (var w in waiting)
            await w.CollectAsync();

        // The order in which each prompt's token reached the decoder is the order of submission.
        var order = h.Decoder.Batches.SelectMany(b => b).Select(e => e.Token).Where(t => t >= 100 && t < 300).Distinct().ToList();
        Assert.Equal([100, 200, 201, 202, 203, 204], order);
    }
}
