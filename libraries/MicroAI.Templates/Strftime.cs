using System.Globalization;
using System.Text;

namespace MicroAI.Templates;

/// <summary>Python's <c>datetime.strftime</c> for the directives templates use, in the C locale.</summary>
internal static class Strftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateTimeOffset t, string format)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            char d = format[++i];
            bool noPad = false;
            if (d == '-' && i + 1 < format.Length) { noPad = true; d = format[++i]; }
            string Pad(int v, int width) => noPad ? v.ToString(inv) : v.ToString(new string('0', width), inv);
            sb.Append(d switch
            {
                'Y' => t.Year.ToString(inv),
                'y' => Pad(t.Year % 100, 2),
                'm' => Pad(t.Month, 2),
                'd' => Pad(t.Day, 2),
                'e' => t.Day.ToString(inv).PadLeft(2),
                'H' => Pad(t.Hour, 2),
                'I' => Pad(t.Hour % 12 == 0 ? 12 : t.Hour % 12, 2),
                'M' => Pad(t.Minute, 2),
                'S' => Pad(t.Second, 2),
                'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", inv),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'A' => Days[(int)t.DayOfWeek],
                'a' => Days[(int)t.DayOfWeek][..3],
                'B' => Months[t.Month - 1],
                'b' or 'h' => Months[t.Month - 1][..3],
                'j' => Pad(t.DayOfYear, 3),
                'w' => ((int)t.DayOfWeek).ToString(inv),
                'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(inv),
                'Z' => "",
                'z' => "",
                'F' => t.ToString("yyyy-MM-dd", inv),
                'T' => t.ToString("HH:mm:ss", inv),
                'D' => t.ToString("MM/dd/yy", inv),
                '%' => "%",
                _ => "%" + d,
            });
        }

        return sb.ToString();
    }
}
