using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MicroAI.Server.Limits;

/// <summary>
/// Kestrel's connection and header limits for a LAN box or an edge device: a handful of API
/// clients, no browsers full of cookies, and a few hundred file descriptors to spare. Applied
/// before the <c>Kestrel</c> configuration section is bound, so <c>Kestrel:Limits:*</c> overrides
/// any of them; the body size comes from <see cref="RequestLimits.MaxRequestBodyBytes"/>.
/// </summary>
internal static class KestrelDefaults
{
    public static void Apply(KestrelServerOptions options, RequestLimits limits)
    {
        var l = options.Limits;
        l.MaxRequestBodySize = limits.MaxRequestBodyBytes;

        // Slow-loris: a client trickling its headers holds a connection; real clients send them in
        // one packet. 10 s (Kestrel: 30 s) is still generous for a congested Wi-Fi link.
        l.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // Idle keep-alive connections: OpenAI's Python client (httpx) drops its own after 5 s and
        // .NET's pool after 2 min idle; 60 s (Kestrel: 130 s) keeps reuse and frees idle sockets sooner.
        l.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        // Many idle connections: each costs a socket and a file descriptor (1024 is a common ulimit).
        // 512 is 8 × the default request queue (64 per model), far above what slots can serve at once.
        l.MaxConcurrentConnections = 512;
        // Nothing here upgrades (no WebSockets); a few in case a proxy tries, not an unbounded number.
        l.MaxConcurrentUpgradedConnections = 16;
        // API clients send 5–15 headers; Kestrel's 100 / 32 KiB is sized for browsers with cookies.
        l.MaxRequestHeaderCount = 64;
        l.MaxRequestHeadersTotalSize = 16 * 1024;
        // Paths here are short (/v1/models/{id}); 8 KiB is Kestrel's default, kept explicit.
        l.MaxRequestLineSize = 8 * 1024;
        // A body must keep arriving at 1 KiB/s after a 10 s grace (Kestrel: 240 B/s after 5 s): a
        // 32 MiB upload at that pace still finishes, a client dripping bytes to hold a slot does not.
        l.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(10));
        // MinResponseDataRate stays Kestrel's (240 B/s after 5 s): it is timed only while a write
        // waits on a client that is not reading, never while the server itself has nothing to send,
        // so a slow generation (tokens trickling at 1/s into a stream) is not cut off, while a client
        // that stops reading a stream is, which frees its slot. A stricter rate would cut slow
        // clients on weak links; none (null) would let a stalled reader hold a slot for ever.

        // HTTP/2 (TLS endpoints): Kestrel allows 100 streams per connection; one client rarely has
        // more than a few generations in flight, and each stream can hold a slot.
        l.Http2.MaxStreamsPerConnection = 32;
        l.Http2.MaxRequestHeaderFieldSize = 8 * 1024;
        l.Http2.HeaderTableSize = 4096;
    }
}
