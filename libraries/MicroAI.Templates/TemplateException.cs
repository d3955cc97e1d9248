namespace MicroAI.Templates;

/// <summary>
/// Any failure while parsing or rendering a template: syntax errors (with a line number), runtime type
/// errors, sandbox limits, and messages raised by the template itself through <c>raise_exception</c>.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message, int line = 0, bool raisedByTemplate = false)
        : base(line > 0 ? $"{message} (line {line})" : message)
    {
        Line = line;
        RaisedByTemplate = raisedByTemplate;
        TemplateMessage = message;
    }

    /// <summary>1-based source line, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>True when the template called <c>raise_exception(msg)</c>; <see cref="TemplateMessage"/> is then msg.</summary>
    public bool RaisedByTemplate { get; }

    /// <summary>The message without the line suffix.</summary>
    public string TemplateMessage { get; }
}
