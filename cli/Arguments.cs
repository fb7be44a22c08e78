namespace NasPS.Cli;

/// <summary>A parsed command line: the command word, then `--name value` options and `--flag` switches.
/// Each command states which names it takes, so a typo is an error, not a silently ignored option.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _flags = new(StringComparer.OrdinalIgnoreCase);

    private Arguments(string command) => Command = command;

    public string Command { get; }

    /// <param name="flagNames">Options that take no value.</param>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flagNames)
    {
        if (args.Count == 0) throw new UsageException("No command given.");
        var parsed = new Arguments(args[0]);
        for (int i = 1; i < args.Count; i++)
        {
            string token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new UsageException($"Unexpected argument '{token}'; options look like --name value.");
            string name = token[2..];
            string? inlineValue = null;
            int eq = name.IndexOf('=');
            if (eq > 0) (name, inlineValue) = (name[..eq], name[(eq + 1)..]);
            if (flagNames.Contains(name))
            {
                if (inlineValue is not null) throw new UsageException($"--{name} is a switch and takes no value.");
                parsed._flags.Add(name);
                continue;
            }
            string value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"--{name} needs a value."));
            if (!parsed._options.TryAdd(name, value)) throw new UsageException($"--{name} is given twice.");
        }
        return parsed;
    }

    /// <summary>Fails on any option or switch the command does not know.</summary>
    public void RequireKnown(IEnumerable<string> known)
    {
        var set = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        foreach (var name in _options.Keys.Concat(_flags))
            if (!set.Contains(name))
                throw new UsageException($"'{Command}' has no option --{name}. Options: {string.Join(", ", set.Order().Select(n => "--" + n))}.");
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Option(string name, string fallback) => _options.GetValueOrDefault(name) ?? fallback;

    public long? Long(string name)
    {
        var text = Option(name);
        if (text is null) return null;
        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new UsageException($"--{name} must be an integer, not '{text}'.");
    }

    public bool Has(string name) => _options.ContainsKey(name) || _flags.Contains(name);
}

/// <summary>A command line that cannot be run as written; the message says why.</summary>
public sealed class UsageException(string message) : Exception(message);
