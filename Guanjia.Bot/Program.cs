using Guanjia.Bot.Api;
using Guanjia.Bot.Hosting;
using Guanjia.Bot.Intake;

var builder = WebApplication.CreateBuilder(args);

builder.AddGuanjiaConfiguration()
    .AddGuanjiaOptions()
    .AddGuanjiaStorage()
    .AddGuanjiaCore()
    .AddApiAuthentication();
builder.Services.AddHostedService<IntakeWorker>();
builder.Services.AddHealthChecks().AddDbContextCheck<Guanjia.Core.Storage.GuanjiaDbContext>();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthChecks("/healthz");
app.MapGroup("/api").RequireAuthorization().MapTicketsApi().MapMediaApi();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
