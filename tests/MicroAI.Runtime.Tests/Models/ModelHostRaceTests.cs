using MicroAI.Runtime.Models;

namespace MicroAI.Runtime.Tests.Models;

/// <summary>Loads, leases, sweeps and unloads racing each other.</summary>
public sealed class ModelHostRaceTests
{
    [Fact]
    public async Task Concurrent_lookups_sweeps_and_unloads_never_fail_and_never_unload_a_leased_model_by_themselves()
    {
        var time = new ManualTimeProvider();
        await using var host = ModelHostTests.CreateHost(new EngineOptions { KeepAlive = "0", MemoryBudgetMiB = 80 }, time, null,
            ModelHostTests.Entry("a"), ModelHostTests.Entry("b"), ModelHostTests.Entry("c"));
        var violations = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        async Task UseModels(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var lookup = await host.GetTextModelAsync(((char)('a' + random.Next(3))).ToString(), CancellationToken.None);
                if (lookup.Model is not { } model)
                    continue; // NoCapacity while the others are leased is a valid answer
                using (lookup.Lease)
                {
                    await Task.Yield();
                    // Only sweeps and budget evictions run here: a leased model must still be loaded.
                    if (!host.Loaded.Contains(model))
                        Interlocked.Increment(ref violations);
                }
            }
        }

        async Task Sweep()
        {
            while (!stop.IsCancellationRequested)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await host.SweepAsync();
                await Task.Delay(1);
            }
        }

        await Task.WhenAll(UseModels(1), UseModels(2), UseModels(3), Sweep()).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, violations);
        Assert.All(host.Loaded, m => Assert.Equal(0, m.ActiveLeases));
        Assert.True(host.Loaded.Sum(m => m.EstimatedBytes) <= 80L << 20);
    }
}
