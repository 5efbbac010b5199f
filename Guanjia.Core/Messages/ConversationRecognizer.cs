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
        "路灯", "马路", "走丢", "异味", "人行道", "没回家", "关机", "联系不上", "找不到", "小姑娘", "小男孩", "小女孩",
        // Requests to the community make a report (to the office) even without a problem word.
        "麻烦相关", "麻烦社区", "麻烦帮忙", "请帮忙", "帮忙联系", "帮忙对接", "能不能请", "能不能帮", "协调", "核实", "核查", "劝离", "调解",
        "申请", "对接", "指导一下", "联系一下", "来看一下", "来看看", "过来看", "派人", "安排", "清走", "担心", "多关注", "万一", "怕", "建议", "虫", "蛇", "蜂", "鸟", "病", "疫", "发烧", "受伤", "疼", "哭",
        "吵闹", "噪", "臭味", "冒水", "淹", "泡", "断", "歪", "松", "晃", "缺", "影响", "半夜", "深夜", "凌晨", "扰", "唱歌", "音响", "喇叭", "广场舞", "不方便", "敲", "砸", "卡住", "被困", "困住", "投诉", "举报", "报修", "麻烦处理", "处理一下", "帮忙处理",
    ];

    /// <summary>
    /// Strong signs that a text mentioning a problem is not reporting one: all clear, fixed already,
    /// a retraction. They outweigh problem words only without a contrast (但是…) — and the
    /// classifier still files anything triage finds urgent.
    /// </summary>
    private static readonly string[] AllClear =
    [
        "一切正常", "都正常", "一切都好", "都好的", "没什么事", "没啥事", "没事", "莫得事", "没得事", "没得什么事", "没什么问题", "没啥问题",
        "没有问题", "没发现问题", "没发现什么问题", "没有发现", "没发现", "报个平安", "报平安", "平安无事", "虚惊一场", "不是着火", "不是问题",
        "已经修好", "修好了", "已经拉走", "拉走了", "已经开走", "开走了", "已经搬走", "搬走了", "已经处理", "已处理", "处理好了", "处理完了",
        "解决了", "已解决", "已经好了", "好多了", "可以关了", "已经换好", "换好了", "弄好了", "搞定了", "沟通好了", "已经灭了",
        "发错", "请忽略", "不用管", "撤回", "手滑", "练习", "不是投诉", "点错", "莫得问题", "没得问题", "交给我", "演练结束", "圆满结束",
    ];

    private const int AllClearLength = 20;

    /// <summary>
    /// What a text that names a place (and no problem) must also say to be small talk: an
    /// all-clear, a patrol done, an introduction, a meeting point.
    /// </summary>
    private static readonly string[] PlaceTalk =
    [
        "巡查正常", "巡查完毕", "巡了", "转了一圈", "转了两圈", "打卡", "打个卡", "报个平安", "报平安", "集合", "汇合", "等你们", "刚刚到", "我到了", "已经到了",
        "通知一下", "负责", "这一片",
    ];

    private static readonly string[] Contrast = ["但是", "可是", "不过", "还是", "又", "还有", "另外", "却"];

    /// <summary>
    /// The life of a team of stewards — rosters, meetings, patrols done, being on the way — and
    /// words of the street's dialect and common typos of small talk: conversational when the text
    /// names no problem.
    /// </summary>
    private static readonly string[] TeamTalk =
    [
        "请假", "开会", "会议", "培训", "集合", "汇合", "通知", "表格", "宣传", "报到", "负责", "新加入", "加进来", "刚加入", "关照", "多指点", "包涵",
        "手机号", "换手机", "在路上", "到现场", "已到", "同意", "在的", "已读", "看到了", "看到", "带伞", "多穿", "防晒", "多喝水", "注意安全",
        "红袖标", "节日快乐", "安康", "巡查正常", "巡查完毕", "巡了", "转了一圈", "转了两圈", "打个卡", "打卡", "放心", "清清爽爽", "商量", "落实",
        "说得对", "说得好", "这么想", "同感", "赞同", "支持", "慢慢来", "慢慢弄", "不急", "莫急", "板扎", "要得", "整不来", "咋个", "克吃饭", "瞧一哈",
        "打个招呼", "打招呼", "问个好", "试试看", "学会", "在学", "学得会", "第一次", "能看到吗", "能听懂", "听得懂", "人工智能", "昆明话", "哪个整",
        "多久", "几点", "什么时候", "查一下", "报了几条", "处理到哪", "到哪一步", "进度", "流程", "格式", "撤回", "怎么打卡", "语音",
        "不用回复", "看看这个群", "发不上去", "等会儿再试", "就这样", "明天再说", "推迟", "合作愉快", "愉快", "吃过饭", "吃饭",
        "方便", "zaima", "测式", "找上好", "明百", "新苦", "块乐", "你时谁", "上包", "积份", "謝謝", "谢", "shoudao", "haode", "xiexie", "nihao",
    ];

    /// <summary>Reads <paramref name="text"/> as small talk; false when it is (or may be) a report.</summary>
    public static bool TryRecognize(string? text, out ConversationKind kind)
    {
        kind = ConversationKind.Acknowledgement;
        var core = Core(text);
        if (core.Length == 0)
        {
            // Only emoji, stickers' alt text symbols or punctuation (👍, 👌, 🙏, ？？) — but 🔥🔥 is an alarm.
            return !string.IsNullOrWhiteSpace(text) && !AlarmEmoji().IsMatch(text);
        }

        if (Covered(core, out kind))
        {
            return true;
        }

        // Problem words are looked for outside the conversational forms (好久不见 is no 不见).
        var rest = WithoutForms(core);
        if (SpeaksOfAProblem(rest))
        {
            // "灯已经修好了，谢谢物业", "刚才发错了": a problem word, but no problem. Longer
            // all-clears (不是燃气，是隔壁刷油漆…) are filed: a secretary closes them in a second.
            if (core.Length <= AllClearLength && Any(core, AllClear) && !Any(core, Contrast))
            {
                kind = AnyForm(core) ?? ConversationKind.Acknowledgement;
                return true;
            }

            return false;
        }

        if (PlaceWord().IsMatch(rest))
        {
            // A place with no problem: small talk only when it is an all-clear, a patrol, an introduction.
            if (Any(core, AllClear) || Any(core, PlaceTalk) || Introduction().IsMatch(core))
            {
                kind = AnyForm(core) ?? ConversationKind.Greeting;
                return true;
            }

            return false;
        }

        if (Introduction().IsMatch(core))
        {
            kind = ConversationKind.Greeting;
            return true;
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

        // Small talk with a conversational form, team talk or an all-clear and no problem anywhere
        // (谢谢，这么快就弄好了; 今天天气真不错; 明天开会我去不了).
        if (AnyForm(core) is { } found)
        {
            kind = found;
            return true;
        }

        if (Any(core, TeamTalk) || Any(core, AllClear))
        {
            kind = ConversationKind.Acknowledgement;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Small talk a model has nothing to read in: only emoji or punctuation (not an alarm such as 🔥), or
    /// nothing but conversational forms and fillers (收到, 好的谢谢, 1, 666).
    /// </summary>
    public static bool IsPureSmallTalk(string? text, out ConversationKind kind)
    {
        kind = ConversationKind.Acknowledgement;
        var core = Core(text);
        return core.Length == 0 ? !string.IsNullOrWhiteSpace(text) && !AlarmEmoji().IsMatch(text) : Covered(core, out kind);
    }

    /// <summary>The text asks something (请问, 几号, 在哪里, 吗, ？).</summary>
    public static bool IsQuestion(string? text) => !string.IsNullOrEmpty(text) && Question().IsMatch(text);

    /// <summary>The kind of answer small talk gets, read from its words; a question of no known form is about the bot.</summary>
    public static ConversationKind KindOf(string? text)
    {
        if (TryRecognize(text, out var kind))
        {
            return kind;
        }

        var core = Core(text);
        if (AboutPoints().IsMatch(core))
        {
            return ConversationKind.AboutPoints;
        }

        if (AnyForm(core) is { } found && found != ConversationKind.Greeting)
        {
            return found;
        }

        return ConversationKind.AboutBot;
    }

    private static string WithoutForms(string core)
    {
        foreach (var (form, _) in Forms)
        {
            if (form.Length >= 2)
            {
                core = core.Replace(form, " ", StringComparison.Ordinal);
            }
        }

        return core;
    }

    private static bool Any(string core, string[] words)
    {
        foreach (var word in words)
        {
            if (core.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
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

        // WeCom sends stickers as their alt text in brackets: [强], [握手], [捂脸].
        var folded = Sticker().Replace(text.Normalize(NormalizationForm.FormKC).ToLowerInvariant(), "");
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

    private static ConversationKind? AnyForm(string core)
    {
        ConversationKind? found = null;
        foreach (var (form, kind) in Forms)
        {
            if (form.Length >= 2 && core.Contains(form, StringComparison.Ordinal) && (found is null || Weight(kind) > Weight(found.Value)))
            {
                found = kind;
            }
        }

        return found;
    }

    private static (string, ConversationKind)[] BuildForms()
    {
        var forms = new List<(string, ConversationKind)>();
        void Add(ConversationKind kind, params string[] words) => forms.AddRange(words.Select(w => (w, kind)));

        Add(ConversationKind.Greeting,
            "你好", "您好", "你们好", "大家好", "哈喽", "哈啰", "hello", "hi", "hey", "嗨", "早上好", "早安", "早", "上午好", "中午好", "下午好",
            "晚上好", "晚安", "在吗", "在么", "在不在", "有人吗", "有人在吗", "有人在不", "新年好", "新年快乐", "过年好", "节日快乐", "周末愉快",
            "打扰了", "打扰一下", "打扰", "请问", "拜拜", "再见", "回头见", "明天见", "好久不见", "吃了吗", "吃了没", "吃饭了", "吃饭没", "吃过了",
            // Chit-chat: weather, meals, work hours, holidays, wishes.
            "天气", "好热", "好冷", "真热", "真冷", "下班", "上班", "周末", "放假", "假期", "休息", "早点睡", "注意身体", "身体健康", "保重", "加油",
            "快乐", "祝大家", "祝你", "祝您", "恭喜", "哈哈哈", "有意思", "好玩", "喝茶", "聊天", "热闹", "不错", "挺好", "好用", "开心",
            "高兴", "笑死我了", "笑死", "我先走", "先撤", "忙吗", "忙不忙", "在忙", "干嘛呢", "干啥呢", "怎么样了", "最近好吗");
        Add(ConversationKind.Thanks,
            "谢谢", "谢了", "多谢", "感谢", "感恩", "辛苦了", "辛苦", "麻烦了", "费心了", "劳驾", "太好了", "真棒", "好棒", "棒棒", "棒", "厉害", "给力",
            "点赞", "赞", "thanks", "thankyou", "thx", "3q", "效率真高", "效率高", "真快", "好快", "速度", "处理得真快", "处理得好", "为你点赞", "好评",
            "满意", "非常满意", "不客气", "莫客气", "客气", "应该的", "应该做的");
        Add(ConversationKind.Acknowledgement,
            "收到", "好的", "好滴", "好嘞", "好哒", "好吧", "好", "嗯嗯", "嗯", "哦哦", "哦", "噢", "知道了", "知道", "明白了", "明白", "了解了", "了解",
            "ok", "okay", "okk", "行", "行吧", "可以", "可以的", "没问题", "是的", "是", "对的", "对", "没事了", "没事", "不用了", "算了", "晓得了", "晓得",
            "懂了", "在呢", "在的", "稍等", "马上", "收刀", "收倒", "666", "6", "1", "11", "已阅", "阅", "嗯呐", "中", "妥", "妥了", "得嘞", "好嘞收到", "欧克");
        Add(ConversationKind.Test,
            "测试", "测一下", "测测", "试试", "试一下", "试试看", "试验", "test", "testing", "ping");
        Add(ConversationKind.AboutBot,
            "你是谁", "你是什么", "你是啥", "你叫什么", "你叫啥", "你是机器人", "你能做什么", "你能干什么", "你会什么", "你有什么用", "怎么用", "怎么使用",
            "咋用", "如何使用", "怎么上报", "如何上报", "怎么报", "咋报", "怎么操作", "使用说明", "说明书", "功能", "有什么功能", "帮助", "help");
        Add(ConversationKind.AboutPoints,
            "积分怎么换", "积分怎么用", "积分怎么兑换", "积分怎么算", "积分有什么用", "怎么换积分", "怎么领券", "怎么兑换", "积分规则");
        return [.. forms.OrderByDescending(f => f.Item1.Length)];
    }

    [GeneratedRegex("(你|您|机器人|管家|这个号|这个群|本群|bot)(到底|究竟)?(是|能|会|可以)?(谁|哪个|什么|啥|干嘛|干啥|干什么|做什么|做啥|叫什么|叫啥|有什么用|有啥用|怎么用|咋用|功能|真人)|机器人还是真人|(人工|真人)还是机器人|是不是机器人|是不是(人工|真人)")]
    private static partial Regex AboutBot();

    [GeneratedRegex("(怎么|怎样|如何|咋|在哪|哪里|能不能|可不可以|可以|能否|应该).{0,4}(上报|报告|反映|报事|提交|使用|用你|操作|拍照|发照片|发图|联系|找你|找谁)|(上报|反映).{0,10}(吗|么|嘛|呢|流程|方法|格式)|(哪个|谁)来?(处理|管)")]
    private static partial Regex HowToReport();

    [GeneratedRegex(@"\d+号|院|小区|栋|单元|门口|楼下|楼上|隔壁|对面")]
    private static partial Regex PlaceWord();

    [GeneratedRegex("我是.{0,16}(管家|书记|志愿者|网格员|楼栋长|老[\\p{IsCJKUnifiedIdeographs}])")]
    private static partial Regex Introduction();

    // Emoji that raise an alarm on their own are a report, not a reaction.
    [GeneratedRegex("🔥|💥|⚡|🚒|🚑|🆘|🚨|⚠")]
    private static partial Regex AlarmEmoji();

    [GeneratedRegex(@"\[[^\[\]\s]{1,4}\]")]
    private static partial Regex Sticker();

    [GeneratedRegex("[?？]|吗|呢|么|请问|问一下|问下|咨询|几号|几点|几时|什么时候|啥时候|哪里|哪儿|哪点|在哪|哪个|怎么|咋|如何|多少|是不是|有没有|能不能|可不可以|要不要")]
    private static partial Regex Question();

    [GeneratedRegex("积分|积份|领券|消费券|兑换|券码")]
    private static partial Regex AboutPoints();
}
