using MicroAI.ModelRegistry.Oci;

namespace MicroAI.ModelRegistry.Tests.Oci;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Bearer_WithQuotedScopeHoldingCommas()
    {
        Assert.True(AuthChallenge.TryParse("""Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push" """, out var c, out var error), error);
        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.example/token", c.Realm);
        Assert.Equal("registry.example", c.Service);
        Assert.Equal("repository:a/b:pull,push", c.Scope);
    }

    [Fact]
    public void Basic_AndUnquotedValues_AndEscapes()
    {
        Assert.True(AuthChallenge.TryParse("Basic realm=basic-realm", out var basic, out _));
        Assert.True(basic.IsBasic);
        Assert.Equal("basic-realm", basic.Realm);

        Assert.True(AuthChallenge.TryParse("""bearer realm="a\"b", service=svc""", out var escaped, out _));
        Assert.True(escaped.IsBearer);
        Assert.Equal("a\"b", escaped.Realm);
        Assert.Equal("svc", escaped.Service);
        Assert.Null(escaped.Scope);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Bearer realm=\"unclosed", "unclosed quote")]
    [InlineData("Bearer realm", "without a value")]
    [InlineData("Bearer =x", "without a name")]
    public void Rejects(string header, string expected)
    {
        Assert.False(AuthChallenge.TryParse(header, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
