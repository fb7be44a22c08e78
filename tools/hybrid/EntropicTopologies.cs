#:project ../../core/NasPS.Core.csproj
// Entropic score of seven HybridEdge topologies at 64×64 (depth 2, expansion 4) over three width settings and seeds 1–3
// (docs/hybrid-edge.md "Sanity"). Run from the repository root: dotnet run -c Release tools/hybrid/EntropicTopologies.cs
using NasPS.Data;
using NasPS.Proxies;
using NasPS.Spaces;
using NasPS.Spaces.HybridEdge;
int[][] widths = [[16, 32, 64, 96], [24, 48, 96, 160], [32, 64, 128, 256]];
string[] topologies = ["mb5se|mb5se|attn:h2:m2|attn:h2:m2", "mb5|mb5|attn:h2:m2|attn:h2:m2", "mb7|mb7|attn_dw:h2:m2|attn_dw:h2:m2", "mb3|mb3|mb3|mb3", "mb3se|mb3se|mb3se|mb3se", "mb3|mb3|attn:h4:m4|attn:h4:m4", "mb3|mb3|mb3|attn:h4:m4"];
var proxy = ZeroCostProxies.Get("entropic");
Console.WriteLine(proxy.Version);
foreach (var t in topologies)
{
    Console.Write($"{t,-40}");
    for (int w = 0; w < 3; w++)
    {
        var stages = t.Split('|').Select((block, i) => { var parts = block.Split(':'); return $"{parts[0]}:d2:w{widths[w][i]}:e4" + (parts.Length > 1 ? ":" + string.Join(":", parts[1..]) : ""); });
        var g = HybridEdgeSpace.With(64, 1000).Parse($"stem16|{string.Join("|", stages)}|head768");
        foreach (var seed in new ulong[] { 1, 2, 3 })
            Console.Write($" {proxy.Score(g, new ProxyContext { Dataset = Dataset.Cifar10, Seed = seed }).Value,6:F3}");
        Console.Write(" |");
    }
    Console.WriteLine();
}
