using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Guanjia.Bench.Triage.TriageBenchmarks).Assembly).Run(args);
