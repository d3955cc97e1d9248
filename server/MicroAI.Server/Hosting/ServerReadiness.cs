namespace MicroAI.Server.Hosting;

public enum ReadinessState
{
    Loading,
    Ready,
    Failed,
}

/// <summary>Whether the server can answer: the default model is loaded, or there is none to load.</summary>
public sealed class ServerReadiness
{
    private volatile ReadinessState _state = ReadinessState.Loading;

    public ReadinessState State => _state;
    public string? Problem { get; private set; }

    public void MarkReady() => _state = ReadinessState.Ready;

    public void MarkFailed(string problem)
    {
        Problem = problem;
        _state = ReadinessState.Failed;
    }
}
