namespace NasPS.Cli;

/// <summary>One `nasps` subcommand. Commands parse nothing themselves beyond what <see cref="Arguments"/> gives them.</summary>
public interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    /// <summary>Usage lines shown by `nasps help NAME` and on a usage error.</summary>
    string Usage { get; }
    /// <summary>Option names taking a value.</summary>
    IReadOnlyList<string> Options { get; }
    /// <summary>Option names taking no value.</summary>
    IReadOnlySet<string> Switches { get; }
    int Run(Arguments args, TextWriter output, TextWriter error);
}
