using System.Globalization;
using System.Net.Http.Headers;

namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// What identified the remote file when a partial download started: a strong ETag or, failing
/// that, Last-Modified. Sent back as If-Range so a server whose file changed answers 200 with the
/// whole new file instead of appending its bytes to the old ones. Kept in a two-line sidecar next
/// to the .part file ("etag" or "date", then the value).
/// </summary>
internal sealed record ResumeValidator(string Kind, string Value)
{
    public const string EtagKind = "etag";
    public const string DateKind = "date";

    public static string SidecarOf(string partialPath) => partialPath + ".validator";

    /// <summary>Weak ETags may not be used in If-Range (RFC 9110 13.1.5), so they fall back to Last-Modified.</summary>
    public static ResumeValidator? From(HttpResponseMessage response)
    {
        if (response.Headers.ETag is { IsWeak: false } etag)
            return new(EtagKind, etag.Tag);
        if (response.Content.Headers.LastModified is { } date)
            return new(DateKind, date.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));
        return null;
    }

    public static ResumeValidator? Read(string sidecar)
    {
        try
        {
            var lines = File.ReadAllLines(sidecar);
            return lines.Length >= 2 && lines[0] is EtagKind or DateKind && lines[1].Length > 0 ? new(lines[0], lines[1]) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public RangeConditionHeaderValue? ToIfRange() => Kind switch
    {
        EtagKind => new RangeConditionHeaderValue(new EntityTagHeaderValue(Value)),
        DateKind when DateTimeOffset.TryParseExact(Value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) => new RangeConditionHeaderValue(date),
        _ => null,
    };

    public void Write(string sidecar) => File.WriteAllText(sidecar, Kind + "\n" + Value + "\n");
}
