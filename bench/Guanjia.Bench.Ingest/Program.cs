using Guanjia.Bench.Ingest;

// End-to-end ingest: encrypted bot callbacks over HTTP to a running Guanjia.Bot, next to a bare
// Kestrel endpoint that only answers "success", measured in the same run (see docs/benchmarks.md).
//   bench/run-ingest.sh [--duration 15] [--warmup 3] [--concurrency 16]
if (args is ["bare", "--urls", var bareUrls])
{
    await BareEndpoint.RunAsync(bareUrls);
    return 0;
}

var options = IngestOptions.Parse(args);
var driver = new IngestDriver(options);
return await driver.RunAsync();
