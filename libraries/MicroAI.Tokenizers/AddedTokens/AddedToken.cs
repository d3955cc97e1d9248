namespace MicroAI.Tokenizers.AddedTokens;

/// <summary>
/// An entry of tokenizer.json's "added_tokens" (or a special token from tokenizer_config.json): matched in the text
/// before the model runs and never split.
/// </summary>
/// <param name="Id">Token id.</param>
/// <param name="Content">The literal text.</param>
/// <param name="SingleWord">Only match when not inside a word.</param>
/// <param name="LStrip">Swallow whitespace on the left.</param>
/// <param name="RStrip">Swallow whitespace on the right.</param>
/// <param name="Normalized">Match against normalized text (else the raw input).</param>
/// <param name="Special">A special token: skipped by Decode with skipSpecialTokens.</param>
internal sealed record AddedToken(int Id, string Content, bool SingleWord = false, bool LStrip = false, bool RStrip = false, bool Normalized = false, bool Special = true);
