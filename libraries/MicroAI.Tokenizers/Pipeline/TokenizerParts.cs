using MicroAI.Tokenizers.AddedTokens;
using MicroAI.Tokenizers.Decoders;
using MicroAI.Tokenizers.Models;
using MicroAI.Tokenizers.Normalizers;
using MicroAI.Tokenizers.PostProcessors;
using MicroAI.Tokenizers.PreTokenizers;

namespace MicroAI.Tokenizers.Pipeline;

/// <summary>Everything a <see cref="PipelineTokenizer"/> is built from (what the loaders produce).</summary>
internal sealed record TokenizerParts(
    ITokenModel Model,
    INormalizer? Normalizer,
    IPreTokenizer? PreTokenizer,
    IPostProcessor? PostProcessor,
    ITokenDecoder? Decoder,
    IReadOnlyList<AddedToken> AddedTokens,
    bool CleanUpTokenizationSpaces,
    int? PadTokenId,
    int? ModelMaxLength);
