using System.Runtime.InteropServices;
using MicroAI.Engines.Natives;

namespace MicroAI.Runtime.Tests.Natives;

/// <summary>Format and processor read from made-up headers of each kind, and from a real library of this process.</summary>
public sealed class NativeBinaryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("microai-native-binary-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Elf(ushort machine)
    {
        var b = new byte[64];
        b[0] = 0x7F; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F'; b[4] = 2; b[5] = 1;
        b[18] = (byte)machine; b[19] = (byte)(machine >> 8);
        return b;
    }

    private static byte[] Pe(ushort machine)
    {
        var b = new byte[0x90];
        b[0] = (byte)'M'; b[1] = (byte)'Z'; b[0x3C] = 0x80;
        b[0x80] = (byte)'P'; b[0x81] = (byte)'E';
        b[0x84] = (byte)machine; b[0x85] = (byte)(machine >> 8);
        return b;
    }

    [Theory]
    [InlineData(0x3E, Architecture.X64)]
    [InlineData(0xB7, Architecture.Arm64)]
    public void Elf_machine(ushort machine, Architecture expected) =>
        Assert.Equal(new NativeBinary("ELF", expected), NativeBinary.Inspect(Write(Elf(machine))));

    [Theory]
    [InlineData(0x8664, Architecture.X64)]
    [InlineData(0xAA64, Architecture.Arm64)]
    public void Pe_machine(ushort machine, Architecture expected) =>
        Assert.Equal(new NativeBinary("PE", expected), NativeBinary.Inspect(Write(Pe(machine))));

    [Fact]
    public void Mach_o_arm64_thin_and_fat()
    {
        byte[] thin = [0xCF, 0xFA, 0xED, 0xFE, 0x0C, 0x00, 0x00, 0x01, 0, 0, 0, 0];
        byte[] fat = [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 1, 0x01, 0x00, 0x00, 0x0C];
        Assert.Equal(new NativeBinary("Mach-O", Architecture.Arm64), NativeBinary.Inspect(Write(thin)));
        Assert.Equal(new NativeBinary("Mach-O", Architecture.Arm64), NativeBinary.Inspect(Write(fat)));
    }

    [Fact]
    public void Text_or_a_truncated_file_is_unknown_and_not_loadable()
    {
        var text = NativeBinary.Inspect(Write("not a library"u8.ToArray()));
        Assert.Equal(new NativeBinary("unknown", null), text);
        Assert.False(text.IsLoadableHere(out var reason));
        Assert.Contains("unknown", reason, StringComparison.Ordinal);
        Assert.Equal("unknown", NativeBinary.Inspect(Write([0x7F, (byte)'E', (byte)'L', (byte)'F'])).Format);
    }

    [Fact]
    public void Another_processor_is_not_loadable_and_says_which()
    {
        var other = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? (ushort)0x3E : (ushort)0xB7;
        var binary = NativeBinary.Inspect(Write(Elf(other)));
        Assert.Equal(OperatingSystem.IsLinux(), binary.Format == NativeBinary.PlatformFormat);
        Assert.False(binary.IsLoadableHere(out var reason));
        Assert.Contains(RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void This_process_runtime_library_is_loadable_here()
    {
        // The .NET runtime's own native library: whatever the platform, it is built for this process.
        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        var library = Directory.EnumerateFiles(runtimeDir).First(f => Path.GetFileName(f) is "libcoreclr.so" or "coreclr.dll" or "libcoreclr.dylib");
        var binary = NativeBinary.Inspect(library);
        Assert.True(binary.IsLoadableHere(out var reason), reason);
        Assert.Equal(RuntimeInformation.ProcessArchitecture, binary.Architecture);
    }
}
