using System.Numerics;
using NasPS.Compute;
using NasPS.Randomness;

namespace NasPS.Networks;

/// <summary>Called after a module's forward pass with its input and output (activation metrics hook ReLUs this way).</summary>
public delegate void ForwardHook<T>(Module<T> module, Tensor<T> input, Tensor<T> output) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>Called before a module's forward pass with its input (PyTorch's forward pre-hook). A hook that needs only the
/// input should be one of these: it leaves a parent free to fuse the module's work into its neighbours'.</summary>
public delegate void ForwardPreHook<T>(Module<T> module, Tensor<T> input) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A network building block in the shape of PyTorch's nn.Module: named child modules, parameters and buffers
/// (state names are dotted paths, e.g. cells.0.layers.3.op.1.weight), train/eval mode and forward hooks.
/// Parameters are GC-owned leaves that require grad; their gradients persist across passes until <see cref="ZeroGrad"/>.
/// A module instance is used by one thread at a time (BN updates its running statistics in place); score networks
/// in parallel with one instance per thread. Disposing is optional: it hands the parameters', gradients' and buffers'
/// memory to the buffer pool for the next network (scoring thousands of networks in a row then reuses it instead of
/// faulting in fresh pages), after which the module cannot be used.
/// </summary>
public abstract class Module<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<(string Name, Module<T> Module)> _children = [];
    private readonly List<(string Name, Tensor<T> Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor<T> Tensor)> _buffers = [];
    private readonly List<(string Name, Int64Buffer Buffer)> _integerBuffers = [];
    private readonly List<ForwardHook<T>> _hooks = [];
    private readonly List<ForwardPreHook<T>> _preHooks = [];

    /// <summary>The class name without generic arity ("ReLU", "ReLUConvBN"), as PyTorch's type(m).__name__.</summary>
    public string TypeName
    {
        get
        {
            var name = GetType().Name;
            int tick = name.IndexOf('`');
            return tick < 0 ? name : name[..tick];
        }
    }

    public bool IsTraining { get; private set; } = true;

    /// <summary>Runs the forward pre-hooks, the module, then its forward hooks.</summary>
    public Tensor<T> Forward(Tensor<T> input)
    {
        RunForwardPreHooks(input);
        var output = ForwardCore(input);
        if (_hooks.Count > 0)
            foreach (var hook in _hooks.ToArray()) hook(this, input, output);
        return output;
    }

    protected abstract Tensor<T> ForwardCore(Tensor<T> input);

    /// <summary>Adds a hook called after every forward pass; dispose the result to remove it.</summary>
    public IDisposable RegisterForwardHook(ForwardHook<T> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add(hook);
        return new HookRemover(() => _hooks.Remove(hook));
    }

    /// <summary>Adds a hook called with the input before every forward pass; dispose the result to remove it.</summary>
    public IDisposable RegisterForwardPreHook(ForwardPreHook<T> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _preHooks.Add(hook);
        return new HookRemover(() => _preHooks.Remove(hook));
    }

    /// <summary>True when forward hooks (which see the output) are registered: the module's output must then be computed
    /// as such, not fused into a neighbour's work.</summary>
    public bool HasForwardHooks => _hooks.Count > 0;

    public bool HasForwardPreHooks => _preHooks.Count > 0;

    /// <summary>Runs the pre-hooks; a parent that computes this module's work itself (fused with another op) calls it in
    /// place of <see cref="Forward"/>, so the hooks still see the input.</summary>
    protected internal void RunForwardPreHooks(Tensor<T> input)
    {
        if (_preHooks.Count > 0)
            foreach (var hook in _preHooks.ToArray()) hook(this, input);
    }

    private sealed class HookRemover(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose()
        {
            _remove?.Invoke();
            _remove = null;
        }
    }

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public Module<T> Train(bool training = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = training;
        return this;
    }

    public Module<T> Eval() => Train(false);

    // ---- registration -------------------------------------------------------------------------------

    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module<T>
    {
        CheckNewName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>Registers a trainable tensor (made a GC-owned leaf that requires grad).</summary>
    protected Tensor<T> RegisterParameter(string name, Tensor<T> tensor)
    {
        CheckNewName(name);
        tensor.DetachFromScope();
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers state that is saved and loaded but not trained (running statistics).</summary>
    protected Tensor<T> RegisterBuffer(string name, Tensor<T> tensor)
    {
        CheckNewName(name);
        tensor.DetachFromScope();
        _buffers.Add((name, tensor));
        return tensor;
    }

    protected Int64Buffer RegisterBuffer(string name, Int64Buffer buffer)
    {
        CheckNewName(name);
        _integerBuffers.Add((name, buffer));
        return buffer;
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name (non-empty, no dots).", nameof(name));
        if (_children.Any(c => c.Name == name) || _parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _integerBuffers.Any(b => b.Name == name))
            throw new ArgumentException($"{TypeName} already has a member named '{name}'.", nameof(name));
    }

    // ---- traversal ----------------------------------------------------------------------------------

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module<T> Module)> NamedChildren() => _children;

    /// <summary>This module ("") and every descendant, pre-order, with dotted names.</summary>
    public IEnumerable<(string Name, Module<T> Module)> NamedModules()
    {
        var stack = new Stack<(string, Module<T>)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, m) = stack.Pop();
            yield return (prefix, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((Join(prefix, m._children[i].Name), m._children[i].Module));
        }
    }

    public IEnumerable<Module<T>> Modules() => NamedModules().Select(p => p.Module);

    public IEnumerable<(string Name, Tensor<T> Tensor)> NamedParameters() =>
        NamedModules().SelectMany(m => m.Module._parameters.Select(p => (Join(m.Name, p.Name), p.Tensor)));

    public IEnumerable<Tensor<T>> Parameters() => NamedParameters().Select(p => p.Tensor);

    public IEnumerable<(string Name, Tensor<T> Tensor)> NamedBuffers() =>
        NamedModules().SelectMany(m => m.Module._buffers.Select(b => (Join(m.Name, b.Name), b.Tensor)));

    public IEnumerable<(string Name, Int64Buffer Buffer)> NamedInt64Buffers() =>
        NamedModules().SelectMany(m => m.Module._integerBuffers.Select(b => (Join(m.Name, b.Name), b.Buffer)));

    /// <summary>Replaces the tensor registered as <paramref name="name"/> on this module (not descendants), keeping its kind.</summary>
    protected void ReplaceTensor(string name, Tensor<T> tensor)
    {
        int i = _parameters.FindIndex(p => p.Name == name);
        if (i >= 0)
        {
            tensor.DetachFromScope();
            tensor.RequiresGrad = true;
            _parameters[i] = (name, tensor);
            return;
        }
        i = _buffers.FindIndex(b => b.Name == name);
        if (i < 0) throw new ArgumentException($"{TypeName} has no tensor named '{name}'.");
        tensor.DetachFromScope();
        _buffers[i] = (name, tensor);
    }

    /// <summary>Number of trainable elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Length);

    /// <summary>Clears every parameter's accumulated gradient (values to zero; buffers kept for reuse).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Gives the memory of every parameter, gradient and buffer of this module and its children back to the
    /// buffer pool. The module must not be used afterwards (its tensors throw ObjectDisposedException).</summary>
    public void Dispose()
    {
        foreach (var m in Modules())
        {
            foreach (var (_, p) in m._parameters) p.Recycle();
            foreach (var (_, b) in m._buffers) b.Recycle();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Re-initialises every parameter and buffer with the layer defaults (PyTorch's), drawing from
    /// <paramref name="rng"/> in module pre-order, so a seed fixes the network.</summary>
    public void ResetParameters(Rng rng)
    {
        foreach (var m in Modules()) m.ResetOwnParameters(rng);
    }

    /// <summary>Initialises this module's own tensors (not its children's).</summary>
    protected virtual void ResetOwnParameters(Rng rng) { }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    public override string ToString() => TypeName;
}

/// <summary>An integer buffer (PyTorch's int64 num_batches_tracked): saved and loaded with the state, never trained.</summary>
public sealed class Int64Buffer(int[] shape)
{
    public int[] Shape { get; } = shape;
    public long[] Values { get; } = new long[Shapes.Length(shape)];

    public static Int64Buffer Scalar() => new([]);
}
