using NasPS.Spaces;

namespace NasPS.Cli.Commands;

public sealed class SpacesCommand : ICliCommand
{
    public string Name => "spaces";
    public string Summary => "list the search spaces";
    public string Usage => "nasps spaces";
    public IReadOnlyList<string> Options => [];
    public IReadOnlySet<string> Switches => new HashSet<string>();

    public int Run(Arguments args, TextWriter output, TextWriter error)
    {
        foreach (var name in SearchSpaces.Names)
        {
            var space = SearchSpaces.Get(name);
            var count = space.Count is long n ? $"{n:N0} architectures" : "unbounded";
            output.WriteLine($"{space.Name,-14} {count,-22} {space.Description}");
        }
        return 0;
    }
}
