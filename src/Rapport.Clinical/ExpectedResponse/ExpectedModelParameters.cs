using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rapport.Clinical.ExpectedResponse;

/// <summary>One session's regression of score on intake: expected = <paramref name="Intercept"/> + <paramref name="Slope"/> · intake.</summary>
/// <param name="Intercept">Intercept.</param>
/// <param name="Slope">Slope on the intake score.</param>
/// <param name="ResidualSd">Residual SD, the band's scale.</param>
public readonly record struct SessionFit(double Intercept, double Slope, double ResidualSd);

/// <summary>
/// The numbers that define a refitted <see cref="RegressionModel"/>, so an application can store a practice's fitted
/// model and use it again without refitting (<see cref="RegressionModel.ToParameters"/>,
/// <see cref="RegressionModel.Restore"/>). The default curve needs no parameters (it follows from the instrument);
/// nearest neighbours keeps its whole pool of episodes and is not stored this way.
/// </summary>
/// <param name="InstrumentId">The outcome instrument.</param>
/// <param name="Tolerance">Band half-width in residual SDs.</param>
/// <param name="Episodes">Episodes the model was fitted on.</param>
/// <param name="Sessions">Coefficients for sessions 2, 3, … (index 0 = session 2).</param>
public sealed record ExpectedModelParameters(string InstrumentId, double Tolerance, int Episodes, IReadOnlyList<SessionFit> Sessions)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Reject what this version does not understand rather than silently dropping it.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>The parameters as compact JSON (round-trip exact for doubles).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Reads parameters written by <see cref="ToJson"/>. Throws <see cref="FormatException"/> for text that is not such
    /// JSON (missing or unknown fields included); whether the numbers make a usable model is checked by
    /// <see cref="RegressionModel.Restore"/>.
    /// </summary>
    public static ExpectedModelParameters FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<ExpectedModelParameters>(json, Json)
                ?? throw new FormatException("expected-response parameters: the JSON is null");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"expected-response parameters are not valid: {ex.Message}", ex);
        }
    }
}
