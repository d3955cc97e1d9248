using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>"Lowercase": full Unicode lowercase mapping per code point.</summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => CharClasses.Lowercase(text);
}
