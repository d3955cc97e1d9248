using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>A running server sees models the CLI adds to the same registry, without a restart.</summary>
public sealed class CliServerSharingTests
{
    [Fact]
    public async Task ModelImportedByTheCli_IsListedAndServedByTheRunningServer()
    {
        using var data = new TempDataDirectory();
        await using var server = await RegistryTestServer.StartAsync(data.Path);
        Assert.DoesNotContain("late:latest", await server.ModelIdsAsync());

        var import = await MicroAICli.RunAsync(data.Path, "import", StoriesFile.Path, "--name", "late", "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal("late:latest", (string?)import.Json["model"]);

        Assert.Contains("late:latest", await server.ModelIdsAsync());
        var completion = await server.GreedyCompletionAsync("late");
        Assert.Equal(TestPaths.OnceUponATimeGreedy, (string?)completion["choices"]![0]!["text"]);
        Assert.Equal("late:latest", (string?)completion["model"]);
    }
}

/// <summary>
/// A model the CLI removes from the registry while the server has it loaded. GET /v1/models stops
/// listing it at once and "name" answers 404, but ModelHost.GetTextModelAsync
/// (backends/MicroAI.Runtime/Models/ModelHost.cs) first looks the requested id up in its cache of
/// loaded models, so "name:tag" keeps being served from the deleted file until a restart (and a
/// model replaced under the same name keeps its old weights the same way).
/// </summary>
public sealed class CliRemoveWhileLoadedTests
{
    [Fact]
    public async Task ModelRemovedByTheCli_IsNoLongerServed_EvenByItsFullId()
    {
        using var data = new TempDataDirectory();
        await using var server = await RegistryTestServer.StartAsync(data.Path);
        var import = await MicroAICli.RunAsync(data.Path, "import", StoriesFile.Path, "--name", "gone", "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        await server.GreedyCompletionAsync("gone:latest"); // loaded now

        var rm = await MicroAICli.RunAsync(data.Path, "rm", "gone");
        Assert.True(rm.ExitCode == 0, rm.ToString());

        Assert.DoesNotContain("gone:latest", await server.ModelIdsAsync());
        foreach (var id in new[] { "gone", "gone:latest" })
        {
            var (response, _, text) = await server.Http.PostJsonAsync("v1/completions", $$"""{"model":"{{id}}","prompt":"Once","max_tokens":2}""");
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.NotFound, $"'{id}' after `microai rm`: {(int)response.StatusCode} {text}");
        }
    }
}
