using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>"NFC", "NFD", "NFKC", "NFKD": Unicode normalization forms (our own implementation, see <see cref="UnicodeNormalizer"/>).</summary>
internal sealed class UnicodeFormNormalizer(UnicodeForm form) : INormalizer
{
    public UnicodeForm Form { get; } = form;

    public string Normalize(string text) => UnicodeNormalizer.Normalize(text, Form);
}
