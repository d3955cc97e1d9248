namespace MicroAI.Engines.Onnx.Tests;

public sealed class DisposalTests
{
    [Fact]
    public void Two_hundred_sessions_open_and_close()
    {
        var input = OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28);
        for (var i = 0; i < 200; i++)
        {
            using var session = OnnxTestRuntime.Environment.OpenSession(OnnxTestRuntime.MnistModel,
                new OnnxRuntimeOptions { ExecutionProvider = "cpu", IntraOpThreads = 1 });
            if (i % 50 == 0)
                Assert.Equal(1, OnnxTestRuntime.ArgMax(session.Run([input])[0].AsSpan<float>()));
        }
    }

    [Fact]
    public void A_disposed_session_refuses_to_run_and_disposes_twice_quietly()
    {
        var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);
        session.Dispose();
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]));
    }

    [Fact]
    public void Sessions_outlive_a_disposed_owned_environment()
    {
        var environment = OnnxRuntimeEnvironment.Create();
        using var session = environment.OpenSession(OnnxTestRuntime.MnistModel, new OnnxRuntimeOptions { ExecutionProvider = "cpu" });
        environment.Dispose();

        // The session's reference keeps the OrtEnv alive; new sessions are refused.
        Assert.Single(session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]));
        Assert.Throws<ObjectDisposedException>(() => environment.OpenSession(OnnxTestRuntime.MnistModel));
    }

    [Fact]
    public void Disposing_the_shared_environment_does_nothing()
    {
        var shared = OnnxTestRuntime.Environment;
        shared.Dispose();

        Assert.Same(shared, OnnxRuntimeEnvironment.Shared());
        using var session = shared.OpenSession(OnnxTestRuntime.MnistModel, new OnnxRuntimeOptions { ExecutionProvider = "cpu" });
        Assert.Single(session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]));
    }
}
