namespace NasPS.Spaces;

/// <summary>The datasets the benchmarks report on; each fixes the classifier width and the input resolution.</summary>
public enum Dataset
{
    Cifar10,
    Cifar100,
    ImageNet16_120,
}

public static class DatasetInfo
{
    /// <summary>Names accepted wherever a dataset is given (case-insensitive), canonical first.</summary>
    public static readonly IReadOnlyList<string> Names = ["cifar10", "cifar100", "imagenet16"];

    public static int Classes(this Dataset d) => d switch
    {
        Dataset.Cifar10 => 10,
        Dataset.Cifar100 => 100,
        Dataset.ImageNet16_120 => 120,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    public static int Resolution(this Dataset d) => d == Dataset.ImageNet16_120 ? 16 : 32;

    /// <summary>The short name used in CSV columns, the CLI and the objects users see.</summary>
    public static string ShortName(this Dataset d) => d switch
    {
        Dataset.Cifar10 => "cifar10",
        Dataset.Cifar100 => "cifar100",
        Dataset.ImageNet16_120 => "imagenet16",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    public static Dataset Parse(string text)
    {
        if (TryParse(text, out var d)) return d;
        throw new ArgumentException($"Unknown dataset '{text}'. Expected one of: {string.Join(", ", Names)} (ImageNet16-120 is also accepted).", nameof(text));
    }

    public static bool TryParse(string? text, out Dataset dataset)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "cifar10" or "cifar-10": dataset = Dataset.Cifar10; return true;
            case "cifar100" or "cifar-100": dataset = Dataset.Cifar100; return true;
            case "imagenet16" or "imagenet16-120" or "imagenet16_120" or "imagenet16120": dataset = Dataset.ImageNet16_120; return true;
            default: dataset = default; return false;
        }
    }
}
