using BenchmarkDotNet.Running;
using Guanjia.Bench.Triage;

if (args is ["memory", .. var rest])
{
    return TriageMemory.Run(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(TriageBenchmarks).Assembly).Run(args);
return 0;
