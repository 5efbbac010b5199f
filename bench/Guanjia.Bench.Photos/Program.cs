using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Guanjia.Bench.Photos.PhotoPipelineBenchmarks).Assembly).Run(args);
