using static MicroAI.Templates.Tests.Render;

namespace MicroAI.Templates.Tests;

/// <summary>transformers renders with trim_blocks=True and lstrip_blocks=True; these pin those rules.</summary>
public sealed class WhitespaceTests
{
    [Fact]
    public void TrimBlocksDropsNewlineAfterBlockTag() => Assert.Equal("a\nb\n", R("{% if true %}\na\n{% endif %}\nb\n\n"));

    [Fact]
    public void TrimBlocksDoesNotApplyToVariableTags() => Assert.Equal("1\n2", R("{{ 1 }}\n{{ 2 }}"));

    [Fact]
    public void LStripBlocksRemovesIndentBeforeBlockTag() => Assert.Equal("    x\n", R("    {% if true %}\n    x\n    {% endif %}\n"));

    [Fact]
    public void LStripBlocksLeavesTextBeforeTagOnSameLine() => Assert.Equal("a   b", R("a   {% if true %}b{% endif %}"));

    [Fact]
    public void PlusDisablesLStrip() => Assert.Equal("  x", R("  {%+ if true %}x{% endif %}"));

    [Fact]
    public void MinusStripsAllWhitespaceOnItsSide() => Assert.Equal("a|b|c", R("a  \n\n {{- '|' -}}\n\n  b{%- if true -%}  \n|  {%- endif -%}\n  c"));

    [Fact]
    public void CommentTagsAlsoTrimAndLStrip() => Assert.Equal("a\nb", R("a\n  {# c #}\nb"));

    [Fact]
    public void SingleTrailingNewlineOfTemplateIsDropped() => Assert.Equal("a\n", R("a\n\n"));

    [Fact]
    public void LoopBodyWhitespace() =>
        Assert.Equal("- 1\n- 2\n", R("{% for i in [1, 2] %}\n- {{ i }}\n{% endfor %}\n"));
}
