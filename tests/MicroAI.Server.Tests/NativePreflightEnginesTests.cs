using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.Server.Hosting;

namespace MicroAI.Server.Tests;

/// <summary>The start-up check asks every registered engine, in order: their reports make one line, the first problem stops the server.</summary>
public sealed class NativePreflightEnginesTests
{
    [Fact]
    public void The_engines_reports_are_joined_in_registration_order()
    {
        var result = NativePreflight.Check([new Checked("first", null), new Checked("", null), new Checked("second", null)]);

        Assert.Null(result.Problem);
        Assert.Equal("first; second", result.Report);
    }

    [Fact]
    public void The_first_engine_with_a_problem_stops_the_start_with_its_line()
    {
        var later = new Checked("later", "later problem");

        var result = NativePreflight.Check([new Checked("fine", null), new Checked("", "MicroAI cannot start: broken"), later]);

        Assert.Equal("MicroAI cannot start: broken", result.Problem);
        Assert.False(later.Asked);
    }

    private sealed class Checked(string report, string? problem) : IModelEngine
    {
        public bool Asked { get; private set; }
        public string Name => "checked";
        public bool CanServe(ModelEntry entry, ModelCapability capability) => false;

        public EnginePreflight Preflight()
        {
            Asked = true;
            return new(report, problem);
        }
    }
}
