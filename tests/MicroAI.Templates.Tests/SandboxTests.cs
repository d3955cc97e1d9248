using static MicroAI.Templates.Tests.Render;

namespace MicroAI.Templates.Tests;

/// <summary>Undefined behaviour, error reporting and the sandbox limits.</summary>
public sealed class SandboxTests
{
    [Fact]
    public void UndefinedPrintsEmptyIsFalsyAndIteratesAsEmpty() =>
        Assert.Equal("[]|no|0|", R("[{{ nope }}]|{% if nope %}yes{% else %}no{% endif %}|{{ nope | length }}|{% for x in nope %}{{ x }}{% endfor %}"));

    [Fact]
    public void MissingKeyIsUndefined() => Assert.Equal("True", R("{{ m.tool_calls is undefined }}", "m", D("role", "user")));

    [Fact]
    public void AttributeOfUndefinedIsAnErrorLikeJinja2()
    {
        // Jinja2's default Undefined (which transformers uses) raises here rather than chaining.
        var ex = Assert.Throws<TemplateException>(() => R("{{ nope.attr }}"));
        Assert.Contains("'nope' is undefined", ex.Message);
    }

    [Fact]
    public void CallingUndefinedIsAnError() => Assert.Throws<TemplateException>(() => R("{{ nope() }}"));

    [Fact]
    public void SyntaxErrorReportsLine()
    {
        var ex = Assert.Throws<TemplateException>(() => ChatTemplate.Parse("a\nb\n{% if x %}\n{% endfor %}"));
        Assert.Equal(4, ex.Line);
        Assert.Contains("line 4", ex.Message);
    }

    [Fact]
    public void UnclosedBlockIsASyntaxError() =>
        Assert.Contains("endif", Assert.Throws<TemplateException>(() => ChatTemplate.Parse("{% if x %}abc")).Message);

    [Fact]
    public void UnknownTagIsASyntaxError() =>
        Assert.Contains("include", Assert.Throws<TemplateException>(() => ChatTemplate.Parse("{% include 'x' %}")).Message);

    [Fact]
    public void RaiseExceptionCarriesTheTemplateMessage()
    {
        var ex = Assert.Throws<TemplateException>(() => R("\n{{ raise_exception('Only user and assistant roles are supported!') }}"));
        Assert.True(ex.RaisedByTemplate);
        Assert.Equal("Only user and assistant roles are supported!", ex.TemplateMessage);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void LoopLimitStopsRunawayTemplates()
    {
        var template = ChatTemplate.Parse("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(10) %}{% endfor %}{% endfor %}{% endfor %}");
        var ex = Assert.Throws<TemplateException>(() => template.Render(new TemplateContext()));
        Assert.Contains("loop iterations", ex.Message);
    }

    [Fact]
    public void OutputLimitStopsHugeOutput()
    {
        var template = ChatTemplate.Parse("{% for i in range(100000) %}{{ 'xxxxxxxxxxxxxxxxxxxx' }}{% endfor %}");
        var ex = Assert.Throws<TemplateException>(() => template.Render(new TemplateContext()));
        Assert.Contains("output", ex.Message);
        Assert.Throws<TemplateException>(() => R("{{ 'x' * 100000000 }}"));
    }

    [Fact]
    public void LimitsAreConfigurable()
    {
        var template = ChatTemplate.Parse("{% for i in range(20) %}{{ i }}{% endfor %}", new TemplateOptions { MaxIterations = 10 });
        Assert.Throws<TemplateException>(() => template.Render(new TemplateContext()));
    }

    [Fact]
    public void RecursionDepthIsBounded() =>
        Assert.Contains("depth", Assert.Throws<TemplateException>(() => R("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")).Message);

    [Fact]
    public void MutatingListsIsRefusedLikeTheImmutableSandbox() =>
        Assert.Contains("unsafe", Assert.Throws<TemplateException>(() => R("{% set xs = [] %}{{ xs.append(1) }}")).Message);

    [Fact]
    public void DotNetObjectsAreNotAccepted() =>
        Assert.Throws<TemplateException>(() => R("{{ x }}", "x", new Uri("http://example.com")));

    [Fact]
    public void TypeErrorsAreTemplateExceptions() =>
        Assert.Contains("can only concatenate", Assert.Throws<TemplateException>(() => R("{{ 'a' + 1 }}")).Message);

    [Theory]
    [InlineData(100_000, "(", ")")]
    [InlineData(100_000, "-", "")]
    [InlineData(100_000, "not ", "")]
    [InlineData(100_000, "[", "]")]
    public void DeepExpressionNestingIsRejectedNotAStackOverflow(int depth, string open, string close)
    {
        string source = "{{ " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + " }}";
        Assert.Contains("nested", Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source)).Message);
    }

    [Fact]
    public void DeepBlockNestingIsRejected()
    {
        string source = string.Concat(Enumerable.Repeat("{% if true %}", 10_000)) + string.Concat(Enumerable.Repeat("{% endif %}", 10_000));
        Assert.Contains("nested", Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source)).Message);
    }

    [Fact]
    public void DeeplyNestedRuntimeValuesFailCleanly()
    {
        string source = "{% set ns = namespace(x=[]) %}{% for i in range(50000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x == ns.x }}";
        Assert.Throws<TemplateException>(() => R(source));
        Assert.Throws<TemplateException>(() => R(source.Replace("ns.x == ns.x", "ns.x", StringComparison.Ordinal)));
        Assert.Throws<TemplateException>(() => R(source.Replace("ns.x == ns.x", "ns.x | tojson", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("{% set ns = namespace(s='') %}{% for i in range(900000) %}{% set ns.s = ns.s ~ 'x' %}{% endfor %}")]
    [InlineData("{% set ns = namespace(l=[]) %}{% for i in range(900000) %}{% set ns.l = ns.l + [i] %}{% endfor %}")]
    public void QuadraticConcatenationHitsTheWorkLimit(string source) =>
        Assert.Contains("loop iterations", Assert.Throws<TemplateException>(() => R(source)).Message);
}
