using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MicroAI.Engines.Natives;

/// <summary>The object format and processor of a native library, read from its header.</summary>
public sealed record NativeBinary(string Format, Architecture? Architecture)
{
    /// <summary>ELF on Linux, PE on Windows, Mach-O on macOS.</summary>
    public static string PlatformFormat =>
        OperatingSystem.IsWindows() ? "PE" : OperatingSystem.IsMacOS() ? "Mach-O" : "ELF";

    public override string ToString() => $"{Format} {Architecture?.ToString().ToLowerInvariant() ?? "unknown processor"}";

    /// <summary>Whether this process can load it: the platform's format and the process's processor.</summary>
    public bool IsLoadableHere(out string reason)
    {
        if (Format != PlatformFormat)
            reason = $"it is a {Format} library and this platform loads {PlatformFormat}";
        else if (Architecture != RuntimeInformation.ProcessArchitecture)
            reason = $"it is built for {Architecture?.ToString().ToLowerInvariant() ?? "an unknown processor"} and this process runs on {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        else
            reason = "";
        return reason.Length == 0;
    }

    /// <summary>
    /// Reads the first bytes of a file: ELF e_machine (offset 18), PE's COFF machine (after the
    /// "PE\0\0" signature found at offset 0x3C), Mach-O cputype (offset 4, also inside a fat binary's
    /// first entry). Anything else, or a file too short, is format "unknown".
    /// </summary>
    public static NativeBinary Inspect(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[64];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        if (read >= 20 && head[0] == 0x7F && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F')
        {
            var machine = head[5] == 2 ? BinaryPrimitives.ReadUInt16BigEndian(head[18..]) : BinaryPrimitives.ReadUInt16LittleEndian(head[18..]);
            return new("ELF", machine switch
            {
                0x3E => System.Runtime.InteropServices.Architecture.X64,
                0xB7 => System.Runtime.InteropServices.Architecture.Arm64,
                0x03 => System.Runtime.InteropServices.Architecture.X86,
                0x28 => System.Runtime.InteropServices.Architecture.Arm,
                0xF3 => System.Runtime.InteropServices.Architecture.RiscV64,
                _ => null,
            });
        }
        if (read >= 0x40 && head[0] == (byte)'M' && head[1] == (byte)'Z')
        {
            var peOffset = BinaryPrimitives.ReadInt32LittleEndian(head[0x3C..]);
            Span<byte> pe = stackalloc byte[6];
            file.Position = peOffset;
            if (peOffset > 0 && file.ReadAtLeast(pe, 6, throwOnEndOfStream: false) == 6 && pe[0] == (byte)'P' && pe[1] == (byte)'E' && pe[2] == 0 && pe[3] == 0)
                return new("PE", BinaryPrimitives.ReadUInt16LittleEndian(pe[4..]) switch
                {
                    0x8664 => System.Runtime.InteropServices.Architecture.X64,
                    0xAA64 => System.Runtime.InteropServices.Architecture.Arm64,
                    0x014C => System.Runtime.InteropServices.Architecture.X86,
                    _ => null,
                });
            return new("unknown", null);
        }
        if (read >= 8)
        {
            var magic = BinaryPrimitives.ReadUInt32LittleEndian(head);
            // 0xFEEDFACF: 64-bit Mach-O; 0xCAFEBABE (big-endian on disk): a fat binary, whose first
            // architecture entry starts at offset 8.
            if (magic == 0xFEEDFACF)
                return new("Mach-O", MachCpu(BinaryPrimitives.ReadUInt32LittleEndian(head[4..])));
            if (BinaryPrimitives.ReadUInt32BigEndian(head) == 0xCAFEBABE && read >= 12)
                return new("Mach-O", MachCpu(BinaryPrimitives.ReadUInt32BigEndian(head[8..])));
        }
        return new("unknown", null);
    }

    private static Architecture? MachCpu(uint cpuType) => cpuType switch
    {
        0x01000007 => System.Runtime.InteropServices.Architecture.X64,
        0x0100000C => System.Runtime.InteropServices.Architecture.Arm64,
        _ => null,
    };
}
