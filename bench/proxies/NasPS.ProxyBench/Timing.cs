namespace NasPS.ProxyBench;

public static class Timing
{
    public static int Run(Options o) => throw new NotImplementedException("timing: not written yet");
}
