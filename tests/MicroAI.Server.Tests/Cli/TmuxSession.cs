using System.Diagnostics;
using System.Text;

namespace MicroAI.Server.Tests;

/// <summary>A fact that needs tmux (a real terminal for the interactive chat); .ci/run installs it.</summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (TmuxSession.Executable is null)
            Skip = "tmux is not installed, so there is no terminal to drive the interactive chat with (.ci/run installs it).";
    }
}

/// <summary>
/// One command running in a detached tmux pane on a private tmux server (its own socket, no
/// user configuration): keys go in with send-keys, the screen comes back with capture-pane. When
/// the command ends the pane prints "exited N" and stays, so a test reads the exit code.
/// </summary>
internal sealed class TmuxSession : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    // A socket path of our own (not -L's shared tmux folder), deleted on dispose.
    private readonly string _socket = Path.Combine(Path.GetTempPath(), "microai-tmux-" + Guid.NewGuid().ToString("N")[..12]);

    public static string? Executable { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "tmux")).FirstOrDefault(File.Exists);

    public static string ExitedMarker(int code) => $"exited {code}";

    public TmuxSession(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        var line = new StringBuilder("env -u MICROAI_API_KEY");
        foreach (var (name, value) in environment)
            line.Append(' ').Append(Quote($"{name}={value}"));
        foreach (var word in command)
            line.Append(' ').Append(Quote(word));
        line.Append("; echo \"exited $?\"; sleep 600");
        Tmux("-f", "/dev/null", "new-session", "-d", "-s", "chat", "-x", "200", "-y", "50", line.ToString());
    }

    /// <summary>Types <paramref name="text"/> literally, then Enter.</summary>
    public void SendLine(string text)
    {
        Tmux("send-keys", "-t", "chat", "-l", text);
        Tmux("send-keys", "-t", "chat", "Enter");
    }

    /// <summary>A key by tmux's name: C-c, C-d.</summary>
    public void SendKey(string key) => Tmux("send-keys", "-t", "chat", key);

    /// <summary>The pane's history and screen, wrapped lines joined, trailing spaces off.</summary>
    public string Screen() =>
        string.Join('\n', Tmux("capture-pane", "-p", "-J", "-t", "chat", "-S", "-5000").Split('\n').Select(l => l.TrimEnd())).TrimEnd();

    /// <summary>Waits until <paramref name="done"/> holds for the screen; fails with the screen after a minute.</summary>
    public async Task<string> WaitAsync(Func<string, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (true)
        {
            var screen = Screen();
            if (done(screen))
                return screen;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Waited {s_wait.TotalSeconds:F0} s for {what}. The screen:\n{screen}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for <paramref name="text"/> to appear after the last occurrence of <paramref name="after"/>.</summary>
    public Task<string> WaitForAsync(string text, string after) =>
        WaitAsync(s => s.LastIndexOf(after, StringComparison.Ordinal) is var at and >= 0 && s.IndexOf(text, at + after.Length, StringComparison.Ordinal) >= 0,
            $"'{text}' after '{after}'");

    public void Dispose()
    {
        Tmux("kill-server");
        File.Delete(_socket);
    }

    private string Tmux(params string[] args)
    {
        var start = new ProcessStartInfo(Executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(_socket);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && args[0] != "kill-server")
            throw new InvalidOperationException($"tmux {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
        return output;
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
