namespace NasPS.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        int code = NaspsCli.Run(args, output, Console.Error);
        output.Flush();
        return code;
    }
}
