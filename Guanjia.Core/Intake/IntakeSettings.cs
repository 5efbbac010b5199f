namespace Guanjia.Core.Intake;

/// <summary>How intake groups messages: photos and text from one sender within the window form one report.</summary>
public sealed record IntakeSettings(TimeSpan MergeWindow)
{
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan PhotoDuplicateLookback = TimeSpan.FromDays(30);
}
