namespace Burrow.Protocol.Tests;

/// <summary>
/// Tests that bound <see cref="GC.GetTotalMemory(bool)"/> measure the whole process, so they run alone: xunit runs
/// this collection after the parallel ones, one test at a time, with nothing else allocating beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "Memory measurement";
}
