using static MicroAI.Templates.Tests.Render;

namespace MicroAI.Templates.Tests;

public sealed class LexerTests
{
    [Fact]
    public void SplitsTextAndTags()
    {
        var tokens = Lexer.Tokenize("a{{ x }}b{% if y %}c{% endif %}");
        Assert.Equal(
            [TokenKind.Text, TokenKind.VariableStart, TokenKind.Name, TokenKind.VariableEnd, TokenKind.Text, TokenKind.BlockStart,
             TokenKind.Name, TokenKind.Name, TokenKind.BlockEnd, TokenKind.Text, TokenKind.BlockStart, TokenKind.Name, TokenKind.BlockEnd],
            tokens.Select(t => t.Kind));
    }

    [Fact]
    public void LexesNumbersStringsAndOperators()
    {
        var tokens = Lexer.Tokenize("{{ 1 + 2.5e1 // 'a\\n\\'b' ** \"c\" }}").Where(t => t.Kind is not (TokenKind.VariableStart or TokenKind.VariableEnd)).ToList();
        Assert.Equal(["1", "+", "2.5e1", "//", "a\n'b", "**", "c"], tokens.Select(t => t.Value));
        Assert.Equal(TokenKind.Integer, tokens[0].Kind);
        Assert.Equal(TokenKind.Float, tokens[2].Kind);
        Assert.Equal(TokenKind.String, tokens[4].Kind);
    }

    [Fact]
    public void TracksLineNumbers()
    {
        var tokens = Lexer.Tokenize("line1\n{%- if x -%}\n\n{{ y }}");
        Assert.Equal(4, tokens.First(t => t.Value == "y").Line);
    }

    [Theory]
    [InlineData("{{ '\\u00e9\\x41' }}", "éA")]
    [InlineData("{{ 'a' 'b' }}", "ab")]
    [InlineData("{{ \"it's\" }}", "it's")]
    [InlineData("{{ 'tab\\there' }}", "tab\there")]
    public void StringLiterals(string source, string expected) => Assert.Equal(expected, R(source));

    [Fact]
    public void DictLiteralClosingBraceDoesNotEndTag() => Assert.Equal("{'a': {'b': 1}}", R("{{ {'a': {'b': 1}} }}"));

    [Fact]
    public void CommentsAreDropped() => Assert.Equal("ab", R("a{# note {{ x }} #}b"));

    [Fact]
    public void RawBlockKeepsTagsVerbatim() => Assert.Equal("{{ x }}{% if %}", R("{% raw %}{{ x }}{% if %}{% endraw %}"));

    [Fact]
    public void UnterminatedStringIsASyntaxError()
    {
        var ex = Assert.Throws<TemplateException>(() => ChatTemplate.Parse("\n{{ 'abc }}"));
        Assert.Equal(2, ex.Line);
    }

    [Theory]
    [InlineData("{{ '\\xzz' }}")]
    [InlineData("{{ '\\UFFFFFFFF' }}")]
    [InlineData("{{ '\\u12' }}")]
    public void BadEscapesAreSyntaxErrors(string source) => Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source));
}
