using static MicroAI.Templates.Tests.Render;

namespace MicroAI.Templates.Tests;

public sealed class FilterTests
{
    [Theory]
    [InlineData("{{ {'a': 'é', 'b': [1, 2.5, none, true]} | tojson }}", "{\"a\": \"é\", \"b\": [1, 2.5, null, true]}")]
    [InlineData("{{ {'a': [1, {}]} | tojson(indent=2) }}", "{\n  \"a\": [\n    1,\n    {}\n  ]\n}")]
    [InlineData("{{ 'q\"\\n<' | tojson }}", "\"q\\\"\\n<\"")]
    [InlineData("{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}", "{\"a\": 2, \"b\": 1}")]
    [InlineData("{{ '  x  ' | trim }}", "x")]
    [InlineData("{{ [1, 2, 3] | length }}{{ 'abc' | count }}", "33")]
    [InlineData("{{ ['a', 'b'] | join(', ') }}", "a, b")]
    [InlineData("{{ x | default('d') }}{{ '' | default('e') }}{{ '' | d('f', true) }}", "df")]
    [InlineData("{{ [3, 4] | first }}{{ [3, 4] | last }}", "34")]
    [InlineData("{{ 'a\nb\n\nc' | indent(2) }}", "a\n  b\n\n  c")]
    [InlineData("{{ 'a\nb' | indent(2, true) }}", "  a\n  b")]
    [InlineData("{{ 42 | string ~ '!' }}", "42!")]
    [InlineData("{{ '12' | int + 1 }}{{ 'x' | int }}{{ '2.5' | float }}", "1302.5")]
    [InlineData("{{ 'Hello' | lower }}{{ 'Hello' | upper }}{{ 'hello there' | capitalize }}{{ 'hello there' | title }}", "helloHELLOHello thereHello There")]
    [InlineData("{{ 'aXbX' | replace('X', '-') }}", "a-b-")]
    [InlineData("{{ 'ab' | list }}{{ [3, 1, 2] | sort }}{{ [3, 1, 2] | sort(reverse=true) }}", "['a', 'b'][1, 2, 3][3, 2, 1]")]
    [InlineData("{{ [1, 2, 1, 3] | unique | list }}{{ [1, 2] | reverse | list }}{{ 'ab' | reverse }}", "[1, 2, 3][2, 1]ba")]
    [InlineData("{{ {'b': 1, 'a': 2} | dictsort }}", "[('a', 2), ('b', 1)]")]
    [InlineData("{{ 2.5 | round }}{{ 3.14159 | round(2) }}{{ -2 | abs }}", "2.03.142")]
    [InlineData("{{ 'a b  c' | wordcount }}", "3")]
    [InlineData("{{ '<&>' | e }}{{ '<' | safe }}", "&lt;&amp;&gt;<")]
    [InlineData("{{ [1, 2, 3, 4] | select('odd') | list }}{{ [1, 2, 3, 4] | reject('odd') | list }}", "[1, 3][2, 4]")]
    [InlineData("{{ ['a', 'b'] | map('upper') | join }}", "AB")]
    [InlineData("{{ '%s-%d' | format('x', 3) }}", "x-3")]
    public void BuiltinFilters(string source, string expected) => Assert.Equal(expected, R(source));

    [Fact]
    public void AttributeFilters()
    {
        var items = new List<object?> { D("role", "system", "n", 1), D("role", "user", "n", 2), D("role", "user") };
        Assert.Equal("[2]", R("{{ xs | selectattr('role', 'equalto', 'user') | selectattr('n', 'defined') | map(attribute='n') | list }}", "xs", items));
        Assert.Equal("1", R("{{ xs | rejectattr('role', 'equalto', 'user') | list | length }}", "xs", items));
        Assert.Equal("['system', 'user', 'user']", R("{{ xs | map(attribute='role') | list }}", "xs", items));
        Assert.Equal("[1, 2, 0]", R("{{ xs | map(attribute='n', default=0) | list }}", "xs", items));
        Assert.Equal("3", R("{{ xs | sum(attribute='n') }}", "xs", items.Take(2).ToList()));
    }

    [Fact]
    public void LazyFiltersBehaveLikePythonGenerators()
    {
        // In Python these return one-shot generators: no len(), not JSON-serializable, always truthy.
        Assert.Equal("yes", R("{% if [] | select %}yes{% endif %}"));
        Assert.Throws<TemplateException>(() => R("{{ [1] | map('string') | length }}"));
        Assert.Throws<TemplateException>(() => R("{{ [1] | map('string') | tojson }}"));
    }

    [Fact]
    public void MarkupPlusStringEscapesTheString() => Assert.Equal("<b>&#34;x&#34;", R("{{ '<b>' | safe + '\"x\"' }}"));

    [Fact]
    public void UnknownFilterIsAnError()
    {
        var ex = Assert.Throws<TemplateException>(() => R("\n{{ 1 | nosuchfilter }}"));
        Assert.Contains("nosuchfilter", ex.Message);
        Assert.Equal(2, ex.Line);
    }
}
