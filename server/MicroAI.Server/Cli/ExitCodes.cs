namespace MicroAI.Server.Cli;

/// <summary>What the CLI's exit status means (scripts test these).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Disk, network or engine trouble.</summary>
    public const int Failed = 1;
    /// <summary>Bad arguments, a bad name, a file that is not a model, a digest mismatch.</summary>
    public const int Invalid = 2;
    /// <summary>No such model, file or URL.</summary>
    public const int NotFound = 3;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;

    public static int From(MicroAI.ModelRegistry.Store.StoreErrorKind kind) => kind switch
    {
        MicroAI.ModelRegistry.Store.StoreErrorKind.None => Ok,
        MicroAI.ModelRegistry.Store.StoreErrorKind.NotFound => NotFound,
        MicroAI.ModelRegistry.Store.StoreErrorKind.Invalid => Invalid,
        _ => Failed,
    };
}
