using BenchmarkDotNet.Attributes;
using Rapport.Clinical.Alliance;
using Rapport.Clinical.ExpectedResponse;
using Rapport.Clinical.Instruments;
using Rapport.Clinical.Scoring;

namespace Rapport.Benchmarks.Clinical;

/// <summary>
/// One check-in for a client with 50 earlier sessions: score PHQ-9, GAD-7 and the Session Check, then every signal
/// (alliance signals at the latest session, not-on-track for PHQ-9 and GAD-7). Budget: ≤ 20 µs.
/// </summary>
[MemoryDiagnoser]
public class CheckInBenchmark
{
    private readonly Instrument _phq9 = InstrumentCatalog.Get("phq-9");
    private readonly Instrument _gad7 = InstrumentCatalog.Get("gad-7");
    private readonly Instrument _check = InstrumentCatalog.Get("rapport-session-check");
    private readonly int?[] _phqAnswers = [2, 1, 1, 2, 1, 0, 1, 1, 1];
    private readonly int?[] _gadAnswers = [1, 1, 2, 1, 0, 1, 1];
    private readonly int?[] _checkAnswers = [9, 8, 8, 9];
    private AlliancePoint[] _alliance = [];
    private double[] _phqSeries = [];
    private double[] _gadSeries = [];
    private ExpectedResponseModel _phqModel = null!;
    private ExpectedResponseModel _gadModel = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _alliance = new AlliancePoint[51];
        _phqSeries = new double[51];
        _gadSeries = new double[51];
        for (var i = 0; i < 50; i++)
        {
            _alliance[i] = new AlliancePoint(i + 1, 30 + random.Next(0, 9));
            _phqSeries[i] = Math.Max(0, 18 - (i / 5) + random.Next(-2, 3));
            _gadSeries[i] = Math.Max(0, 14 - (i / 6) + random.Next(-2, 3));
        }

        _phqModel = ExpectedResponseModel.Default(_phq9);
        _gadModel = ExpectedResponseModel.Default(_gad7);
    }

    [Benchmark]
    public int CheckIn()
    {
        var phq = ScoreResponse.ScoreInOrder(_phq9, _phqAnswers).Result!;
        var gad = ScoreResponse.ScoreInOrder(_gad7, _gadAnswers).Result!;
        var check = ScoreResponse.ScoreInOrder(_check, _checkAnswers).Result!;
        _alliance[50] = new AlliancePoint(51, check.Total!.Value);
        _phqSeries[50] = phq.Total!.Value;
        _gadSeries[50] = gad.Total!.Value;
        var signals = AllianceSignals.DetectLatest(_check, _alliance);
        var phqTrack = NotOnTrack.Evaluate(_phqModel, _phqSeries);
        var gadTrack = NotOnTrack.Evaluate(_gadModel, _gadSeries);
        return signals.Count + phq.Alerts.Count + (phqTrack.OffTrack ? 1 : 0) + (gadTrack.OffTrack ? 1 : 0);
    }
}
