using System.Diagnostics;
using MicroAI.ModelRegistry.Gguf;
using MicroAI.ModelRegistry.Onnx;
using MicroAI.ModelRegistry.Store;
using MicroAI.ModelRegistry.Tests.Catalog;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Hostile;

/// <summary>
/// Corrupt and hostile model files (<see cref="HostileModelFiles"/>) are refused, fast and with a
/// reason, by the readers, by import (what `microai import` runs) and by the catalog's scan.
/// </summary>
public sealed class HostileModelFileTests : IDisposable
{
    private readonly CatalogTestContext _context = new();

    public void Dispose() => _context.Dispose();

    public static TheoryData<string> GgufNames() => [.. HostileModelFiles.Gguf().Select(f => f.Name)];

    public static TheoryData<string> OnnxNames() => [.. HostileModelFiles.Onnx().Select(f => f.Name)];

    private string WriteGguf(string name, string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".gguf");
        File.WriteAllBytes(path, HostileModelFiles.Gguf().First(f => f.Name == name).Bytes);
        return path;
    }

    /// <summary>An ONNX model folder whose model.onnx is the hostile file; the folder is named after the case.</summary>
    private string WriteOnnxFolder(string name, string parent)
    {
        var folder = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), HostileModelFiles.Onnx().First(f => f.Name == name).Bytes);
        return folder;
    }

    [Theory]
    [MemberData(nameof(GgufNames))]
    public void The_gguf_reader_rejects_it_at_once(string name)
    {
        var path = WriteGguf(name, _context.ModelsDirectory);
        var watch = Stopwatch.StartNew();

        var read = GgufReader.Read(path);

        Assert.False(read.IsSuccess, $"{name} was accepted: {read}");
        Assert.False(string.IsNullOrWhiteSpace(read.Error));
        // Counts near 2^63 must be refused from the header, not by trying to allocate or read them.
        Assert.True(watch.ElapsedMilliseconds < 1000, $"{name}: {watch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(GgufNames))]
    public async Task Import_refuses_a_hostile_gguf_and_stores_nothing(string name)
    {
        var path = WriteGguf(name, Path.Combine(_context.DataDirectory, "incoming"));
        var store = _context.OtherStore();

        var result = await store.ImportAsync(new ImportRequest(path, "hostile"), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("is not a valid GGUF file", result.Error, StringComparison.Ordinal);
        Assert.Empty(store.List());
        Assert.Empty(store.Blobs.List());
    }

    [Theory]
    [MemberData(nameof(OnnxNames))]
    public async Task Import_refuses_a_hostile_onnx_and_stores_nothing(string name)
    {
        var folder = WriteOnnxFolder(name, Path.Combine(_context.DataDirectory, "incoming"));
        var store = _context.OtherStore();

        var result = await store.ImportAsync(new ImportRequest(folder, "hostile"), null, CancellationToken.None);

        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Empty(store.List());
        Assert.Empty(store.Blobs.List());
        Assert.False(OnnxModelFolder.Inspect(folder).Success);
    }

    [Fact]
    public void The_catalog_lists_hostile_files_with_their_problem_and_no_capabilities()
    {
        foreach (var (name, _) in HostileModelFiles.Gguf())
            WriteGguf(name, _context.ModelsDirectory);
        foreach (var (name, _) in HostileModelFiles.Onnx())
            WriteOnnxFolder(name, Path.Combine(_context.ModelsDirectory, "onnx"));
        File.Copy(TestPaths.Stories260K, Path.Combine(_context.ModelsDirectory, "good.gguf"));

        var catalog = _context.Create();
        var listed = catalog.List().ToDictionary(e => e.Id);

        foreach (var (name, _) in HostileModelFiles.Gguf())
        {
            var entry = listed[name];
            Assert.Contains("is not a valid GGUF file", entry.Problem, StringComparison.Ordinal);
            Assert.Empty(entry.Capabilities);
        }
        foreach (var (name, _) in HostileModelFiles.Onnx())
        {
            var entry = catalog.Find(name);
            Assert.NotNull(entry);
            Assert.False(string.IsNullOrWhiteSpace(entry.Problem), $"{name} has no problem");
            Assert.Empty(entry.Capabilities);
        }
        Assert.Null(listed["good"].Problem);
        Assert.Contains("completion", listed["good"].Capabilities);
    }
}
