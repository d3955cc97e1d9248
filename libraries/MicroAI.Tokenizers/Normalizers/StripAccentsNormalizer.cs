using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>
/// "StripAccents": removes combining marks (M*). It does not decompose first; tokenizer.json files put an NFD
/// normalizer before it, as Hugging Face documents.
/// </summary>
internal sealed class StripAccentsNormalizer : INormalizer
{
    public string Normalize(string text)
    {
        if (text.AsSpan().IndexOfAnyExceptInRange('\0', '\u02FF') < 0)
            return text; // no marks below U+0300
        return BertNormalizer.RemoveWhere(text, CharClasses.IsMark);
    }
}
