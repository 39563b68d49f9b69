using Rapport.Email;

namespace Rapport.Testing;

/// <summary>Keeps every email instead of sending it, so a test can read what a client or a supervisor would get.</summary>
public sealed class RecordingMailer : IMailer
{
    public List<OutgoingMail> Sent { get; } = [];

    public Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        // Reminder tests send from two instances at once.
        lock (Sent)
        {
            Sent.Add(mail);
        }

        return Task.CompletedTask;
    }
}
