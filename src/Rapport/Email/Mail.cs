using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Rapport.Privacy;

namespace Rapport.Email;

/// <summary>An email Rapport sends. Bodies never carry clinical content: links and plain notices only.</summary>
public sealed record OutgoingMail(string To, string Subject, string TextBody);

public interface IMailer
{
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default);
}

public sealed class EmailOptions
{
    public string From { get; set; } = "Rapport <no-reply@rapport.local>";

    /// <summary>Where messages go when no SMTP host is set (always in Development): one .eml file each.</summary>
    public string OutboxPath { get; set; } = "data/outbox";

    /// <summary>Where Rapport is reached: set from <see cref="SiteLinks"/> (configuration key <c>SiteUrl</c>), the one home of emailed links.</summary>
    public string SiteUrl { get; set; } = "";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public string? SmtpUserName { get; set; }
    public string? SmtpPassword { get; set; }
    public bool UseOutbox => string.IsNullOrWhiteSpace(SmtpHost);
}

/// <summary>Writes each message as an .eml file; <c>/dev/outbox</c> lists them in Development.</summary>
public sealed class OutboxMailer(EmailOptions options, TimeProvider clock) : IMailer
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        using var message = Compose(options, mail);
        var name = $"{clock.GetUtcNow():yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml";
        var path = Path.Combine(options.OutboxPath, name);
        OwnerOnlyFiles.CreateFolderFor(path);
        // Queued mail holds reset and invitation links: owner-only, like the keys.
        await using var file = new FileStream(path, OwnerOnlyFiles.CreateNew());
        await message.WriteToAsync(file, cancellationToken);
    }

    public static IReadOnlyList<OutboxMessage> Read(EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(options.OutboxPath))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(options.OutboxPath, "*.eml")
            .OrderDescending()
            .Select(file =>
            {
                using var message = MimeMessage.Load(file);
                return new OutboxMessage(Path.GetFileName(file), message.To.ToString(), message.Subject ?? "", message.TextBody ?? "", message.Date);
            })];
    }

    internal static MimeMessage Compose(EmailOptions options, OutgoingMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.Body = new TextPart("plain") { Text = mail.TextBody };
        return message;
    }
}

public sealed record OutboxMessage(string FileName, string To, string Subject, string Body, DateTimeOffset Date);

public sealed class SmtpMailer(EmailOptions options) : IMailer
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        using var message = OutboxMailer.Compose(options, mail);
        using var client = new SmtpClient();
        await client.ConnectAsync(options.SmtpHost ?? throw new InvalidOperationException("Email:SmtpHost is not set."), options.SmtpPort, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
        if (!string.IsNullOrEmpty(options.SmtpUserName))
        {
            await client.AuthenticateAsync(options.SmtpUserName, options.SmtpPassword ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}

public static class MailRegistration
{
    public static IServiceCollection AddRapportMail(this IServiceCollection services, IConfiguration configuration, bool development)
    {
        var options = new EmailOptions();
        configuration.GetSection("Email").Bind(options);
        var site = new SiteLinks(SiteLinks.Configured(configuration, development));
        options.SiteUrl = site.Root?.AbsoluteUri.TrimEnd('/') ?? "";
        services.AddSingleton(site);
        if (development)
        {
            options.SmtpHost = null;
        }

        services.AddSingleton(options);
        if (options.UseOutbox)
        {
            services.AddSingleton<IMailer, OutboxMailer>();
        }
        else
        {
            services.AddSingleton<IMailer, SmtpMailer>();
        }

        return services;
    }
}
