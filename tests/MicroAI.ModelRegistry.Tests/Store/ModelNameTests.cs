using System.Text;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class ModelNameTests
{
    [Theory]
    [InlineData("llama3", "llama3", "latest")]
    [InlineData("library/qwen2.5:7b-q4", "library/qwen2.5", "7b-q4")]
    [InlineData("a/b/c:t", "a/b/c", "t")]
    [InlineData("Qwen_2.5-x:Q4_K_M", "qwen_2.5-x", "q4_k_m")]
    [InlineData("hf.co/org/repo:q4", "hf.co/org/repo", "q4")]
    public void Valid_names_parse_in_lower_case_with_latest_as_the_default_tag(string text, string name, string tag)
    {
        Assert.True(ModelName.TryParse(text, out var parsed, out var error), error);
        Assert.Null(error);
        Assert.Equal(name, parsed.Name);
        Assert.Equal(tag, parsed.Tag);
        Assert.Equal($"{name}:{tag}", parsed.ToString());
        Assert.Equal(parsed, ModelName.Parse(parsed.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../x")]
    [InlineData("x/..")]
    [InlineData("/abs")]
    [InlineData("abs/")]
    [InlineData("C:\\x")]
    [InlineData("a\\b")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData(".hidden")]
    [InlineData("-x")]
    [InlineData("_x")]
    [InlineData("x:")]
    [InlineData(":x")]
    [InlineData("x:y:z")]
    [InlineData("x:.y")]
    [InlineData("x:y/z")]
    [InlineData("a/b/c/d")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    [InlineData("nul\0byte")]
    [InlineData("bell\u0007")]
    [InlineData("caf\u00e9")]
    [InlineData("\u0430bc")] // Cyrillic 'а' that looks like a Latin 'a'
    [InlineData("emoji\U0001F600")]
    [InlineData("full\uFF0Fwidth")] // fullwidth solidus
    [InlineData("a/b\u2215c")] // division slash
    [InlineData("x?y")]
    [InlineData("x*y")]
    [InlineData("x%2fy")]
    [InlineData("x~y")]
    public void Invalid_names_are_rejected_with_a_message(string text)
    {
        Assert.False(ModelName.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => ModelName.Parse(text));
    }

    [Fact]
    public void Null_is_rejected()
    {
        Assert.False(ModelName.TryParse(null, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Segments_and_tags_are_at_most_80_characters()
    {
        var s80 = new string('a', 80);
        var s81 = new string('a', 81);

        Assert.True(ModelName.TryParse(s80, out _, out _));
        Assert.True(ModelName.TryParse("x:" + s80, out _, out _));
        Assert.False(ModelName.TryParse(s81, out _, out var segmentError));
        Assert.Contains("80", segmentError);
        Assert.False(ModelName.TryParse("x/" + s81 + "/y", out _, out _));
        Assert.False(ModelName.TryParse("x:" + s81, out _, out _));
    }

    [Fact]
    public void A_name_is_at_most_200_characters_including_the_tag()
    {
        var seg = new string('b', 66);
        var exactly200 = $"{seg}/{seg}/{seg}"; // 3 * 66 + 2
        Assert.Equal(200, exactly200.Length);
        Assert.True(ModelName.TryParse(exactly200, out _, out var error), error);

        var name201 = exactly200 + "c"; // last segment 67 characters: only the total length is wrong
        Assert.False(ModelName.TryParse(name201, out _, out var lengthError));
        Assert.Contains("200", lengthError);
        Assert.False(ModelName.TryParse(exactly200 + ":t", out _, out _));
    }

    [Fact]
    public void Names_match_case_insensitively_and_the_manifest_path_is_lower_case()
    {
        var upper = ModelName.Parse("Library/Qwen2.5:Q4");
        var lower = ModelName.Parse("library/qwen2.5:q4");

        Assert.Equal(lower, upper);
        Assert.Equal("library/qwen2.5:q4", upper.ToString());
        Assert.True(upper.Matches(lower));
        Assert.True(new ModelName("A", "B").Matches(new ModelName("a", "b")));
        Assert.False(upper.Matches(ModelName.Parse("library/qwen2.5")));
        Assert.Equal(Path.Combine("library", "qwen2.5", "q4.json"), upper.RelativeManifestPath);
        Assert.Equal(lower.RelativeManifestPath, upper.RelativeManifestPath);
        Assert.Equal(Path.Combine("llama3", "latest.json"), ModelName.Parse("llama3").RelativeManifestPath);
    }

    [Fact]
    public void Random_strings_are_either_rejected_or_stay_inside_the_manifests_folder()
    {
        // Characters that matter to paths on some OS, plus ones valid in names, plus non-ASCII and controls.
        const string alphabet = "aZ09._-/\\:..//~ \t\0\u00e9\u0430\u2215\uFF0F%?*\"<>|$";
        var root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "microai-name-property", "manifests"));
        var rootWithSeparator = root + Path.DirectorySeparatorChar;
        var random = new Random(20240611);
        var accepted = 0;
        var builder = new StringBuilder();

        for (var i = 0; i < 5000; i++)
        {
            builder.Clear();
            var length = random.Next(0, 12) == 0 ? random.Next(150, 260) : random.Next(0, 24);
            for (var j = 0; j < length; j++)
            {
                // Mostly name characters, so that a good share of the cases are accepted.
                builder.Append(random.Next(3) == 0 ? alphabet[random.Next(alphabet.Length)] : "abcxyz019._-/:"[random.Next(14)]);
            }
            var text = builder.ToString();
            if (!ModelName.TryParse(text, out var name, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error), $"'{text}' was rejected without a message");
                continue;
            }

            accepted++;
            var relative = name.RelativeManifestPath;
            Assert.False(Path.IsPathRooted(relative), $"'{text}' gives a rooted path '{relative}'");
            var full = Path.GetFullPath(Path.Combine(root, relative));
            Assert.True(full.StartsWith(rootWithSeparator, StringComparison.Ordinal), $"'{text}' escapes to '{full}'");
            Assert.Equal(full, Path.Combine(root, relative)); // nothing for GetFullPath to normalise away
            Assert.True(name.ToString().Length <= ModelName.MaxLength + 1 + ModelName.DefaultTag.Length);
            Assert.Equal(name, ModelName.Parse(name.ToString()));
        }

        Assert.True(accepted > 200, $"only {accepted} of 5000 random names were accepted; the property is barely exercised");
    }
}
