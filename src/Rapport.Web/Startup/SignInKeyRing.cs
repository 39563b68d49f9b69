using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;
using Rapport.Persistence;
using Rapport.Privacy;

namespace Rapport.Web.Startup;

/// <summary>
/// The key ring that signs sign-in cookies, bearer tokens and antiforgery tokens (ASP.NET Core Data Protection).
/// It lives in the database, so every instance shares it, and each key's XML is encrypted with an X.509 certificate
/// that is NOT in the database (<c>DataProtection:CertificatePath</c>, <c>DataProtection:CertificatePassword</c>):
/// a stolen database or backup cannot forge a sign-in. In Development the certificate is made on first run under the
/// user's profile, never inside the repository. See docs/decisions/0014-sign-in-key-ring.md.
/// </summary>
internal static class SignInKeyRing
{
    /// <summary>
    /// Keys that must never sign anything again, whatever key ring still holds them. 8cd853cc… was committed to the
    /// public repository until December 2026 (issue 10): anyone with a clone could forge a sign-in with it. An expired
    /// key still decrypts, so it is revoked, not merely left to expire.
    /// </summary>
    internal static readonly IReadOnlyList<Guid> Revoked = [Guid.Parse("8cd853cc-c475-48d4-96e0-acbc79390d3a")];

    public const string CertificatePathKey = "DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "DataProtection:CertificatePassword";

    public static void AddRapportDataProtection(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("Rapport")
            .PersistKeysToDbContext<RapportDb>();
        if (ProtectingCertificate.Load(builder.Configuration, builder.Environment) is { } certificate)
        {
            // On Linux there is no certificate store to find the decrypting key in: name the certificate for both ways.
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
    }
}

/// <summary>Loads the certificate that encrypts the sign-in key ring; creates one for Development on first run.</summary>
internal static class ProtectingCertificate
{
    /// <summary>Outside any repository: the user's configuration folder (~/.config/rapport on Linux).</summary>
    public static string DevelopmentPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "rapport", "dataprotection-development.pfx");

    /// <summary>The configured certificate, or in Development the generated one; <c>null</c> when none is usable (ProductionSafetyCheck refuses that).</summary>
    public static X509Certificate2? Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration[SignInKeyRing.CertificatePathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            if (!environment.IsDevelopment())
            {
                return null;
            }

            path = DevelopmentPath;
        }

        if (!File.Exists(path))
        {
            if (!environment.IsDevelopment())
            {
                return null;
            }

            CreateDevelopmentCertificate(path);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, configuration[SignInKeyRing.CertificatePasswordKey]);
    }

    internal static void CreateDevelopmentCertificate(string path)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Rapport Data Protection (Development)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        try
        {
            OwnerOnlyFiles.WriteNew(path, certificate.Export(X509ContentType.Pkcs12));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance made it first: use theirs.
        }
    }
}

/// <summary>
/// Applies <see cref="SignInKeyRing.Revoked"/> at start-up, before the server takes requests: a revocation element is
/// written to the shared key ring once, so every instance refuses those keys even if some old key ring still holds one.
/// </summary>
internal sealed class RevokeCompromisedSignInKeys(IServiceProvider services, IKeyManager keys, ILogger<RevokeCompromisedSignInKeys> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateViewerScope(Viewer.System);
        var db = scope.ServiceProvider.GetRequiredService<RapportDb>();
        var written = await db.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(cancellationToken);
        foreach (var id in SignInKeyRing.Revoked.Where(id => !written.Contains($"revocation-{id:D}")))
        {
            keys.RevokeKey(id, "Published in the source repository (issue 10)");
            logger.LogWarning("Revoked sign-in key {KeyId}: it was published and must never be trusted", id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
