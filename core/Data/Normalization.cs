namespace NasPS.Data;

/// <summary>Per-channel (x − mean) / std. The presets are the protocols' own constants (spec §3.9): proxies are compared
/// with their references only when the inputs are normalised the same way.</summary>
public sealed record Normalization(string Name, float[] Mean, float[] Std)
{
    public static readonly Normalization Cifar10 = new("cifar10", [0.4914f, 0.4822f, 0.4465f], [0.2023f, 0.1994f, 0.2010f]);
    public static readonly Normalization Cifar100 = new("cifar100", [0.5070f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2761f]);
    public static readonly Normalization ImageNet16 = new("imagenet16", [0.48110f, 0.45749f, 0.40788f], [0.24792f, 0.24024f, 0.25525f]);
    /// <summary>The SWAP reference code's CIFAR-10 constants.</summary>
    public static readonly Normalization Swap = new("swap", [0.49139968f, 0.48215827f, 0.44653124f], [0.24703233f, 0.24348505f, 0.26158768f]);

    public static IReadOnlyList<Normalization> Presets { get; } = [Cifar10, Cifar100, ImageNet16, Swap];

    public static Normalization Preset(string name) =>
        Presets.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown normalisation '{name}'. Presets: {string.Join(", ", Presets.Select(p => p.Name))}.", nameof(name));

    public ImageBatch Apply(ImageBatch batch)
    {
        if (batch.Channels != Mean.Length)
            throw new ArgumentException($"{Name} normalisation has {Mean.Length} channels; {batch.Source} has {batch.Channels}.");
        var pixels = (float[])batch.Pixels.Clone();
        int plane = batch.Height * batch.Width;
        for (int i = 0; i < batch.Count; i++)
        for (int c = 0; c < batch.Channels; c++)
        {
            var span = pixels.AsSpan((i * batch.Channels + c) * plane, plane);
            float mean = Mean[c], inverseStd = 1f / Std[c];
            for (int p = 0; p < span.Length; p++) span[p] = (span[p] - mean) * inverseStd;
        }
        return new ImageBatch(pixels, batch.Labels, batch.Channels, batch.Height, batch.Width, $"{batch.Source}, normalised ({Name})");
    }
}
