using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Guanjia.Core.Messages;

/// <summary>What kind of small talk a message is: it decides the answer, never a ticket.</summary>
public enum ConversationKind
{
    Greeting,
    Thanks,
    Acknowledgement,
    Test,
    /// <summary>A question about the bot: who it is, how to report.</summary>
    AboutBot,
    /// <summary>A question about points and vouchers.</summary>
    AboutPoints,
}

/// <summary>
/// Tells small talk (greetings, thanks, acknowledgements, emoji, tests, questions about the bot)
/// from reports. Not a list of whole messages: the text is read as conversational forms from a
/// lexicon plus fillers, or as a question about the bot, and in every case it must not speak of
/// a problem (problem words, or a report-like length) — so <c>你好，74号院垃圾满了</c> stays a report.
/// </summary>
public static partial class ConversationRecognizer
{
    // Longest forms first when matching; each form belongs to one kind.
    private static readonly (string Form, ConversationKind Kind)[] Forms = BuildForms();

    // Words that carry no meaning of their own in small talk: particles, addressees, fillers.
    private static readonly string[] Fillers =
    [
        "小巷管家", "管家", "机器人", "大家", "各位", "老师", "书记", "师傅", "同志", "领导", "亲", "您们", "你们", "您", "你", "我们", "我",
        "啊", "呀", "呢", "吧", "哈", "嘛", "哦", "噢", "喔", "啦", "了", "的", "哟", "嗯", "哇", "呐", "咯", "么", "吗", "滴", "哒", "嘞", "捏",
        "非常", "十分", "特别", "真的", "真是", "太", "很", "好多", "一下", "下", "都", "也", "就", "先", "再", "又", "已经", "这边", "那边", "这个", "那个",
        "收到了", "一直", "每天", "今天", "刚才", "现在", "么么", "哈哈", "呵呵", "嘿嘿", "嘻嘻",
    ];

    /// <summary>
    /// Words that speak of a problem in a neighbourhood. One of them in the text makes it a report,
    /// whatever small talk surrounds it.
    /// </summary>
    private static readonly string[] ProblemWords =
    [
        "坏", "破", "漏", "堵", "塞", "满了", "满出", "堆满", "装满", "塞满", "已满", "爆满", "满地", "爆", "溢", "烟", "火", "燃", "烧", "焦", "臭", "味", "脏", "乱", "灯", "不亮", "不通", "没了", "不见",
        "丢", "偷", "盗", "骗", "吵", "闹", "打架", "打人", "砍", "刀", "血", "摔", "倒", "晕", "电线", "漏电", "触电", "被电", "电箱", "电梯", "电瓶", "充电",
        "燃气", "煤气", "天然气", "积水", "水管", "停水", "停电", "塌", "裂", "掉", "占道", "垃圾", "停车", "车辆", "噪音", "扰民", "老鼠", "蟑螂", "蚊",
        "狗", "猫", "死", "尸", "井盖", "路面", "坑", "树", "广告", "摊", "施工", "装修", "违建", "搭建", "租", "住人", "老人", "小孩", "孩子", "走失", "失踪",
        "求助", "救命", "救", "危险", "隐患", "灭火器", "消防", "通道", "堆", "杂物", "纸箱", "墙", "屋顶", "渗", "下水", "化粪", "粪", "尿", "屎", "污",
        "油烟", "漏油", "纠纷", "吵架", "报警", "可疑", "陌生", "小偷", "冒", "滋", "闪", "没人管", "乱停", "乱扔", "乱倒", "锁", "窗", "栏杆", "扶手", "楼道",
        "路灯", "马路", "门口", "院", "小区", "号", "栋", "单元", "楼下", "楼上", "异味", "虫", "蛇", "蜂", "鸟", "病", "疫", "发烧", "受伤", "疼", "哭",
        "吵闹", "噪", "臭味", "冒水", "淹", "泡", "断", "歪", "松", "晃", "缺", "麻烦处理", "处理一下", "帮忙处理",
    ];

    /// <summary>Reads <paramref name="text"/> as small talk; false when it is (or may be) a report.</summary>
    public static bool TryRecognize(string? text, out ConversationKind kind)
    {
        kind = ConversationKind.Acknowledgement;
        var core = Core(text);
        if (core.Length == 0)
        {
            // Only emoji, stickers' alt text symbols or punctuation (👍, 👌, 🙏, ？？).
            return !string.IsNullOrWhiteSpace(text);
        }

        if (Covered(core, out kind))
        {
            return true;
        }

        if (SpeaksOfAProblem(core))
        {
            return false;
        }

        if (AboutPoints().IsMatch(core))
        {
            kind = ConversationKind.AboutPoints;
            return true;
        }

        if (AboutBot().IsMatch(core) || HowToReport().IsMatch(core))
        {
            kind = ConversationKind.AboutBot;
            return true;
        }

        // Small talk that opens with a conversational form and goes on without naming any
        // problem (谢谢，这么快就弄好了): answered, not filed.
        if (FirstForm(core) is { } first && core.Length <= 24)
        {
            kind = first;
            return true;
        }

        return false;
    }

    /// <summary>True when the text names something that can be wrong in a neighbourhood.</summary>
    public static bool SpeaksOfAProblem(string? text)
    {
        var core = Core(text);
        foreach (var word in ProblemWords)
        {
            if (core.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lower-case, full-width folded, with spaces, punctuation, symbols and emoji removed.</summary>
    internal static string Core(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var sb = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (category is UnicodeCategory.OtherLetter)
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    /// <summary>The whole text is conversational forms and fillers; the weightiest kind wins (好的谢谢 is thanks).</summary>
    private static bool Covered(string core, out ConversationKind kind)
    {
        kind = ConversationKind.Acknowledgement;
        ConversationKind? first = null;
        var i = 0;
        while (i < core.Length)
        {
            var matched = false;
            foreach (var (form, formKind) in Forms)
            {
                if (string.CompareOrdinal(core, i, form, 0, form.Length) == 0)
                {
                    first = first is { } seen && Weight(seen) >= Weight(formKind) ? seen : formKind;
                    i += form.Length;
                    matched = true;
                    break;
                }
            }

            if (matched)
            {
                continue;
            }

            var filler = Fillers.Where(f => string.CompareOrdinal(core, i, f, 0, f.Length) == 0).MaxBy(f => f.Length);
            if (filler is null)
            {
                return false;
            }

            i += filler.Length;
        }

        // Fillers alone ("哈哈", "嗯") are an acknowledgement.
        kind = first ?? ConversationKind.Acknowledgement;
        return true;
    }

    private static int Weight(ConversationKind kind) => kind switch
    {
        ConversationKind.AboutPoints => 5,
        ConversationKind.AboutBot => 4,
        ConversationKind.Thanks => 3,
        ConversationKind.Test => 2,
        ConversationKind.Greeting => 1,
        _ => 0,
    };

    private static ConversationKind? FirstForm(string core)
    {
        foreach (var (form, kind) in Forms)
        {
            if (form.Length >= 2 && core.StartsWith(form, StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return null;
    }

    private static (string, ConversationKind)[] BuildForms()
    {
        var forms = new List<(string, ConversationKind)>();
        void Add(ConversationKind kind, params string[] words) => forms.AddRange(words.Select(w => (w, kind)));

        Add(ConversationKind.Greeting,
            "你好", "您好", "你们好", "大家好", "哈喽", "哈啰", "hello", "hi", "hey", "嗨", "早上好", "早安", "早", "上午好", "中午好", "下午好",
            "晚上好", "晚安", "在吗", "在么", "在不在", "有人吗", "有人在吗", "有人在不", "新年好", "新年快乐", "过年好", "节日快乐", "周末愉快",
            "打扰了", "打扰一下", "打扰", "请问", "拜拜", "再见", "回头见", "好久不见", "吃了吗");
        Add(ConversationKind.Thanks,
            "谢谢", "谢了", "多谢", "感谢", "感恩", "辛苦了", "辛苦", "麻烦了", "费心了", "劳驾", "太好了", "真棒", "好棒", "棒棒", "棒", "厉害", "给力",
            "点赞", "赞", "thanks", "thankyou", "thx", "3q", "效率真高", "效率高", "真快", "好快", "速度", "处理得真快", "处理得好", "为你点赞", "好评",
            "满意", "非常满意", "不客气");
        Add(ConversationKind.Acknowledgement,
            "收到", "好的", "好滴", "好嘞", "好哒", "好吧", "好", "嗯嗯", "嗯", "哦哦", "哦", "噢", "知道了", "知道", "明白了", "明白", "了解了", "了解",
            "ok", "okay", "okk", "行", "行吧", "可以", "可以的", "没问题", "是的", "是", "对的", "对", "没事了", "没事", "不用了", "算了", "晓得了", "晓得",
            "懂了", "稍等", "马上", "666", "6", "1", "11", "已阅", "阅", "嗯呐", "中", "妥", "妥了", "得嘞", "好嘞收到", "欧克");
        Add(ConversationKind.Test,
            "测试", "测一下", "测测", "试试", "试一下", "试试看", "试验", "test", "testing", "ping");
        Add(ConversationKind.AboutBot,
            "你是谁", "你是什么", "你是啥", "你叫什么", "你叫啥", "你是机器人", "你能做什么", "你能干什么", "你会什么", "你有什么用", "怎么用", "怎么使用",
            "咋用", "如何使用", "怎么上报", "如何上报", "怎么报", "咋报", "怎么操作", "使用说明", "说明书", "功能", "有什么功能", "帮助", "help");
        Add(ConversationKind.AboutPoints,
            "积分怎么换", "积分怎么用", "积分怎么兑换", "积分怎么算", "积分有什么用", "怎么换积分", "怎么领券", "怎么兑换", "积分规则");
        return [.. forms.OrderByDescending(f => f.Item1.Length)];
    }

    [GeneratedRegex("(你|您|机器人|管家|这个号|这个群|bot)(到底)?(是谁|是什么|是啥|叫什么|叫啥|能干|能做|会做|会干|干什么|干嘛|做什么|有什么用|有啥用|怎么用|咋用|功能|是真人|是人)")]
    private static partial Regex AboutBot();

    [GeneratedRegex("(怎么|怎样|如何|咋|在哪|哪里|能不能|可不可以|可以|能否|应该).{0,4}(上报|报告|反映|报事|提交|使用|用你|操作|拍照|发照片|发图|联系|找你|找谁)|(上报|反映).{0,6}(吗|么|嘛|呢|流程|方法|格式)")]
    private static partial Regex HowToReport();

    [GeneratedRegex("积分|领券|消费券|兑换|券码")]
    private static partial Regex AboutPoints();
}
