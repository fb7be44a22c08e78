using NasPS.Proxies;

namespace NasPS.Cmdlets;

/// <summary>Completes -X/-Y with the numeric properties NasPS puts on architecture objects: costs, TestAccuracy from
/// Add-BenchmarkResult, and every registered proxy's score property. Any other property name may still be typed.</summary>
public sealed class PropertyNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names =>
        new[] { "Parameters", "Flops", "TestAccuracy" }.Concat(ZeroCostProxies.Names.Select(ProxyPropertyNames.For));
}
