using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Privacy;

/// <summary>Carries the key ring into the EF model; the model is cached per key ring file.</summary>
internal sealed class FieldEncryptionOptions(FieldKeyRing ring) : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    public FieldKeyRing Ring { get; } = ring;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(FieldEncryptionOptions extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
        }
    }
}

/// <summary>Two databases with different key rings in one process (tests, the CLI) must not share a model, whose converters hold the ring.</summary>
internal sealed class RingAwareModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), context.GetService<IDbContextOptions>().FindExtension<FieldEncryptionOptions>()?.Ring.Path, designTime);
}
