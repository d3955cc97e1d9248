namespace MicroAI.Server.Tests.Faults;

/// <summary>
/// The fault tests compare the process's file descriptors, threads and heap before and after; other
/// test classes running beside them would move those figures, so this collection runs on its own
/// (after the parallel ones) against a server of its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection : ICollectionFixture<FaultServerFixture>
{
    public const string Name = "Faults";
}

/// <summary>The shared test server with 2 slots and a queue of 64: more concurrent clients than slots queue up.</summary>
public sealed class FaultServerFixture : ServerFixture;
