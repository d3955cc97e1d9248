using MicroAI.Engines.Onnx.Native;

namespace MicroAI.Engines.Onnx.Tests;

public sealed class OrtLibraryResolverTests
{
    [Fact]
    public void The_build_puts_the_library_next_to_the_test_assembly()
    {
        var path = OrtLibraryResolver.Find(AppContext.BaseDirectory);
        Assert.NotNull(path);
        var expected = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";
        Assert.Equal(expected, Path.GetFileName(path));
        // One platform's natives, flat: not NuGet's runtimes/<rid>/native/ tree for every platform.
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes")));
    }

    [Fact]
    public void A_folder_without_the_library_finds_nothing()
    {
        var dir = OnnxTestRuntime.TempFolder();
        try
        {
            Assert.Null(OrtLibraryResolver.Find(dir));
            Assert.Null(OrtLibraryResolver.Find(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_missing_library_message_says_where_it_looked_and_what_to_do()
    {
        var message = OrtLibraryResolver.MissingMessage();
        Assert.Contains(OrtLibraryResolver.NativeDirectory, message);
        Assert.Contains("Microsoft.ML.OnnxRuntime", message);
        Assert.Contains("NativeDirectory", message);
    }
}
