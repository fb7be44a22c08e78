using NasPS.Randomness;

namespace NasPS.Data;

/// <summary>How proxy inputs are chosen: a seeded subset, a file-order range, noise, or FreeREA's augmentation.</summary>
public static class Batches
{
    /// <summary>
    /// A proxy input batch from a CIFAR binary file, as Get-InputBatch and the CLI's --data make it: images
    /// [<paramref name="start"/>, start + count) in file order, or <paramref name="count"/> sampled with <paramref name="seed"/>;
    /// FreeREA's augmentation when asked (pad 4); normalised with <paramref name="normalization"/> or the file's dataset preset.
    /// </summary>
    public static ImageBatch FromCifarFile(string path, int count, ulong seed, int? start = null, bool augment = false,
        CifarFormat? format = null, Normalization? normalization = null)
    {
        var layout = format ?? CifarReader.Detect(path)
            ?? throw new InvalidDataException($"{path}: cannot tell CIFAR-10 from CIFAR-100 records by the file size; name the format.");
        var images = start is int first ? CifarReader.Read(path, layout, first, count) : Sample(CifarReader.Read(path, layout), count, seed);
        if (augment) images = Augment(images, padding: 4, seed);
        return (normalization ?? (layout == CifarFormat.Cifar10 ? Normalization.Cifar10 : Normalization.Cifar100)).Apply(images);
    }

    /// <summary><paramref name="count"/> distinct images chosen uniformly with <paramref name="seed"/>, in draw order.</summary>
    public static ImageBatch Sample(ImageBatch source, int count, ulong seed)
    {
        if (count <= 0 || count > source.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{source.Source} has {source.Count} images; a batch needs 1..{source.Count}.");
        var order = Enumerable.Range(0, source.Count).ToArray();
        new Rng(seed).Shuffle<int>(order);
        return source.Select(order[..count], $"{source.Source}, {count} sampled with seed {seed}");
    }

    /// <summary>Images with i.i.d. N(0, 1) values, for data-free proxies (labels −1).</summary>
    public static ImageBatch Gaussian(int count, int channels, int height, int width, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[(long)count * channels * height * width];
        for (long i = 0; i < pixels.Length; i++) pixels[i] = (float)rng.NextGaussian();
        return new ImageBatch(pixels, Enumerable.Repeat(-1, count).ToArray(), channels, height, width, $"gaussian N(0,1), seed {seed}");
    }

    /// <summary>
    /// FreeREA's training augmentation: zero-pad by <paramref name="padding"/>, crop back to the original size at a random
    /// offset, flip horizontally with probability ½ — per image, seeded. Apply before normalisation, as torchvision does
    /// (the padding is then black, not the dataset mean).
    /// </summary>
    public static ImageBatch Augment(ImageBatch batch, int padding, ulong seed)
    {
        var rng = new Rng(seed);
        int c = batch.Channels, h = batch.Height, w = batch.Width, plane = h * w;
        var pixels = new float[batch.Pixels.Length];
        for (int i = 0; i < batch.Count; i++)
        {
            int dy = rng.NextInt(2 * padding + 1) - padding, dx = rng.NextInt(2 * padding + 1) - padding;
            bool flip = rng.NextInt(2) == 1;
            for (int ch = 0; ch < c; ch++)
            {
                int baseIndex = (i * c + ch) * plane;
                for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int sy = y + dy, sx = (flip ? w - 1 - x : x) + dx;
                    pixels[baseIndex + y * w + x] = (uint)sy < (uint)h && (uint)sx < (uint)w ? batch.Pixels[baseIndex + sy * w + sx] : 0f;
                }
            }
        }
        return new ImageBatch(pixels, batch.Labels, c, h, w, $"{batch.Source}, augmented (crop pad {padding} + flip, seed {seed})");
    }
}
