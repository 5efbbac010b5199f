using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Bot.Api;
using Guanjia.Bot.Dashboard;
using Guanjia.Bot.Sandbox;
using Guanjia.Core.Tickets;
using Guanjia.WeCom.Crypto;
using Spectre.Console;

namespace Guanjia.Bot.Replay;

public sealed record ReplayFailure(int Line, string Reason);

public sealed record ReplayTicket(int Number, string Category, string Department, string? Compound, string Status, int Line);

/// <summary>What a replay did: messages sent, accepted by the callback endpoint, tickets created, lines that failed.</summary>
public sealed record ReplaySummary(int Sent, int Accepted, IReadOnlyList<ReplayTicket> Tickets, IReadOnlyList<ReplayFailure> Failures);

/// <summary>
/// Sends a replay script through a running sandbox service: each message is prepared by the sandbox
/// (photo offered as an encrypted download, a response_url issued), then encrypted with the bot's
/// keys and POSTed to /wecom/bot/callback like WeCom does.
/// </summary>
public sealed partial class ReplayRunner(HttpClient http, SandboxKeys keys, IAnsiConsole console, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool SkipDelays { get; init; }

    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<ReplaySummary> RunAsync(ReplayScript script, CancellationToken cancellationToken = default)
    {
        var crypto = WeComCallbackCrypto.Create(keys.BotToken, keys.BotEncodingAesKey, "").Value
            ?? throw new InvalidOperationException("data/sandbox.json 中的机器人密钥无效");
        var started = time.GetUtcNow();
        var failures = script.Errors.Select(e => new ReplayFailure(0, e)).ToList();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var sent = new List<(ReplayLine Line, string ResponseUrl)>();
        var accepted = 0;
        var attempted = 0;
        var numbers = new Dictionary<int, int>();

        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var sending = progress.AddTask("发送消息", maxValue: Math.Max(1, script.Lines.Count));
                foreach (var line in script.Lines)
                {
                    if (line.IsDelay)
                    {
                        if (!SkipDelays)
                        {
                            await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(line.Delay!.Value, 0, 600)), time, cancellationToken);
                        }
                    }
                    else
                    {
                        attempted++;
                        var result = await SendAsync(script, line, labels, crypto, cancellationToken);
                        if (result.Failure is { } failure)
                        {
                            failures.Add(new ReplayFailure(line.LineNumber, failure));
                        }
                        else
                        {
                            accepted++;
                            sent.Add((line, result.ResponseUrl!));
                            if (line.As is { Length: > 0 } name)
                            {
                                // A 领券 line names the voucher code of its reply; any other line the ticket number.
                                if (await WaitForLabelAsync(result.ResponseUrl!, cancellationToken) is { } value)
                                {
                                    labels[name] = value;
                                }
                                else
                                {
                                    failures.Add(new ReplayFailure(line.LineNumber, $"没有等到 {name} 的工单号或券码"));
                                }
                            }
                        }
                    }

                    sending.Increment(1);
                }

                var waiting = progress.AddTask("等待回复", maxValue: Math.Max(1, sent.Count));
                foreach (var (line, responseUrl) in sent)
                {
                    if (await WaitForTicketAsync(responseUrl, cancellationToken) is { } number)
                    {
                        numbers.TryAdd(number, line.LineNumber);
                    }

                    waiting.Increment(1);
                }
            });

        var names = await DirectoryAsync(cancellationToken);
        string Name(IReadOnlyList<NamedDto>? list, string id) => list?.FirstOrDefault(n => n.Id == id)?.Name ?? id;
        var tickets = new List<ReplayTicket>();
        foreach (var (number, line) in numbers.OrderBy(n => n.Key))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/tickets/{number}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.ApiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<TicketDto>(Json, cancellationToken) is { } ticket
                && ticket.CreatedAt >= started.AddSeconds(-5))
            {
                tickets.Add(new ReplayTicket(
                    ticket.Number, Name(names?.Categories, ticket.Category), Name(names?.Departments, ticket.Department),
                    ticket.Compound is { } compound ? Name(names?.Compounds, compound) : null,
                    TicketStatusNames.TryParse(ticket.Status, out var status) ? status.Chinese() : ticket.Status, line));
            }
        }

        var summary = new ReplaySummary(attempted, accepted, tickets, failures);
        Render(summary);
        return summary;
    }

    private async Task<CommunityDirectoryDto?> DirectoryAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/community");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.ApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CommunityDirectoryDto>(Json, cancellationToken) : null;
    }

    private async Task<(string? ResponseUrl, string? Failure)> SendAsync(
        ReplayScript script, ReplayLine line, Dictionary<string, string> labels, WeComCallbackCrypto crypto, CancellationToken cancellationToken)
    {
        var text = line.Text;
        if (text is not null)
        {
            foreach (Match placeholder in Placeholder().Matches(text))
            {
                if (!labels.TryGetValue(placeholder.Groups[1].Value, out var value))
                {
                    return (null, $"不知道 {placeholder.Value} 是哪张工单");
                }

                text = text.Replace(placeholder.Value, value, StringComparison.Ordinal);
            }
        }

        string? photo = null;
        if (line.Photo is { Length: > 0 } file)
        {
            var path = Path.GetFullPath(file, script.Directory);
            if (!File.Exists(path))
            {
                return (null, $"找不到照片 {file}");
            }

            photo = Convert.ToBase64String(await File.ReadAllBytesAsync(path, cancellationToken));
        }

        var conversation = string.Equals(line.Chat, "single", StringComparison.Ordinal) ? "u:" + line.From : line.Chat!;
        HttpResponseMessage prepareResponse;
        try
        {
            prepareResponse = await http.PostAsJsonAsync("sandbox/api/prepare", new SandboxPrepareRequest(line.From!, conversation, text, photo), Json, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return (null, $"连不上服务：{e.Message}");
        }

        using (prepareResponse)
        {
            if (!prepareResponse.IsSuccessStatusCode)
            {
                var problem = await prepareResponse.Content.ReadAsStringAsync(cancellationToken);
                return (null, prepareResponse.StatusCode == System.Net.HttpStatusCode.NotFound
                    ? "服务没有运行在沙盒模式（/sandbox/api 不存在）"
                    : $"沙盒拒绝：{ProblemTitle(problem)}");
            }

            var prepared = (await prepareResponse.Content.ReadFromJsonAsync<SandboxPrepared>(Json, cancellationToken))!;
            var json = SandboxCallbacks.MessageJson(prepared.MsgId, line.From!, prepared.ChatId, text, prepared.ImageUrl, prepared.ResponseUrl);
            using var callback = SandboxCallbacks.Post(http.BaseAddress!, crypto, json, time.GetUtcNow());
            using var response = await http.SendAsync(callback, cancellationToken);
            return response.IsSuccessStatusCode
                ? (prepared.ResponseUrl, null)
                : (null, $"回调被拒绝：HTTP {(int)response.StatusCode}（密钥与服务不一致？）");
        }
    }

    /// <summary>The voucher code (券码 ABCD-EFGH) or else the ticket number (#153) of the first reply.</summary>
    private async Task<string?> WaitForLabelAsync(string responseUrl, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + ReplyTimeout;
        while (time.GetUtcNow() < deadline)
        {
            var replies = await http.GetFromJsonAsync<string[]>("sandbox/api/replies?responseUrl=" + Uri.EscapeDataString(responseUrl), Json, cancellationToken) ?? [];
            if (replies.Length > 0)
            {
                var voucher = replies.Select(r => VoucherCode().Match(r)).FirstOrDefault(m => m.Success);
                var ticket = replies.Select(r => TicketNumber().Match(r)).FirstOrDefault(m => m.Success);
                return voucher?.Groups[1].Value ?? ticket?.Groups[1].Value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }

        return null;
    }

    private async Task<int?> WaitForTicketAsync(string responseUrl, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + ReplyTimeout;
        while (time.GetUtcNow() < deadline)
        {
            var replies = await http.GetFromJsonAsync<string[]>("sandbox/api/replies?responseUrl=" + Uri.EscapeDataString(responseUrl), Json, cancellationToken) ?? [];
            if (replies.Length > 0)
            {
                var match = replies.Select(r => TicketNumber().Match(r)).FirstOrDefault(m => m.Success);
                return match is null ? null : int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }

        return null;
    }

    private void Render(ReplaySummary summary)
    {
        var tickets = new Table().Title("新工单").AddColumns("单号", "分类", "部门", "小区", "状态", "行");
        foreach (var t in summary.Tickets)
        {
            tickets.AddRow($"#{t.Number}", t.Category, t.Department, t.Compound ?? "-", t.Status, t.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(tickets);

        var byCategory = new Table().Title("按分类 / 部门").AddColumns("分类", "部门", "工单数");
        foreach (var group in summary.Tickets.GroupBy(t => (t.Category, t.Department)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Category, StringComparer.Ordinal))
        {
            byCategory.AddRow(group.Key.Category, group.Key.Department, group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(byCategory);

        var totals = new Table().Title("回放汇总").AddColumns("发送", "已受理", "新工单", "失败");
        totals.AddRow(
            summary.Sent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            summary.Accepted.ToString(System.Globalization.CultureInfo.InvariantCulture),
            summary.Tickets.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            summary.Failures.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        console.Write(totals);
        foreach (var failure in summary.Failures)
        {
            console.MarkupLineInterpolated($"[red]失败[/] 第 {failure.Line} 行：{failure.Reason}");
        }
    }

    private static string ProblemTitle(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("title", out var title) ? title.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_-]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex TicketNumber();

    [GeneratedRegex(@"券码 ([A-Z0-9]{4}-[A-Z0-9]{4})")]
    private static partial Regex VoucherCode();
}
