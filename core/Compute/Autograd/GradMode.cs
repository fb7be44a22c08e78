namespace NasPS.Compute.Autograd;

/// <summary>Per-thread switch for recording autograd nodes.</summary>
internal static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    public static bool IsEnabled => _disabledDepth == 0;

    public static IDisposable Disable()
    {
        _disabledDepth++;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _disabledDepth--;
        }
    }
}
