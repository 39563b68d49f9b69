using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Rapport.Web.Tests.Support.BrowserCollectionFirst", "Rapport.Web.Tests")]

namespace Rapport.Web.Tests.Support;

/// <summary>
/// Starts the browser collection first. Its tests run one after another (one app, one browser) for minutes, while the
/// other collections are short and run side by side; started last (xUnit's default order put it there), it ran alone
/// at the end of the run with a core idle. The rest keep xUnit's default order.
/// </summary>
public sealed class BrowserCollectionFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = new DefaultTestCollectionOrderer().OrderTestCollections(testCollections).ToList();
        return [.. ordered.Where(IsBrowser), .. ordered.Where(c => !IsBrowser(c))];
    }

    private static bool IsBrowser(ITestCollection collection) => collection.DisplayName == BrowserCollection.Name;
}
