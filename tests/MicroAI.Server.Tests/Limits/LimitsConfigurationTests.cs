namespace MicroAI.Server.Tests.Limits;

/// <summary>A bad MicroAI:Limits value stops the server at start, as a bad engine option does.</summary>
public sealed class LimitsConfigurationTests
{
    [Theory]
    [InlineData("MaxTools", "0")]
    [InlineData("MaxRequestBodyBytes", "10")]
    [InlineData("MaxImagePixels", "999999999999")]
    public void An_invalid_limit_is_an_invalid_configuration_naming_the_key(string key, string value)
    {
        var data = Directory.CreateTempSubdirectory("microai-limits-config-");
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => MicroAIApp.Build(
                ["--urls", "http://127.0.0.1:0", "--MicroAI:DataDirectory=" + data.FullName, "--MicroAI:OllamaModelsDirectory=none", $"--MicroAI:Limits:{key}={value}"]));
            Assert.StartsWith("Invalid configuration", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"MicroAI:Limits:{key}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
