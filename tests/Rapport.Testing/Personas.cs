namespace Rapport.Testing;

/// <summary>
/// The demo practices' people (<c>DemoData</c>), by the sign-in a test uses for them: one name per persona instead of
/// an e-mail literal in every test. Constants, so they also serve in <c>[InlineData]</c>.
/// </summary>
public static class Personas
{
    /// <summary>Harbour's practice admin: accounts and settings, no clinical data.</summary>
    public const string HarbourAdmin = "admin@harbour.example";

    /// <summary>Harbour's supervisor of therapist1-3 (also a therapist).</summary>
    public const string Supervisor = "supervisor@harbour.example";

    /// <summary>Harbour therapist of client1-client12 (client11 and client12 are a couple).</summary>
    public const string Therapist1 = "therapist1@harbour.example";

    /// <summary>Harbour therapist of client13-client23 (22 and 23 a couple) and the group.</summary>
    public const string Therapist2 = "therapist2@harbour.example";

    /// <summary>Harbour therapist of client24-client34 (33 and 34 a couple) and the group.</summary>
    public const string Therapist3 = "therapist3@harbour.example";

    /// <summary>Harbour therapist new to the practice: no clients, an approved public profile (matching's cold start).</summary>
    public const string Therapist4 = "therapist4@harbour.example";

    /// <summary>Northside's therapist, also its practice admin: the other tenant.</summary>
    public const string NorthsideTherapist = "therapist@northside.example";

    public const string Client1 = "client1@harbour.example";
    public const string Client2 = "client2@harbour.example";
    public const string Client3 = "client3@harbour.example";
    public const string Client4 = "client4@harbour.example";
    public const string Client5 = "client5@harbour.example";
    public const string Client6 = "client6@harbour.example";
    public const string Client7 = "client7@harbour.example";
    public const string Client8 = "client8@harbour.example";
    public const string Client9 = "client9@harbour.example";

    /// <summary>One partner of therapist1's couple (with <see cref="Client12"/>).</summary>
    public const string Client11 = "client11@harbour.example";

    /// <summary>The other partner of therapist1's couple (with <see cref="Client11"/>).</summary>
    public const string Client12 = "client12@harbour.example";

    public const string Client13 = "client13@harbour.example";
    public const string Client14 = "client14@harbour.example";
    public const string Client22 = "client22@harbour.example";

    /// <summary>A client of therapist3.</summary>
    public const string Client24 = "client24@harbour.example";

    /// <summary>A member of the Harbour group (clients 35-40, with therapist2 and therapist3).</summary>
    public const string Client35 = "client35@harbour.example";

    public const string NorthsideClient1 = "client1@northside.example";
    public const string NorthsideClient2 = "client2@northside.example";
}
