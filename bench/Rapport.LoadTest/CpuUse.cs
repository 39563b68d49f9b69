using System.Diagnostics;
using System.Globalization;

namespace Rapport.LoadTest;

/// <summary>
/// Where the machine's CPU went during the measured window: the whole machine (/proc/stat), the app process and this
/// load driver. The raw insert loop needs almost no CPU (its limit is the commit), so when the app is CPU-bound the
/// ratio check-in writes ÷ raw inserts is set by CPU per answer, not by anything that serialises writes: this says which.
/// </summary>
internal sealed record CpuUse(double MachineBusySeconds, double MachineSeconds, double AppSeconds, double DriverSeconds, long Timestamp, TimeSpan Wall)
{
    private static readonly double Tick = 100.0; // USER_HZ: /proc/stat counts in 1/100 s on Linux

    public static CpuUse Sample(Process? app)
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        app?.Refresh();
        return new CpuUse((total - idle) / Tick, total / Tick, app?.TotalProcessorTime.TotalSeconds ?? 0,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, Stopwatch.GetTimestamp(), TimeSpan.Zero);
    }

    public CpuUse Since(CpuUse before) => new(
        MachineBusySeconds - before.MachineBusySeconds, MachineSeconds - before.MachineSeconds,
        AppSeconds - before.AppSeconds, DriverSeconds - before.DriverSeconds, Timestamp, Stopwatch.GetElapsedTime(before.Timestamp, Timestamp));

    public string Describe(long requests, int answers)
    {
        var inv = CultureInfo.InvariantCulture;
        var wall = Wall.TotalSeconds;
        var busy = MachineSeconds > 0 ? MachineBusySeconds / MachineSeconds : 0;
        var rest = MachineBusySeconds - AppSeconds - DriverSeconds;
        return string.Create(inv, $"cpu in the measured window: machine {busy:P0} busy ({MachineBusySeconds / wall:F2} of {Environment.ProcessorCount} cores); " +
            $"app {AppSeconds / wall:F2} cores ({(requests > 0 ? AppSeconds * 1000 / requests : 0):F1} ms a request, {(answers > 0 ? AppSeconds * 1000 / answers : 0):F1} ms an acknowledged answer with everything else the mix does); " +
            $"load driver {DriverSeconds / wall:F2} cores; database and the rest {rest / wall:F2} cores\n");
    }
}
