using System.Diagnostics;

namespace MicroAI.Server.Tests.Faults;

/// <summary>
/// A tmpfs of a fixed size mounted on a temporary folder: a real file system that really fills up
/// (ENOSPC) or turns read-only (EROFS), which chmod cannot fake for root. Needs Linux and
/// CAP_SYS_ADMIN (root in most CI containers with the default capabilities does not have it).
/// </summary>
internal sealed class SmallFileSystem : IDisposable
{
    private SmallFileSystem(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can (probed once).</summary>
    public static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!OperatingSystem.IsLinux())
            return "tmpfs mounts need Linux.";
        try
        {
            using var probe = Mount(1);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return "Cannot mount a tmpfs here (needs CAP_SYS_ADMIN): " + e.Message;
        }
    });

    public static SmallFileSystem Mount(int mebibytes)
    {
        var path = Directory.CreateTempSubdirectory("microai-small-fs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={mebibytes}m", "tmpfs", path);
        return new SmallFileSystem(path);
    }

    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Path);

    /// <summary>Writes a filler file until the file system is full; returns its size.</summary>
    public long Fill()
    {
        var buffer = new byte[64 * 1024];
        long written = 0;
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                filler.Write(buffer);
                written += buffer.Length;
            }
        }
        catch (IOException)
        {
            return written; // ENOSPC
        }
    }

    public void Unfill() => File.Delete(System.IO.Path.Combine(Path, "filler"));

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {process.ExitCode}: {error.Trim()}");
    }

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }
    }
}

/// <summary>A fact that needs <see cref="SmallFileSystem"/>; skipped, with the reason, where it cannot be mounted.</summary>
public sealed class SmallFileSystemFactAttribute : FactAttribute
{
    public SmallFileSystemFactAttribute()
    {
        if (SmallFileSystem.Unavailable.Value is { } reason)
            Skip = reason;
    }
}
