using System.Globalization;
using System.Text.RegularExpressions;
using MicroAI.TextFormats.Grammar;

namespace MicroAI.TextFormats.Tests.Grammar;

public sealed class IntegerRangesTests
{
    /// <summary>
    /// The integer expressions use only "digits", [a-b], {n}/{n,m} and ( | ), so they map one to one
    /// onto a .NET regex, which lets every number near the bounds be checked exhaustively.
    /// </summary>
    private static Regex ToRegex(string gbnf) =>
        new("^(?:" + gbnf.Replace("\"", "", StringComparison.Ordinal).Replace("( ", "(?:", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal) + ")$");

    [Theory]
    [InlineData(0L, 9L)]
    [InlineData(0L, 10L)]
    [InlineData(1L, 1L)]
    [InlineData(7L, 1234L)]
    [InlineData(18L, null)]
    [InlineData(1L, null)]
    [InlineData(105L, 1999L)]
    [InlineData(-5L, 3L)]
    [InlineData(-1234L, -17L)]
    [InlineData(null, -7L)]
    [InlineData(null, 250L)]
    [InlineData(-2000L, null)]
    [InlineData(999L, 1000L)]
    [InlineData(1990L, 2101L)]
    public void Matches_exactly_the_integers_in_range(long? min, long? max)
    {
        var regex = ToRegex(IntegerRanges.Expression(min, max));
        for (long n = -2600; n <= 2600; n++)
        {
            var inRange = (min is null || n >= min) && (max is null || n <= max);
            Assert.True(inRange == regex.IsMatch(n.ToString(CultureInfo.InvariantCulture)), $"{n} in [{min}, {max}]: {regex}");
        }
        Assert.DoesNotMatch(regex, "007");
        Assert.DoesNotMatch(regex, "-0");
        if (max is null)
            Assert.Matches(regex, "123456789012345678");
        if (min is null)
            Assert.Matches(regex, "-123456789012345678");
    }
}
