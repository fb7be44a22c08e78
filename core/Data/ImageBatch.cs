namespace NasPS.Data;

/// <summary>
/// A batch of images as NCHW float32 values with their labels (−1 where a format has none). Plain arrays: the engine
/// wraps them in a tensor, and scoring code never depends on where the images came from.
/// </summary>
public sealed class ImageBatch
{
    public ImageBatch(float[] pixels, int[] labels, int channels, int height, int width, string source)
    {
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentException($"{source}: image dimensions must be positive ({channels}×{height}×{width}).");
        int perImage = channels * height * width;
        if (pixels.Length % perImage != 0) throw new ArgumentException($"{source}: {pixels.Length} values are not a whole number of {channels}×{height}×{width} images.");
        if (labels.Length != pixels.Length / perImage) throw new ArgumentException($"{source}: {labels.Length} labels for {pixels.Length / perImage} images.");
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        Source = source;
    }

    public float[] Pixels { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Where the batch came from and how it was made, for the protocol record on every score.</summary>
    public string Source { get; }
    public int[] Shape => [Count, Channels, Height, Width];

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageBatch Select(IReadOnlyList<int> indices, string source)
    {
        int perImage = Channels * Height * Width;
        var pixels = new float[indices.Count * perImage];
        var labels = new int[indices.Count];
        for (int k = 0; k < indices.Count; k++)
        {
            int i = indices[k];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"{Source} has {Count} images.");
            Array.Copy(Pixels, (long)i * perImage, pixels, (long)k * perImage, perImage);
            labels[k] = Labels[i];
        }
        return new ImageBatch(pixels, labels, Channels, Height, Width, source);
    }
}
