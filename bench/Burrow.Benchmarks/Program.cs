using BenchmarkDotNet.Running;

namespace Burrow.Benchmarks;

/// <summary><c>dotnet run -c Release --project bench/Burrow.Benchmarks -- --filter '*'</c> (add <c>--job short</c> for a quick look).</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
