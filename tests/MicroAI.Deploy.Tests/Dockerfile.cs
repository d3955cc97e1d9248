namespace MicroAI.Deploy.Tests;

/// <summary>One instruction: keyword (upper case) and its arguments, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line);

/// <summary>A FROM and what follows it up to the next FROM.</summary>
internal sealed record DockerStage(string Image, string? Name, List<DockerInstruction> Instructions);

/// <summary>
/// Enough of the Dockerfile grammar for checks: comments, line continuations with '\', stages. Not
/// a builder: variables stay unexpanded except ARG defaults in FROM lines.
/// </summary>
internal sealed class Dockerfile
{
    public List<DockerInstruction> Preamble { get; } = [];
    public List<DockerStage> Stages { get; } = [];

    public static Dockerfile Parse(string text)
    {
        var file = new Dockerfile();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var args = new Dictionary<string, string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var start = i + 1;
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                var next = lines[++i].Trim();
                line = line[..^1].TrimEnd() + (next.StartsWith('#') ? "" : " " + next);
            }
            var space = line.IndexOf(' ');
            Assert.True(space > 0, $"line {start}: '{line}' has no arguments");
            var instruction = new DockerInstruction(line[..space].ToUpperInvariant(), line[(space + 1)..].Trim(), start);
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                var image = args.Aggregate(words[0], (s, a) => s.Replace("${" + a.Key + "}", a.Value, StringComparison.Ordinal));
                var name = words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                file.Stages.Add(new DockerStage(image, name, []));
            }
            else if (file.Stages.Count == 0)
            {
                Assert.Equal("ARG", instruction.Keyword);
                var eq = instruction.Arguments.IndexOf('=');
                if (eq > 0)
                    args[instruction.Arguments[..eq]] = instruction.Arguments[(eq + 1)..];
                file.Preamble.Add(instruction);
            }
            else
            {
                file.Stages[^1].Instructions.Add(instruction);
            }
        }
        return file;
    }
}
