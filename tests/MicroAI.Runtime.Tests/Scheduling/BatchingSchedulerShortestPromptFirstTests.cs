using MicroAI.Runtime.Scheduling;
using MicroAI.Runtime.Scheduling.Policies;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>The scheduler under the shortest-prompt-first policy: short prompts overtake long ones, within the starvation bound.</summary>
public sealed class BatchingSchedulerShortestPromptFirstTests
{
    [Fact]
    public async Task Waiting_requests_are_admitted_shortest_prompt_first()
    {
        await using var h = new SchedulerHarness(slots: 1, policy: ShortestPromptFirstPolicy.Name);
        h.Decoder.Pause();
        var first = h.Start(SchedulerHarness.Request([100], maxTokens: 2));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first request took the slot");
        var waiting = new[]
        {
            h.Start(SchedulerHarness.Request([.. Enumerable.Range(300, 9)], maxTokens: 2)),
            h.Start(SchedulerHarness.Request([200], maxTokens: 2)),
            h.Start(SchedulerHarness.Request([400, 401, 402], maxTokens: 2)),
        };
        h.Decoder.Resume();

        await first.CollectAsync();
        foreach (var w in waiting)
            await w.CollectAsync();

        Assert.Equal([100, 200, 400, 300], FirstTokensInDecodeOrder(h));
    }

    [Fact]
    public async Task A_long_prompt_gets_in_after_the_bound_of_admissions()
    {
        await using var h = new SchedulerHarness(slots: 1, policy: ShortestPromptFirstPolicy.Name);
        h.Decoder.Pause();
        var first = h.Start(SchedulerHarness.Request([100], maxTokens: 2));
        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 1, "the first request took the slot");
        var streams = new List<GenerationStream> { h.Start(SchedulerHarness.Request([.. Enumerable.Range(300, 9)], maxTokens: 2)) };
        var shortPrompts = ShortestPromptFirstPolicy.MaxAdmissionsWaited + 2;
        for (var i = 0; i < shortPrompts; i++)
            streams.Add(h.Start(SchedulerHarness.Request([200 + i], maxTokens: 2)));
        h.Decoder.Resume();

        await first.CollectAsync();
        foreach (var s in streams)
            await s.CollectAsync();

        // The long prompt waits through exactly the bound of admissions, then goes before the remaining short ones.
        var bound = ShortestPromptFirstPolicy.MaxAdmissionsWaited;
        int[] expected = [100, .. Enumerable.Range(200, bound), 300, .. Enumerable.Range(200 + bound, shortPrompts - bound)];
        Assert.Equal(expected, FirstTokensInDecodeOrder(h));
    }

    /// <summary>Each request's first prompt token, in the order the decoder saw them (= the order of admission with one slot).</summary>
    private static List<int> FirstTokensInDecodeOrder(SchedulerHarness h) =>
        [.. h.Decoder.Batches.SelectMany(b => b).Select(e => e.Token).Where(t => t == 100 || t is >= 200 and < 220 || t == 300 || t == 400).Distinct()];
}
