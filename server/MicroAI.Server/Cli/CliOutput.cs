using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MicroAI.Server.Cli;

internal static class CliOutput
{
    private static readonly JsonWriterOptions s_json = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one JSON value as a line on stdout.</summary>
    public static void JsonLine(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, s_json))
            write(w);
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    public static int Error(string message, int exitCode, bool json)
    {
        if (json)
        {
            JsonLine(w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("error");
                w.WriteString("message", message);
                w.WriteNumber("exit_code", exitCode);
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }
        else
        {
            Console.Error.WriteLine("error: " + message);
        }
        return exitCode;
    }

    /// <summary>Renders a table or grid; when stdout is not a terminal, at full width instead of wrapping at 80 columns.</summary>
    public static void Write(Spectre.Console.Rendering.IRenderable renderable)
    {
        if (Console.IsOutputRedirected)
            Spectre.Console.AnsiConsole.Profile.Width = 240;
        Spectre.Console.AnsiConsole.Write(renderable);
    }

    public static string Size(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        var u = 0;
        while (v >= 1000 && u < units.Length - 1)
        {
            v /= 1000;
            u++;
        }
        return u == 0 ? $"{bytes} B" : v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[u];
    }

    public static string Age(DateTimeOffset when, DateTimeOffset now)
    {
        var d = now - when;
        return d.TotalMinutes < 1 ? "just now"
            : d.TotalHours < 1 ? $"{(int)d.TotalMinutes} minutes ago"
            : d.TotalDays < 1 ? $"{(int)d.TotalHours} hours ago"
            : d.TotalDays < 60 ? $"{(int)d.TotalDays} days ago"
            : when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
