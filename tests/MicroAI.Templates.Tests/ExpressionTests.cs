using static MicroAI.Templates.Tests.Render;

namespace MicroAI.Templates.Tests;

public sealed class ExpressionTests
{
    [Theory]
    [InlineData("{{ 7 // 2 }}", "3")]
    [InlineData("{{ -7 // 2 }}", "-4")]
    [InlineData("{{ -7 % 3 }}", "2")]
    [InlineData("{{ 7 / 2 }}", "3.5")]
    [InlineData("{{ 4 / 2 }}", "2.0")]
    [InlineData("{{ 2 ** 10 }}", "1024")]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ 'a' ~ 1 ~ none }}", "a1None")]
    [InlineData("{{ 'ab' + 'cd' }}", "abcd")]
    [InlineData("{{ '=' * 3 }}", "===")]
    [InlineData("{{ [1] + [2] }}", "[1, 2]")]
    [InlineData("{{ 0.1 + 0.2 }}", "0.30000000000000004")]
    [InlineData("{{ 1e20 }}", "1e+20")]
    [InlineData("{{ True }}{{ false }}{{ None }}", "TrueFalseNone")]
    [InlineData("{{ 1 < 2 < 3 }}", "True")]
    [InlineData("{{ 1 == 1.0 }}", "True")]
    [InlineData("{{ 'b' in 'abc' }}{{ 2 not in [1, 2] }}", "TrueFalse")]
    [InlineData("{{ 'k' in {'k': 1} }}", "True")]
    [InlineData("{{ not 1 and 2 or 3 }}", "3")]
    [InlineData("{{ 0 or '' or 'x' }}", "x")]
    [InlineData("{{ 'y' if 0 else 'n' }}", "n")]
    [InlineData("{{ 'y' if 0 }}", "")]
    [InlineData("{{ (1, 2) }}{{ (1,) }}", "(1, 2)(1,)")]
    [InlineData("{{ {'a': 1, 'b': [True, 'x']} }}", "{'a': 1, 'b': [True, 'x']}")]
    [InlineData("{{ \"it's\" ~ [\"it's\"] }}", "it's[\"it's\"]")]
    [InlineData("{{ 'hello'[1:3] }}{{ 'hello'[::-1] }}{{ 'hello'[-1] }}", "elolleho")]
    [InlineData("{{ [1, 2, 3, 4][1:] }}{{ [1, 2, 3, 4][:-1] }}{{ [1, 2, 3, 4][::2] }}", "[2, 3, 4][1, 2, 3][1, 3]")]
    [InlineData("{{ -3 | abs }}", "3")]
    public void EvaluatesLikePython(string source, string expected) => Assert.Equal(expected, R(source));

    [Theory]
    [InlineData("{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ ' a'.lstrip() }}|{{ 'a '.rstrip() }}", "a b|a|a|a")]
    [InlineData("{{ 'a,b,,c'.split(',') }}", "['a', 'b', '', 'c']")]
    [InlineData("{{ ' a  b '.split() }}", "['a', 'b']")]
    [InlineData("{{ 'a,b,c'.split(',', 1) }}{{ 'a,b,c'.rsplit(',', 1) }}", "['a', 'b,c']['a,b', 'c']")]
    [InlineData("{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}", "TrueTrue")]
    [InlineData("{{ 'aaa'.replace('a', 'b', 2) }}", "bba")]
    [InlineData("{{ 'hello world'.title() }}{{ 'hELLO'.capitalize() }}{{ 'a'.upper() }}{{ 'B'.lower() }}", "Hello WorldHelloAb")]
    [InlineData("{{ '{} and {name}'.format(1, name='x') }}", "1 and x")]
    [InlineData("{{ '-'.join(['a', 'b']) }}", "a-b")]
    [InlineData("{{ 'abc'.find('c') }}{{ 'abca'.count('a') }}", "22")]
    public void StringMethods(string source, string expected) => Assert.Equal(expected, R(source));

    [Fact]
    public void DictMethods()
    {
        string src = "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d.keys() }}{{ d.values() }}{{ d.get('a') }}{{ d.get('z', 'none') }}";
        Assert.Equal("a=1;b=2;['a', 'b'][1, 2]1none", R(src, "d", D("a", 1, "b", 2)));
    }

    [Fact]
    public void AttributeAndItemAccessAreInterchangeable()
    {
        var msg = D("role", "user", "content", "hi");
        Assert.Equal("user hi", R("{{ m.role }} {{ m['content'] }}", "m", msg));
    }

    [Fact]
    public void FiltersBindTighterThanArithmetic() => Assert.Equal("5", R("{{ 2 + 'abc' | length }}"));

    [Fact]
    public void TestsWithAndWithoutArguments()
    {
        Assert.Equal("TrueTrueFalseTrue", R("{{ 6 is divisibleby 3 }}{{ 3 is odd }}{{ x is defined }}{{ none is none }}"));
        Assert.Equal("TrueTrue", R("{{ 'a' is string }}{{ {} is mapping }}"));
        Assert.Equal("TrueFalse", R("{{ [1] is iterable }}{{ 1 is sequence }}"));
        Assert.Equal("TrueTrueTrue", R("{{ 1 is number }}{{ true is boolean }}{{ 2 is equalto 2 }}"));
        Assert.Equal("TrueTrue", R("{{ 1 is not string }}{{ false is false }}"));
    }
}
