namespace Rapport.LoadTest;

// Not top-level statements: those would declare a global Program, the same name as the web app's, which the web tests
// (that reference this project for CheckInClient) start with WebApplicationFactory<Program>.
internal static class Program
{
    public static Task<int> Main(string[] args) => LoadTestCommand.RunAsync(args);
}
