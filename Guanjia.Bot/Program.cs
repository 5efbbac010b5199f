using Guanjia.Bot.Api;
using Guanjia.Bot.Backup;
using Guanjia.Bot.Callbacks;
using Guanjia.Bot.Cards;
using Guanjia.Bot.Dashboard;
using Guanjia.Bot.Hosting;
using Guanjia.Bot.Intake;
using Guanjia.Bot.Jobs;
using Guanjia.Bot.LongConnection;
using Guanjia.Bot.Outbox;
using Guanjia.Bot.Points;
using Guanjia.Bot.Replay;
using Guanjia.Bot.Reports;
using Guanjia.Bot.Sandbox;
using Guanjia.Bot.Triage;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Api;

if (args is ["replay", ..])
{
    Environment.ExitCode = await ReplayCommand.RunAsync(args[1..]);
    return;
}

if (args is ["backup", ..])
{
    Environment.ExitCode = await BackupCommand.RunAsync(args[1..]);
    return;
}

if (args is ["triage-eval", ..])
{
    Environment.ExitCode = await TriageCommands.EvalAsync(args[1..], Console.Out);
    return;
}

if (args is ["triage-train", ..])
{
    Environment.ExitCode = await TriageCommands.TrainAsync(Console.Out);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddGuanjiaConfiguration(args)
    .AddGuanjiaOptions()
    .AddGuanjiaStorage()
    .AddGuanjiaCore()
    .AddApiAuthentication()
    .AddGuanjiaJobs()
    .AddGuanjiaPoints()
    .AddSandbox()
    .AddGuanjiaOutbox()
    .AddGuanjiaTelemetry()
    .AddCards()
    .AddLongConnection();
builder.Services.AddWeComApi(builder.Configuration);
builder.Services.AddSingleton<CallbackCryptos>();
builder.Services.AddScoped<IMediaSource, WeComMediaSource>();
builder.Services.AddHostedService<IntakeWorker>();
builder.Services.AddHostedService<StartupMemory>();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapGuanjiaOperations();
app.MapWeComCallbacks();
app.MapGroup("/api").RequireAuthorization().MapTicketsApi().MapMediaApi().MapJobsApi().MapPointsApi().MapFiguresApi().MapInboxApi();
app.MapDashboard();
app.MapSandbox();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
