using System.Numerics;
using NasPS.Networks.Layers;

namespace NasPS.Networks;

public static class ModuleExtensions
{
    /// <summary>Bypasses (or restores) every BatchNorm2d whose dotted name passes <paramref name="filter"/> (all when null);
    /// returns how many were changed. FreeREA's Synflow bypasses all; zero-cost-nas keeps the reduction blocks'.</summary>
    public static int SetBatchNormBypass<T>(this Module<T> module, bool bypassed, Func<string, bool>? filter = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = 0;
        foreach (var (name, m) in module.NamedModules())
            if (m is BatchNorm2d<T> bn && (filter is null || filter(name)))
            {
                bn.Bypassed = bypassed;
                n++;
            }
        return n;
    }
}
