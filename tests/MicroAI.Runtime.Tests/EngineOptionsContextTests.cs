namespace MicroAI.Runtime.Tests;

/// <summary>One resolution of a slot's context for generation, embeddings and the memory estimate.</summary>
public sealed class EngineOptionsContextTests
{
    [Theory]
    [InlineData(null, 0, 32768L, 4096)]   // the training context, capped
    [InlineData(null, 0, 2048L, 2048)]    // a smaller training context as it is
    [InlineData(null, 0, null, 4096)]     // unknown training context: the cap, never a second fallback
    [InlineData(null, 0, 0L, 4096)]
    [InlineData(null, 1000, 32768L, 1000)] // the server's setting over the model's training
    [InlineData(512, 1000, 32768L, 512)]   // the model's own setting over the server's
    public void The_model_setting_then_the_server_setting_then_the_training_context_up_to_4096(int? perModel, int server, long? training, int expected)
    {
        var options = new EngineOptions { ContextSize = server };

        Assert.Equal(expected, options.ResolveContextTokens(perModel, training));
    }
}
