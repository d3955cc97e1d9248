using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MicroAI.Server.Observability;

/// <summary>
/// The process's own resources under Prometheus' standard names (process_*, as client_golang and
/// prometheus-net export them) plus the .NET GC's view, so a leak shows on /metrics: resident
/// memory, open file descriptors, threads, GC heap. On Linux they come from one read of
/// /proc/self/stat and a listing of /proc/self/fd: System.Diagnostics.Process parses every
/// thread's /proc/self/task/*/stat on each refresh, which made a scrape cost ~4 ms of CPU with a
/// model loaded, too much for an inference gateway's endpoint picker that scrapes every 50–200 ms.
/// </summary>
internal static class ProcessMetrics
{
    private static readonly Process s_self = Process.GetCurrentProcess();
    private static readonly DateTime s_started = s_self.StartTime.ToUniversalTime();
    private static readonly Lock s_gate = new(); // Process.Refresh is not thread-safe; scrapes may overlap

    /// <summary>USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture .NET runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    public static void Render(StringBuilder sb)
    {
        long rss, virtualBytes, handles = 0;
        double cpu;
        int processThreads = 0;
        if (ProcSelfStat() is { } stat)
        {
            (rss, virtualBytes, cpu, processThreads) = stat;
        }
        else
        {
            lock (s_gate)
            {
                s_self.Refresh();
                rss = s_self.WorkingSet64;
                virtualBytes = s_self.VirtualMemorySize64;
                cpu = s_self.TotalProcessorTime.TotalSeconds;
                handles = s_self.HandleCount;
                processThreads = s_self.Threads.Count;
            }
        }

        Gauge(sb, "process_resident_memory_bytes", "Resident memory size in bytes", rss);
        Gauge(sb, "process_virtual_memory_bytes", "Virtual memory size in bytes", virtualBytes);
        Gauge(sb, "process_open_fds", "Open file descriptors (handles on Windows)", OpenFileDescriptors() ?? handles);
        Gauge(sb, "process_threads", "OS threads of the process", processThreads);
        Header(sb, "process_cpu_seconds_total", "User and system CPU time spent in seconds", "counter");
        sb.Append("process_cpu_seconds_total ").Append(cpu.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        Gauge(sb, "process_start_time_seconds", "Start time of the process since the Unix epoch in seconds",
            new DateTimeOffset(s_started).ToUnixTimeSeconds());

        var gc = GC.GetGCMemoryInfo();
        Gauge(sb, "dotnet_gc_heap_bytes", "Managed heap size after the last GC (all generations, fragmentation included)", gc.HeapSizeBytes);
        Gauge(sb, "dotnet_gc_allocated_bytes", "Bytes currently thought to be allocated on the managed heap", GC.GetTotalMemory(forceFullCollection: false));
        Gauge(sb, "dotnet_gc_committed_bytes", "Memory committed by the GC", gc.TotalCommittedBytes);
        Header(sb, "dotnet_gc_collections_total", "Garbage collections by generation", "counter");
        for (var g = 0; g <= GC.MaxGeneration; g++)
            sb.Append("dotnet_gc_collections_total{generation=\"").Append(g).Append("\"} ").Append(GC.CollectionCount(g)).Append('\n');
        Gauge(sb, "dotnet_threadpool_threads", "Thread-pool threads", ThreadPool.ThreadCount);
    }

    /// <summary>
    /// Resident and virtual bytes, CPU seconds (user + system) and threads from /proc/self/stat
    /// (proc(5): fields 14, 15, 20, 23, 24, counted after the parenthesised command name, which may
    /// hold spaces); null where there is no /proc.
    /// </summary>
    private static (long Rss, long Virtual, double Cpu, int Threads)? ProcSelfStat()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            var text = File.ReadAllText("/proc/self/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state), so field k is fields[k - 3].
            long Field(int k) => long.Parse(fields[k - 3], CultureInfo.InvariantCulture);
            return (Field(24) * Environment.SystemPageSize, Field(23), (Field(14) + Field(15)) / ClockTicksPerSecond, (int)Field(20));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static long? s_fds;
    private static long s_fdsCounted;

    /// <summary>
    /// Entries of /proc/self/fd, less the one the listing itself opens; null where there is no /proc.
    /// Counted at most once a second: listing ~240 descriptors costs ~1.8 ms (.NET stats each
    /// symlink's target), most of a scrape, and a gauge a second old says the same about a leak.
    /// </summary>
    private static long? OpenFileDescriptors()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref s_fdsCounted) < 1000 && s_fdsCounted != 0)
            return s_fds;
        s_fds = CountEntries("/proc/self/fd") is { } n ? n - 1 : null;
        Volatile.Write(ref s_fdsCounted, now);
        return s_fds;
    }

    private static long? CountEntries(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return Directory.EnumerateFileSystemEntries(directory).LongCount();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Gauge(StringBuilder sb, string name, string help, long value)
    {
        Header(sb, name, help, "gauge");
        sb.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Header(StringBuilder sb, string name, string help, string type) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
}
