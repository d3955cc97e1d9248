namespace MicroAI.Server.Upstreams;

internal enum BreakerState
{
    /// <summary>Requests go through.</summary>
    Closed,
    /// <summary>The cooling period has passed: one request probes; the others are still skipped.</summary>
    HalfOpen,
    /// <summary>Skipped until the cooling period ends.</summary>
    Open,
}

/// <summary>
/// Skips an upstream after <c>failures</c> consecutive failures for a cooling period, so that when a
/// central server dies each request fails (or falls back) at once instead of waiting its own
/// timeout: with the defaults (3 failures, 30 s) a dead upstream costs three timeouts per 30 s
/// instead of one per request. After the period one request probes; its success closes the breaker,
/// its failure opens it for another period. Thread-safe.
/// </summary>
internal sealed class CircuitBreaker(int failures, TimeSpan cooldown, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _consecutive;
    private long _openUntil; // timestamp; 0 = closed
    private bool _probing;

    public int ConsecutiveFailures
    {
        get { lock (_lock) return _consecutive; }
    }

    public BreakerState State
    {
        get
        {
            lock (_lock)
                return StateLocked();
        }
    }

    /// <summary>Time left before the next probe (zero unless open).</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            lock (_lock)
            {
                if (_openUntil == 0)
                    return TimeSpan.Zero;
                var left = time.GetElapsedTime(time.GetTimestamp(), _openUntil);
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    /// <summary>True when a request may go to the upstream now (closed, or the one probe of half-open).</summary>
    public bool TryAcquire()
    {
        lock (_lock)
        {
            switch (StateLocked())
            {
                case BreakerState.Closed:
                    return true;
                case BreakerState.HalfOpen when !_probing:
                    _probing = true;
                    return true;
                default:
                    return false;
            }
        }
    }

    public void Success()
    {
        lock (_lock)
        {
            _consecutive = 0;
            _openUntil = 0;
            _probing = false;
        }
    }

    /// <summary>Counts a failure; returns true when this one opened the breaker.</summary>
    public bool Failure()
    {
        lock (_lock)
        {
            _consecutive++;
            var wasProbe = _probing;
            _probing = false;
            if (!wasProbe && _consecutive < failures && _openUntil == 0)
                return false;
            var opened = _openUntil == 0 || wasProbe;
            _openUntil = time.GetTimestamp() + (long)(cooldown.TotalSeconds * time.TimestampFrequency);
            return opened;
        }
    }

    /// <summary>A request that was let through ended without saying anything about the upstream (cancelled by its client).</summary>
    public void Release()
    {
        lock (_lock)
            _probing = false;
    }

    private BreakerState StateLocked()
    {
        if (_openUntil == 0)
            return BreakerState.Closed;
        return time.GetTimestamp() >= _openUntil ? BreakerState.HalfOpen : BreakerState.Open;
    }
}
