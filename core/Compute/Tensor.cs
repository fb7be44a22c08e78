using System.Numerics;
using NasPS.Compute.Autograd;

namespace NasPS.Compute;

/// <summary>
/// A dense, contiguous, row-major (NCHW for images) tensor of float or double with reverse-mode autograd.
/// One generic implementation serves both element types. Reshape gives a view that shares the buffer.
/// </summary>
public sealed class Tensor<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _shape;
    private bool _requiresGrad;

    internal Tensor(Storage<T> storage, int[] shape)
    {
        int length = Shapes.Length(shape);
        if (length > storage.Length) throw new ArgumentException($"Shape {Shapes.Format(shape)} needs {length} elements; the buffer has {storage.Length}.");
        Storage = storage;
        _shape = shape;
        Length = length;
    }

    internal Storage<T> Storage { get; }

    /// <summary>The autograd node that produced this tensor; null for leaves.</summary>
    internal GradNode<T>? Node { get; set; }

    public IReadOnlyList<int> Shape => _shape;
    public int Rank => _shape.Length;
    public int Length { get; }

    /// <summary>Size of dimension <paramref name="dim"/>; negative counts from the end.</summary>
    public int Size(int dim) => _shape[Shapes.Axis(dim, Rank)];

    /// <summary>The elements, row-major. Writing into a tensor that autograd has saved corrupts its backward pass.</summary>
    public Span<T> Span => Storage.Span[..Length];

    public ReadOnlySpan<T> ReadOnlySpan => Span;

    internal int[] ShapeArray => _shape;

    /// <summary>Whether gradients flow to this tensor. Settable on leaves only (parameters, inputs).</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf && !value) throw new InvalidOperationException("RequiresGrad can only be cleared on a leaf tensor; use Detach() for a result.");
            _requiresGrad = value;
        }
    }

    internal void MarkRequiresGrad() => _requiresGrad = true;

    public bool IsLeaf => Node is null;

    /// <summary>The accumulated gradient after <see cref="Backward"/> (leaves, and tensors marked with <see cref="RetainGrad"/>); null before.</summary>
    public Tensor<T>? Grad { get; internal set; }

    /// <summary>Asks <see cref="Backward"/> to keep this non-leaf tensor's gradient in <see cref="Grad"/> (PyTorch's
    /// retain_grad), e.g. for activation-gradient metrics. Leaves always keep theirs.</summary>
    public Tensor<T> RetainGrad()
    {
        RetainsGrad = true;
        return this;
    }

    internal bool RetainsGrad { get; private set; }

    /// <summary>Name of the operation that produced this tensor (for error messages and debugging); null for leaves.</summary>
    public string? OpName => Node?.OpName;

    /// <summary>The single element of a one-element tensor.</summary>
    public T Item() => Length == 1 ? Span[0] : throw new InvalidOperationException($"Item() needs a one-element tensor; this one has shape {Shapes.Format(_shape)}.");

    public T[] ToArray() => Span.ToArray();

    /// <summary>Back-propagates from this tensor: a scalar when <paramref name="gradOutput"/> is null, otherwise
    /// with the given ∂L/∂this. Gradients accumulate into the <see cref="Grad"/> of every leaf that requires them.</summary>
    public void Backward(Tensor<T>? gradOutput = null) => BackwardEngine.Run(this, gradOutput);

    /// <summary>A tensor sharing this one's buffer, cut from the autograd graph.</summary>
    public Tensor<T> Detach() => new(Storage, _shape);

    /// <summary>Keeps the buffer alive after the current scope ends: it moves to the enclosing scope (or to the GC
    /// when there is none). Views sharing the buffer move with it.</summary>
    public Tensor<T> MoveToOuterScope()
    {
        TensorScope.Transfer(Storage, Storage.Owner?.Parent);
        return this;
    }

    /// <summary>Moves the buffer to the GC: no scope will ever return it.</summary>
    public Tensor<T> DetachFromScope()
    {
        TensorScope.Transfer(Storage, null);
        return this;
    }

    /// <summary>Clears the gradient of a leaf (sets it to zeros, keeping its buffer).</summary>
    public void ZeroGrad() => Grad?.Span.Clear();

    /// <summary>Returns the buffer to the pool now (shared by views of this tensor).</summary>
    public void Dispose() => Storage.Release();

    /// <summary>Gives this tensor's buffer, and its gradient's, up for reuse by later tensors (GC-owned ones too): for
    /// the state of a network that is being dropped. The tensor and every view of it are unusable afterwards.</summary>
    internal void Recycle()
    {
        Grad?.Storage.Recycle();
        Grad = null;
        Storage.Recycle();
    }

    public override string ToString() => $"Tensor<{typeof(T).Name}>{Shapes.Format(_shape)}";
}
