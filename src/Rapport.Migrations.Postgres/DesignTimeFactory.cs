using Microsoft.EntityFrameworkCore.Design;
using Rapport.Access;
using Rapport.Audit;
using Rapport.Persistence;

namespace Rapport.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for this provider without the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<RapportDb>
{
    public RapportDb CreateDbContext(string[] args)
    {
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            Path = "design-time.db",
            ConnectionString = "Host=localhost;Database=rapport_design;Username=postgres",
        };
        return new RapportDb(RapportDatabase.StandaloneOptions(options), new FixedViewerSource(Viewer.System), new AuditContext(), TimeProvider.System);
    }
}
