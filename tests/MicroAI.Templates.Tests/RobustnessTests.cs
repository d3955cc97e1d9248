namespace MicroAI.Templates.Tests;

/// <summary>
/// Damaged templates (real ones cut short or with a character dropped) must fail with a
/// TemplateException, never with another exception type or a hang.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly string[] Noise = ["{", "}", "%", "#", "(", ")", "[", "]", "'", "\"", "|", ".", "-", ",", "=", "*", ":", "1", "x", " is ", " not ", "{{", "{%", "%}", "}}"];

    [Fact]
    public void MangledRealTemplatesOnlyThrowTemplateException()
    {
        var random = new Random(1234);
        var context = FixtureCases.Context("tools");
        var unexpected = new List<string>();
        foreach (var template in FixtureCases.Root.GetProperty("templates").EnumerateObject())
        {
            string source = template.Value.GetString()!;
            for (int i = 0; i < 30; i++)
            {
                int at = random.Next(source.Length);
                string mangled = (i % 3) switch
                {
                    0 => source[..at],
                    1 => source.Remove(at, 1),
                    _ => source.Insert(at, Noise[random.Next(Noise.Length)]),
                };
                try
                {
                    ChatTemplate.Parse(mangled).Render(context);
                }
                catch (TemplateException)
                {
                }
                catch (Exception e)
                {
                    unexpected.Add($"{template.Name} (mutation {i % 3} at {at}): {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(20)));
    }
}
