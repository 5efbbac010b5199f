using Guanjia.Core.Community;

namespace Guanjia.Core.Tickets;

/// <summary>
/// Which reports are confidential tips: every report of a <c>confidential</c> category, and a report of
/// any other category whose text names what only the police should read (drugs, 传销, gambling, a
/// named thief, group renting). Such a tip's text, photos and reporter reach only the department and
/// the community's secretaries.
/// </summary>
public static class ConfidentialTips
{
    // Deliberately narrow: "偷" alone would catch 偷倒垃圾 (dumping on the sly), a hygiene report.
    private static readonly string[] Words =
    [
        "吸毒", "贩毒", "毒品", "冰毒", "海洛因", "大麻", "摇头丸",
        "传销",
        "赌博", "聚赌", "赌场", "开赌",
        "卖淫", "嫖娼", "黄赌毒",
        "小偷", "偷东西", "偷窃", "盗窃", "被偷", "偷了", "扒手", "惯偷",
        "群租", "二房东", "黑中介",
        "逃犯", "通缉",
    ];

    /// <summary>The word that makes <paramref name="text"/> a confidential tip, or null.</summary>
    public static string? Cue(string text)
    {
        foreach (var word in Words)
        {
            if (text.Contains(word, StringComparison.Ordinal))
            {
                return word;
            }
        }

        return null;
    }

    /// <summary>Whether a report of <paramref name="category"/> saying <paramref name="text"/> is confidential.</summary>
    public static bool IsConfidential(Category? category, string text) => category?.Confidential == true || Cue(text) is not null;
}
