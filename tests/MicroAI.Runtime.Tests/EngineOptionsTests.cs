namespace MicroAI.Runtime.Tests;

public sealed class EngineOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new EngineOptions().Validate());
    }

    [Theory]
    [InlineData(nameof(EngineOptions.ContextSize), -1)]
    [InlineData(nameof(EngineOptions.ParallelSlots), 0)]
    [InlineData(nameof(EngineOptions.ParallelSlots), 257)]
    [InlineData(nameof(EngineOptions.Threads), -1)]
    [InlineData(nameof(EngineOptions.GpuLayers), -2)]
    [InlineData(nameof(EngineOptions.BatchSize), 0)]
    [InlineData(nameof(EngineOptions.BatchSize), 65537)]
    [InlineData(nameof(EngineOptions.MaxQueuedRequests), -1)]
    [InlineData(nameof(EngineOptions.PrefillChunkTokens), -1)]
    public void Out_of_range_values_are_reported_by_name(string property, int value)
    {
        var options = new EngineOptions();
        typeof(EngineOptions).GetProperty(property)!.SetValue(options, value);

        var problem = Assert.Single(options.Validate());

        Assert.Contains("MicroAI:" + property, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Boundary_values_are_accepted()
    {
        var options = new EngineOptions { ContextSize = 0, ParallelSlots = 256, Threads = 0, GpuLayers = -1, BatchSize = 65536, MaxQueuedRequests = 0, PrefillChunkTokens = 0 };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void An_unknown_scheduling_policy_is_reported_with_the_known_names()
    {
        var options = new EngineOptions { SchedulingPolicy = "priority-by-mood" };

        var problem = Assert.Single(options.Validate());

        Assert.Contains("MicroAI:SchedulingPolicy 'priority-by-mood'", problem, StringComparison.Ordinal);
        Assert.Contains("first-come-first-served", problem, StringComparison.Ordinal);
        Assert.Contains("shortest-prompt-first", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first-come-first-served")]
    [InlineData("shortest-prompt-first")]
    [InlineData("Shortest-Prompt-First")]
    public void Known_scheduling_policies_are_accepted(string name)
    {
        Assert.Empty(new EngineOptions { SchedulingPolicy = name }.Validate());
    }
}
