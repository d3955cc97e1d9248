using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>
/// The server with stories260K as its default and, configured by path beside it, corrupt GGUF and ONNX
/// files (<see cref="HostileModelFiles"/>) named "bad-gguf-{case}" and "bad-onnx-{case}".
/// </summary>
public sealed class CorruptModelsServerFixture : ServerFixture
{
    private readonly string _root = Directory.CreateTempSubdirectory("microai-corrupt-models-").FullName;

    public CorruptModelsServerFixture()
    {
        foreach (var (name, bytes) in HostileModelFiles.Gguf())
        {
            var path = Path.Combine(_root, name + ".gguf");
            File.WriteAllBytes(path, bytes);
            Models.Add(("bad-gguf-" + name, path));
        }
        foreach (var (name, bytes) in HostileModelFiles.Onnx())
        {
            var folder = Directory.CreateDirectory(Path.Combine(_root, "onnx-" + name)).FullName;
            File.WriteAllBytes(Path.Combine(folder, "model.onnx"), bytes);
            Models.Add(("bad-onnx-" + name, Path.Combine(folder, "model.onnx")));
        }
    }

    internal List<(string Id, string Path)> Models { get; } = [];

    protected override IEnumerable<string> ExtraArguments => Models.Select(m => $"--MicroAI:Models:{m.Id}:Path={m.Path}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
