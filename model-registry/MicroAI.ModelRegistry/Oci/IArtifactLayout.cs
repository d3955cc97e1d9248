namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// One way of publishing a model as an OCI artifact (MicroAI's, Ollama's, Docker Model Runner's):
/// recognised by its media types, turned into the files a pull produces. Stateless.
/// </summary>
internal interface IArtifactLayout
{
    string Name { get; }

    bool Matches(OciManifest manifest);

    /// <summary>Reads what is needed beyond the manifest (the config, small layers) and plans the files.</summary>
    Task<PullPlan> PlanAsync(OciManifest manifest, OciClient client, string repository, CancellationToken ct);
}
