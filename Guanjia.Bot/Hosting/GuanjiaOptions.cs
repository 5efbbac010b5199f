using System.ComponentModel.DataAnnotations;
using Guanjia.Core.Intake;

namespace Guanjia.Bot.Hosting;

public sealed class CommunityOptions
{
    public const string Section = "Community";

    [Required(ErrorMessage = "Community:File is required: the path of the community YAML.")]
    public string File { get; set; } = "config/community.yaml";
}

public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string ProviderError = "Storage:Provider must be 'Sqlite' (one file, one instance) or 'Postgres' (several instances may share it).";

    internal static readonly string[] Providers = [Guanjia.Core.Storage.GuanjiaStorage.SqliteName, Guanjia.Core.Storage.GuanjiaStorage.PostgresName];

    [RegularExpression("^(?i:Sqlite|Postgres)$", ErrorMessage = ProviderError)]
    public string Provider { get; set; } = Guanjia.Core.Storage.GuanjiaStorage.SqliteName;
}

public sealed class MediaOptions
{
    public const string Section = "Media";

    [Required(ErrorMessage = "Media:Root is required: the folder where photos are stored.")]
    public string Root { get; set; } = "data/media";
}

public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Bearer keys accepted by /api/*. Empty means the API answers 401 to everyone.</summary>
    public string[] Keys { get; set; } = [];
}

public sealed class IntakeOptions
{
    public const string Section = "Intake";

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Intake:MergeWindow must be a duration between 00:00:00 and 01:00:00.")]
    public TimeSpan MergeWindow { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Failed attempts after which a message becomes a dead letter (see InboxRetryPolicy).</summary>
    [Range(1, 100, ErrorMessage = "Intake:MaxAttempts must be a whole number from 1 to 100.")]
    public int MaxAttempts { get; set; } = InboxRetryPolicy.DefaultMaxAttempts;
}
