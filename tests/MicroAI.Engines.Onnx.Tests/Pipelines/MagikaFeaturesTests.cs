using System.Text;
using MicroAI.Engines.Onnx.Pipelines.Magika;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.Onnx.Tests.Pipelines;

/// <summary>Magika's byte features as its documentation describes them, on the shipped config (1024 + 1024, block 4096, padding 256).</summary>
public sealed class MagikaFeaturesTests
{
    private static readonly MagikaConfig Config = MagikaConfig.Load(
        Path.Combine(TestPaths.MagikaFolder, "config.min.json"), Path.Combine(TestPaths.MagikaFolder, "content_types_kb.min.json"));

    [Fact]
    public void The_beginning_loses_leading_whitespace_the_end_trailing_whitespace_and_each_side_is_padded_away_from_the_content()
    {
        var features = new int[2048];

        Assert.True(MagikaFeatures.TryExtract(Encoding.ASCII.GetBytes(" \n\t print('hello')  \r\n\f\v"), Config, features));

        // As Python's content[:4096].lstrip() and content[-4096:].rstrip().
        var beg = Encoding.ASCII.GetBytes("print('hello')  \r\n\f\v").Select(b => (int)b).ToArray();
        var end = Encoding.ASCII.GetBytes(" \n\t print('hello')").Select(b => (int)b).ToArray();
        Assert.Equal(beg, features[..beg.Length]);
        Assert.All(features[beg.Length..1024], v => Assert.Equal(256, v));
        Assert.All(features[1024..(2048 - end.Length)], v => Assert.Equal(256, v));
        Assert.Equal(end, features[(2048 - end.Length)..]);
    }

    [Fact]
    public void Long_content_takes_the_first_and_last_1024_bytes()
    {
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)('a' + i % 26)).ToArray();
        var features = new int[2048];

        Assert.True(MagikaFeatures.TryExtract(bytes, Config, features));

        Assert.Equal(bytes[..1024].Select(b => (int)b), features[..1024]);
        Assert.Equal(bytes[^1024..].Select(b => (int)b), features[1024..]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("   \n\n   ab   \n")]
    public void Content_too_short_once_stripped_is_left_to_the_few_bytes_rule(string text) =>
        Assert.False(MagikaFeatures.TryExtract(Encoding.ASCII.GetBytes(text), Config, new int[2048]));

    [Fact]
    public void The_config_knows_thresholds_overwrites_and_text_types()
    {
        Assert.Equal(214, Config.Labels.Count);
        Assert.Equal(0.95f, Config.ThresholdOf("latex"));
        Assert.Equal(0.5f, Config.ThresholdOf("python"));
        Assert.Equal("unknown", Config.Output("randombytes"));
        Assert.True(Config.IsText("python"));
        Assert.False(Config.IsText("png"));
    }
}
