using static MicroAI.Templates.Tests.Render;

namespace MicroAI.Templates.Tests;

public sealed class StatementTests
{
    [Fact]
    public void IfElifElse() =>
        Assert.Equal("b", R("{% if x == 1 %}a{% elif x == 2 %}b{% else %}c{% endif %}", "x", 2));

    [Fact]
    public void LoopVariables()
    {
        string src = "{% for i in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }}"
            + "{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }};{% endfor %}";
        Assert.Equal("103TrueFalse3-b;212FalseFalse3ac;321FalseTrue3b-;", R(src));
    }

    [Fact]
    public void ForElseAndFilter()
    {
        Assert.Equal("empty", R("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}"));
        Assert.Equal("2:1/2,4:2/2,", R("{% for x in [1, 2, 3, 4] if x is even %}{{ x }}:{{ loop.index }}/{{ loop.length }},{% endfor %}"));
    }

    [Fact]
    public void BreakAndContinue() =>
        Assert.Equal("13", R("{% for x in range(10) %}{% if x == 4 %}{% break %}{% endif %}{% if x is even %}{% continue %}{% endif %}{{ x }}{% endfor %}"));

    [Fact]
    public void SetInsideLoopDoesNotLeakButNamespaceDoes()
    {
        string src = "{% set n = 0 %}{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set n = n + 1 %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ n }} {{ ns.n }}";
        Assert.Equal("0 3", R(src));
    }

    [Fact]
    public void SetInsideIfLeaks() => Assert.Equal("1", R("{% if true %}{% set x = 1 %}{% endif %}{{ x }}"));

    [Fact]
    public void TupleUnpackingAndBlockSet()
    {
        Assert.Equal("1-2", R("{% set a, b = [1, 2] %}{{ a }}-{{ b }}"));
        Assert.Equal("[HI]", R("{% set x | upper %} hi {% endset %}[{{ x | trim }}]"));
    }

    [Fact]
    public void MacrosWithDefaultsKwargsAndCaller()
    {
        string src = "{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', greeting='Hi') }}";
        Assert.Equal("Hello, Ann! Hi, Bob!", R(src));
        Assert.Equal("<b>x</b>", R("{% macro wrap() %}<b>{{ caller() }}</b>{% endmacro %}{% call wrap() %}x{% endcall %}"));
    }

    [Fact]
    public void RecursiveMacro() =>
        Assert.Equal("3 2 1 ", R("{% macro down(n) %}{% if n > 0 %}{{ n }} {{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(3) }}"));

    [Fact]
    public void FilterBlockAndGenerationBlock()
    {
        Assert.Equal("AB", R("{% filter upper %}a{{ 'b' }}{% endfilter %}"));
        Assert.Equal("x", R("{% generation %}x{% endgeneration %}"));
    }

    [Fact]
    public void StrftimeNowUsesInjectedClock() => Assert.Equal("15 Jan 2026 / Thursday", R("{{ strftime_now('%d %b %Y') }} / {{ strftime_now('%A') }}"));

    [Fact]
    public void RendersFromDictionaryOfPlainValues()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}");
        var vars = new Dictionary<string, object?>
        {
            ["messages"] = new List<object?> { D("role", "user", "content", "hi") },
            ["add_generation_prompt"] = true,
        };
        Assert.Equal("<user>hi<assistant>", template.Render(vars));
    }
}
