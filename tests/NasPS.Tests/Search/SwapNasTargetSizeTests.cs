using NasPS.Proxies;
using NasPS.Search;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Search;

/// <summary>SWAP-NAS's size control: a target size centres the regularised SWAP score's μ on it and names the ranking.</summary>
public class SwapNasTargetSizeTests
{
    private static SearchRequest Request(SearchMethod method, long? target) =>
        new() { Method = method, Space = NasBench201Space.Instance, TargetParameters = target };

    [Fact]
    public void ATargetSizeCentresTheRegulariserAndNamesIt()
    {
        var proxy = SwapProxy.ForTargetSize(400_000);
        Assert.True(proxy.Regularised);
        Assert.Equal(400, proxy.Mu);
        Assert.Equal(SwapProxy.DefaultSigma, proxy.Sigma);
        Assert.Equal("swap-reg-400k", proxy.Name);
        Assert.Equal("swap-reg", new SwapProxy(regularised: true).Name);
        Assert.Equal("swap-reg-400k-2500", new SwapProxy(regularised: true, mu: 400, sigma: 2500).Name);
        // At the target the factor is 1; 300k parameters away it is exp(−300²/10⁶).
        Assert.Equal(1234.0, SwapScore.Regularise(1234, 400_000, proxy.Mu, proxy.Sigma), 12);
        Assert.Equal(1234.0 * Math.Exp(-0.09), SwapScore.Regularise(1234, 700_000, proxy.Mu, proxy.Sigma), 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => SwapProxy.ForTargetSize(0));
    }

    [Fact]
    public void TheLauncherRanksSwapNasByTheTargetedProxyOnly()
    {
        var proxies = SearchLauncher.LiveProxies(Request(SearchMethod.SwapNas, 250_000), ["swap-reg", "params"]);
        Assert.Equal(["swap-reg-250k", "params"], proxies.Select(p => p.Name));
        Assert.Equal(250, Assert.IsType<SwapProxy>(proxies[0]).Mu);
        Assert.Equal("swap-reg", SearchLauncher.LiveProxies(Request(SearchMethod.SwapNas, null), ["swap-reg"]).Single().Name);
        var e = Assert.Throws<ArgumentException>(() => SearchLauncher.LiveProxies(Request(SearchMethod.FreeRea, 250_000), ["naswot"]));
        Assert.Contains("TargetParameters", e.Message);
    }

    [Fact]
    public void SwapNasIsFreeReasEvolutionRankedByRegularisedSwap()
    {
        Assert.Equal(["swap-reg"], SearchLauncher.DefaultProxies(SearchMethod.SwapNas));
        // The same evolution as FreeREA: with the same (here closed-form) ranking, the same seed visits the same architectures.
        var swapNas = SearchLauncher.Run(Request(SearchMethod.SwapNas, null) with { Seed = 5, Proxies = ["params"], MaxEvaluations = 130 });
        var freeRea = SearchLauncher.Run(Request(SearchMethod.FreeRea, null) with { Seed = 5, Proxies = ["params"], MaxEvaluations = 130 });
        Assert.Equal(freeRea.History.Select(v => v.Architecture), swapNas.History.Select(v => v.Architecture));
        Assert.Equal("max-evaluations", swapNas.StopReason);
    }
}
