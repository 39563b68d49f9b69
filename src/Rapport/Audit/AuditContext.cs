namespace Rapport.Audit;

/// <summary>
/// Where the current request comes from, for the audit trail. Filled in by the web host per request; empty in the
/// CLI. Values come from the network and are cleaned of control characters, so they cannot forge lines in a log
/// or an export (fhir-server does the same).
/// </summary>
public sealed class AuditContext
{
    public const int MaxIpLength = 64;
    public const int MaxUserAgentLength = 256;
    public const int MaxReasonLength = 1000;

    private string? _ipAddress;
    private string? _userAgent;

    public string? IpAddress
    {
        get => _ipAddress;
        set => _ipAddress = Clean(value, MaxIpLength);
    }

    public string? UserAgent
    {
        get => _userAgent;
        set => _userAgent = Clean(value, MaxUserAgentLength);
    }

    /// <summary>Removes control characters (CR, LF, NUL, escape sequences…) and cuts to <paramref name="maxLength"/>.</summary>
    public static string? Clean(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var cleaned = new string([.. value.Where(c => !char.IsControl(c) && c is not '\u2028' and not '\u2029')]).Trim();
        if (cleaned.Length > maxLength)
        {
            cleaned = cleaned[..maxLength];
        }

        return cleaned.Length == 0 ? null : cleaned;
    }
}
