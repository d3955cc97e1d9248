namespace MicroAI.Server.Tests.Hostile;

/// <summary>What a hostile request must get back. No case may ever get a 5xx, hang or lose its connection.</summary>
internal enum Expect
{
    /// <summary>Certainly invalid: a 4xx in OpenAI's error shape.</summary>
    ClientError,
    /// <summary>Valid despite looking odd (unknown fields, say): a 2xx.</summary>
    Success,
    /// <summary>Valid or not depending on ranges or limits we do not model here: a 2xx or a 4xx error, never a 5xx.</summary>
    Either,
}

/// <summary>One request of the fuzz suite. <paramref name="Raw"/> cases go over a socket as-is (truncated bodies).</summary>
internal sealed record HostileCase(string Endpoint, string Kind, HttpMethod Method, string Path, byte[]? Body, string? ContentType, Expect Expect)
{
    /// <summary>A whole HTTP/1.1 request written to a socket, which is then half-closed.</summary>
    public byte[]? Raw { get; init; }

    /// <summary>The body is cut short or its framing is broken: closing the connection without an answer is also right.</summary>
    public bool MayClose { get; init; }

    /// <summary>
    /// Kestrel itself refuses the request line (a NUL in the decoded path, say) with an empty 400 before any
    /// middleware runs; that bare 400 is accepted for these cases only.
    /// </summary>
    public bool KestrelMayReject { get; init; }

    /// <summary>A pull from a source that cannot be reached: a 502 in OpenAI's shape is the right answer.</summary>
    public bool UpstreamMayFail { get; init; }

    public override string ToString()
    {
        var body = Body is null ? "" : System.Text.Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 160));
        return $"{Method} {(Path.Length > 100 ? Path[..100] + "…" : Path)} [{Kind}] {body}";
    }
}
