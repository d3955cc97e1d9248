namespace MicroAI.ModelRegistry.Tests;

/// <summary>A fresh folder for model files, deleted afterwards.</summary>
internal sealed class TempModelsDirectory : IDisposable
{
    public TempModelsDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "microai-registry-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a (fake) model file; the catalog only looks at names and sizes.</summary>
    public string Write(string relativePath, int size = 16)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, new byte[size]);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
