namespace MicroAI.Templates;

/// <summary>
/// A parsed Jinja2 chat template, rendered the way Hugging Face transformers renders it
/// (sandboxed, trim_blocks + lstrip_blocks, loop controls, tojson/raise_exception/strftime_now).
/// Parse once, render many times; instances are immutable and thread-safe.
/// </summary>
public sealed class ChatTemplate
{
    private readonly List<Stmt> _body;
    private readonly TemplateOptions _options;

    private ChatTemplate(List<Stmt> body, TemplateOptions options)
    {
        _body = body;
        _options = options;
    }

    /// <summary>Parses <paramref name="source"/>; throws <see cref="TemplateException"/> (with line) on syntax errors.</summary>
    public static ChatTemplate Parse(string source, TemplateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(Parser.Parse(source), options ?? TemplateOptions.Default);
    }

    public string Render(TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new Scope(null);
        foreach (var (name, value) in context.Variables) root.Set(name, ValueConverter.Convert(value));
        try
        {
            return new Interpreter(_options, context.Clock).Render(_body, root);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new TemplateException("Template nesting is too deep");
        }
        catch (OverflowException)
        {
            throw new TemplateException("Integer overflow");
        }
    }

    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var context = new TemplateContext();
        foreach (var (name, value) in variables) context.Set(name, value);
        return Render(context);
    }
}
