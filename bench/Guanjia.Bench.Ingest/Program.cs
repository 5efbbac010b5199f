using Guanjia.Bench.Ingest;

// End-to-end ingest: encrypted bot callbacks over HTTP to a running Guanjia.Bot, next to a bare
// Kestrel endpoint that only answers "success", measured in the same run (see docs/benchmarks.md).
//   dotnet build -c Release Guanjia.Bot && dotnet build -c Release bench/Guanjia.Bench.Ingest
//   dotnet bench/Guanjia.Bench.Ingest/bin/Release/net10.0/Guanjia.Bench.Ingest.dll
//       [--concurrency 16] [--warmup 30] [--duration 20] [--drain-timeout 1200]
if (args is ["bare", "--urls", var bareUrls])
{
    await BareEndpoint.RunAsync(bareUrls);
    return 0;
}

var options = IngestOptions.Parse(args);
var driver = new IngestDriver(options);
return await driver.RunAsync();
