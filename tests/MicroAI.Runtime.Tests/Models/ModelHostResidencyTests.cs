using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;

namespace MicroAI.Runtime.Tests.Models;

/// <summary>Keep-alive, the memory budget and pinning. Each fake model is estimated at ~32 MiB (its compute margin).</summary>
public sealed class ModelHostResidencyTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task An_idle_model_is_unloaded_after_its_keep_alive()
    {
        await using var host = ModelHostTests.CreateHost(new EngineOptions { KeepAlive = "5m" }, _time, null, ModelHostTests.Entry("a"));
        using (var lease = (await host.GetTextModelAsync("a", CancellationToken.None)).Lease)
        {
        }

        _time.Advance(TimeSpan.FromMinutes(4));
        await host.SweepAsync();
        Assert.Single(host.Loaded);

        _time.Advance(TimeSpan.FromMinutes(2));
        await host.SweepAsync();
        Assert.Empty(host.Loaded);
    }

    [Fact]
    public async Task A_model_in_use_is_never_unloaded_and_its_idle_time_starts_when_the_request_ends()
    {
        await using var host = ModelHostTests.CreateHost(new EngineOptions { KeepAlive = "1m" }, _time, null, ModelHostTests.Entry("a"));
        var lookup = await host.GetTextModelAsync("a", CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(10));
        await host.SweepAsync();
        Assert.Single(host.Loaded);

        lookup.Lease.Dispose();
        _time.Advance(TimeSpan.FromSeconds(30));
        await host.SweepAsync();
        Assert.Single(host.Loaded);
        _time.Advance(TimeSpan.FromSeconds(31));
        await host.SweepAsync();
        Assert.Empty(host.Loaded);
    }

    [Fact]
    public async Task A_request_keep_alive_overrides_the_default_and_minus_one_means_forever()
    {
        await using var host = ModelHostTests.CreateHost(new EngineOptions { KeepAlive = "1m" }, _time, null, ModelHostTests.Entry("a"), ModelHostTests.Entry("b"));
        (await host.GetTextModelAsync("a", KeepAlive.Forever, CancellationToken.None)).Lease.Dispose();
        (await host.GetTextModelAsync("b", TimeSpan.Zero, CancellationToken.None)).Lease.Dispose();

        await host.SweepAsync();
        _time.Advance(TimeSpan.FromDays(2));
        await host.SweepAsync();

        Assert.Equal(["a"], host.Loaded.Select(m => m.Entry.Id));
    }

    [Fact]
    public async Task Loading_past_the_budget_unloads_the_least_recently_used_idle_model()
    {
        await using var host = ModelHostTests.CreateHost(new EngineOptions { MemoryBudgetMiB = 70, KeepAlive = "-1" }, _time, null,
            ModelHostTests.Entry("a"), ModelHostTests.Entry("b"), ModelHostTests.Entry("c"));
        (await host.GetTextModelAsync("a", CancellationToken.None)).Lease.Dispose();
        _time.Advance(TimeSpan.FromSeconds(1));
        (await host.GetTextModelAsync("b", CancellationToken.None)).Lease.Dispose();
        _time.Advance(TimeSpan.FromSeconds(1));
        (await host.GetTextModelAsync("a", CancellationToken.None)).Lease.Dispose(); // a is now the most recent

        var c = await host.GetTextModelAsync("c", CancellationToken.None);

        Assert.Equal(ModelLookupError.None, c.Error);
        Assert.Equal(["a", "c"], host.Loaded.Select(m => m.Entry.Id).Order());
    }

    [Fact]
    public async Task When_every_resident_model_is_busy_or_pinned_a_new_one_gets_no_capacity()
    {
        var pinned = ModelHostTests.Entry("p", new ModelSettings { Pinned = true });
        await using var host = ModelHostTests.CreateHost(new EngineOptions { MemoryBudgetMiB = 70, KeepAlive = "-1" }, _time, null,
            pinned, ModelHostTests.Entry("busy"), ModelHostTests.Entry("new"));
        (await host.GetTextModelAsync("p", CancellationToken.None)).Lease.Dispose();
        var busy = await host.GetTextModelAsync("busy", CancellationToken.None);

        var refused = await host.GetTextModelAsync("new", CancellationToken.None);

        Assert.Equal(ModelLookupError.NoCapacity, refused.Error);
        Assert.Contains("memory budget", refused.Message, StringComparison.Ordinal);
        busy.Lease.Dispose();
        var accepted = await host.GetTextModelAsync("new", CancellationToken.None);
        Assert.Equal(ModelLookupError.None, accepted.Error);
        Assert.Contains(host.Loaded, m => m.Entry.Id == "p");
    }

    [Fact]
    public async Task The_default_model_is_pinned_unless_configured_otherwise()
    {
        await using var host = ModelHostTests.CreateHost(new EngineOptions { KeepAlive = "0" }, _time, "d", ModelHostTests.Entry("d"));
        (await host.GetTextModelAsync(null, CancellationToken.None)).Lease.Dispose();

        _time.Advance(TimeSpan.FromHours(1));
        await host.SweepAsync();

        Assert.True(Assert.Single(host.Loaded).Pinned);
    }

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("30s", 30)]
    [InlineData("1h30m", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("0", 0)]
    [InlineData("45", 45)]
    public void Keep_alive_parses_ollama_durations(string text, double seconds)
    {
        Assert.True(KeepAlive.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-5m")]
    public void Negative_keep_alive_is_forever(string text)
    {
        Assert.True(KeepAlive.TryParse(text, out var value));
        Assert.Equal(KeepAlive.Forever, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("5d")]
    public void Other_keep_alive_text_is_rejected(string text) => Assert.False(KeepAlive.TryParse(text, out _));
}
