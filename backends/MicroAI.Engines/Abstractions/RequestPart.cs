namespace MicroAI.Engines.Abstractions;

/// <summary>
/// The part of a <see cref="GenerateRequest"/> an error is about. Engines and the scheduler name
/// the part, never a protocol's field: each protocol's error mapping spells it in its own words
/// (OpenAI's <c>param</c>: "prompt", "messages", "logit_bias", …).
/// </summary>
public enum RequestPart
{
    /// <summary>The completion prompt (<see cref="GenerateRequest.Prompt"/>).</summary>
    Prompt,
    /// <summary>The chat conversation (<see cref="GenerateRequest.Messages"/>).</summary>
    Messages,
    /// <summary>The request's own chat template (<see cref="GenerateRequest.ChatTemplate"/>).</summary>
    ChatTemplate,
    /// <summary>The fill-in-the-middle text after the insertion point (<see cref="GenerateRequest.Suffix"/>).</summary>
    Suffix,
    /// <summary>The output constraint (<see cref="SamplingParameters.Grammar"/>).</summary>
    Grammar,
    /// <summary>The token biases (<see cref="SamplingParameters.LogitBias"/>).</summary>
    LogitBias,
    /// <summary>The model asked for: it cannot do what the request needs.</summary>
    Model,
    /// <summary>An input of a whole-request model (text to embed, classify or rerank); <see cref="InferenceError.Index"/> says which.</summary>
    Input,
}
