namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>n choices of one prompt: one prefill, copied to the other slots, each choice sampling with its own sampler.</summary>
public sealed class BatchingSchedulerSharedPrefillTests
{
    [Fact]
    public async Task Identical_prompts_are_prefilled_once_and_copied()
    {
        await using var h = new SchedulerHarness(slots: 3, batchCapacity: 3);
        h.Decoder.SupportsCopy = true;
        for (var seed = 1u; seed <= 3; seed++)
            h.Decoder.Script(seed, [.. $"{seed}ab".Select(c => h.Decoder.Word(c.ToString()))]);
        int[] prompt = [10, 11, 12, 13, 14, 15];

        h.Decoder.Pause();
        var streams = Enumerable.Range(1, 3).Select(i => h.Start(SchedulerHarness.Request(prompt, seed: (uint)i, maxTokens: 3))).ToList();
        h.Decoder.Resume();
        var results = new List<string>();
        foreach (var s in streams)
        {
            var events = await s.CollectAsync();
            results.Add(events.Text());
        }

        Assert.Equal(["1ab", "2ab", "3ab"], results);
        var promptTokensDecoded = h.Decoder.Batches.SelectMany(b => b).Count(e => e.Token >= 10 && e.Token <= 15);
        Assert.Equal(prompt.Length, promptTokensDecoded);
        Assert.Equal(2, h.Decoder.Copies.Count);
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task Without_copy_support_each_choice_prefills_itself()
    {
        await using var h = new SchedulerHarness(slots: 2, batchCapacity: 2);
        int[] prompt = [10, 11, 12, 13];

        h.Decoder.Pause();
        var a = h.Start(SchedulerHarness.Request(prompt, maxTokens: 2));
        var b = h.Start(SchedulerHarness.Request(prompt, maxTokens: 2));
        h.Decoder.Resume();
        await a.CollectAsync();
        await b.CollectAsync();

        Assert.Equal(2 * prompt.Length, h.Decoder.Batches.SelectMany(x => x).Count(e => e.Token >= 10 && e.Token <= 13));
        Assert.Empty(h.Decoder.Violations);
    }
}
