namespace Rapport.LoadTest.CheckIns;

/// <summary>
/// One answer the server acknowledged (200 from <c>POST /api/my/check-in/answers</c>): from then on it must never be
/// lost. <see cref="Submitted"/> says the server reported this answer as the one that completed the instrument, so a
/// stored response (not a draft) must hold it.
/// </summary>
public sealed record AcknowledgedAnswer(
    string Email, Guid EpisodeId, string InstrumentId, string LinkId, int Value, bool Submitted, DateTimeOffset At);
