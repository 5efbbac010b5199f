using Guanjia.Bench.Ingest;

// End-to-end ingest: encrypted bot callbacks over HTTP to running Guanjia.Bot processes on a generated
// city street: acknowledgements against a bare Kestrel endpoint, tickets made a second, report→dispatch
// latency at a fixed offered rate (see docs/benchmarks.md).
//   dotnet build -c Release Guanjia.Bot && dotnet build -c Release bench/Guanjia.Bench.Ingest
//   dotnet bench/Guanjia.Bench.Ingest/bin/Release/net10.0/Guanjia.Bench.Ingest.dll
//       [--mode acks,tickets,latency] [--storage sqlite|postgres --postgres "Host=…" --instances 1|2]
//       [--concurrency 16] [--warmup 30] [--duration 20]        (acks)
//       [--reports 60000]                                       (tickets)
//       [--rate 200] [--latency-warmup 10] [--latency-duration 30] [--communities 300 --compounds 4]
//       [--publish r2r|il] [--service-env DOTNET_GCConserveMemory=5 …]   (what the service runs as, and its runtime settings)
if (args is ["bare", "--urls", var bareUrls])
{
    await BareEndpoint.RunAsync(bareUrls);
    return 0;
}

var options = IngestOptions.Parse(args);
var driver = new IngestDriver(options);
return await driver.RunAsync();
