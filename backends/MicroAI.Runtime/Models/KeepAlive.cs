using System.Globalization;

namespace MicroAI.Runtime.Models;

/// <summary>
/// How long an idle model stays loaded, written as Ollama writes it: a duration ("5m", "30s",
/// "1h30m", "250ms"), a number of seconds, 0 (unload when idle) or a negative value (never unload).
/// </summary>
public static class KeepAlive
{
    public static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return FromSeconds(seconds, out value);
        if (text.StartsWith('-'))
        {
            value = Forever;
            return TryParse(text[1..], out _);
        }
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                i++;
            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                return false;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
                i++;
            double? factor = text[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => null,
            };
            if (factor is null || amount * factor.Value > TimeSpan.MaxValue.TotalSeconds / 2)
                return false;
            total += TimeSpan.FromSeconds(amount * factor.Value);
        }
        value = total;
        return true;
    }

    public static bool FromSeconds(double seconds, out TimeSpan value)
    {
        value = seconds < 0 ? Forever : TimeSpan.Zero;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        if (seconds >= 0)
            value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
