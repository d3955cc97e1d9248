using System.Globalization;
using System.Text;

namespace MicroAI.Templates;

/// <summary>The common subset of Python's <c>"fmt" % args</c> (also the <c>format</c> filter): %s %r %d %i %f %%.</summary>
internal static class PercentFormat
{
    public static string Format(string fmt, object? args)
    {
        IReadOnlyList<object?> values = args is PyTuple t ? t.Items : [args];
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.Length; i++)
        {
            char c = fmt[i];
            if (c != '%') { sb.Append(c); continue; }
            if (++i >= fmt.Length) throw new TemplateException("incomplete format");
            int precision = -1;
            if (fmt[i] == '.')
            {
                int start = ++i;
                while (i < fmt.Length && char.IsAsciiDigit(fmt[i])) i++;
                precision = int.Parse(fmt.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            }

            char conv = fmt[i];
            if (conv == '%') { sb.Append('%'); continue; }
            if (next >= values.Count) throw new TemplateException("not enough arguments for format string");
            object? v = values[next++];
            switch (conv)
            {
                case 's': sb.Append(PyOps.Str(v)); break;
                case 'r': sb.Append(PyOps.Repr(v)); break;
                case 'd' or 'i':
                    sb.Append(v switch
                    {
                        long l => l.ToString(CultureInfo.InvariantCulture),
                        double d => ((long)Math.Truncate(d)).ToString(CultureInfo.InvariantCulture),
                        bool b => b ? "1" : "0",
                        _ => throw new TemplateException($"%d format: a real number is required, not {PyOps.TypeName(v)}"),
                    });
                    break;
                case 'f':
                    double x = v switch { long l => l, double d => d, bool b => b ? 1 : 0, _ => throw new TemplateException("must be real number") };
                    sb.Append(x.ToString("F" + (precision < 0 ? 6 : precision).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                    break;
                default: throw new TemplateException($"unsupported format character '{conv}'");
            }
        }

        if (next < values.Count && args is PyTuple) throw new TemplateException("not all arguments converted during string formatting");
        return sb.ToString();
    }
}
