using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Tools;

/// <summary>
/// The server with stories260K configured as a new user would give a chat model its template:
/// "stories-chatml" is the same file with Qwen 2.5's real Jinja template, which offers tools.
/// </summary>
public sealed class ToolCallingServerFixture : ServerFixture
{
    public const string Model = "stories-chatml";

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--MicroAI:Models:{Model}:Path={TestPaths.Stories260K}",
        $"--MicroAI:Models:{Model}:ChatTemplate={Path.Combine(TestPaths.SharedModels, "..", "chat-templates", "Qwen-Qwen2.5-7B-Instruct.jinja")}",
    ];
}

[CollectionDefinition(Name)]
public sealed class ToolCallingCollection : ICollectionFixture<ToolCallingServerFixture>
{
    public const string Name = "tool-calling server";
}
