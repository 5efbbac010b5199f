using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>The outcome of triaging one report.</summary>
/// <param name="CategoryCode">The category; <c>other</c> when <paramref name="LowConfidence"/>.</param>
/// <param name="BestGuessCode">The most likely category even when confidence is low, to offer secretaries.</param>
/// <param name="Confidence">Calibrated probability of the best guess among all categories (0–1).</param>
/// <param name="LowConfidence">True when a secretary should pick the category (改类): ask, do not guess.</param>
/// <param name="Urgent">An urgent cue was found, or the category is always urgent.</param>
/// <param name="UrgentCue">The cue that made it urgent, if any.</param>
/// <param name="CompoundId">The compound named in the text or the reporter's only compound; null at community level.</param>
/// <param name="DepartmentId">Where the ticket goes.</param>
/// <param name="TimeLimit">The category's sla, or urgentSla for urgent tickets.</param>
/// <param name="Candidates">The most likely categories, best first, with their probabilities: what to offer secretaries when unsure.</param>
public sealed record TriageResult(
    string CategoryCode,
    string BestGuessCode,
    double Confidence,
    bool LowConfidence,
    bool Urgent,
    string? UrgentCue,
    string? CompoundId,
    string DepartmentId,
    TimeLimit TimeLimit,
    IReadOnlyList<CategoryCandidate> Candidates)
{
    /// <summary>The hazard kind of <see cref="UrgentCue"/> (fire, gas, electricity, structure, people, violence, alarm), if any.</summary>
    public string? UrgentKind { get; init; }

    /// <summary>The text names a compound (not only the reporter's sole compound by default).</summary>
    public bool NamesPlace { get; init; }

    /// <summary>The conversation gate's probability that the text is conversation, not a report; null when not asked for.</summary>
    public double? Conversation { get; init; }
}

/// <summary>What the urgency decision reads from one report: the cue found, a drill or talk, any cue named (even denied), an all-clear, the learned probability.</summary>
/// <summary>Why a report is urgent: a cue, its always-urgent category, the learned model; or not urgent.</summary>
internal enum UrgencyReason
{
    None,
    Cue,
    Category,
    Learned,
}

/// <remarks>The learned probability is a second model inference: it is only computed when the decision reaches it.</remarks>
internal readonly record struct UrgencySignal(UrgentCueMatch? Cue, bool Quiet, bool NamesCue, bool AllClear, Lazy<double> LearnedProbability)
{
    public double Learned => LearnedProbability.Value;
}

/// <summary>A category the classifier considers, with its probability (0–1).</summary>
public sealed record CategoryCandidate(string Code, double Probability);

/// <summary>
/// Triage of a steward's report: category, urgency, place and department. Construction is quick;
/// the category model is loaded in the background (the newest saved model, else the shipped one,
/// else trained from the corpus as a fallback) and <see cref="Triage"/> waits for it the first time.
/// <see cref="Triage"/> is thread-safe, deterministic for a given model, and needs no network.
/// </summary>
public sealed partial class TicketTriage
{
    /// <summary>The <see cref="TriageResult.UrgentKind"/> of a report the learned urgency model marked (no cue matched).</summary>
    public const string LearnedUrgency = "learned";

    private readonly CommunityConfig _config;
    private readonly PlaceResolver _places;
    private readonly UrgencyDetector _urgency;
    private readonly CategoryClassifier _classifier;
    private readonly ReportText _text;
    private readonly Task<TriageModel> _loading;
    private TriageModel? _current;

    public TicketTriage(CommunityConfig config, TriageKnowledge knowledge, TriageModelStore? store = null, ClassifierSettings? settings = null)
    {
        knowledge.Validate(config);
        _config = config;
        Knowledge = knowledge;
        Store = store;
        Settings = settings ?? ClassifierSettings.Default;
        _places = new PlaceResolver(config);
        _urgency = new UrgencyDetector(knowledge.Urgent);
        _text = new ReportText(config, _places);
        Codes = [.. config.Categories.Select(c => c.Code)];
        _classifier = new CategoryClassifier(Codes, Category.OtherCode, knowledge.Phrases, _urgency);
        _loading = Task.Run(() =>
        {
            ReportText.WarmUp();
            return store?.LoadNewest(Codes) ?? Train(knowledge.Examples, corrections: 0, DateTimeOffset.UnixEpoch, "trained");
        });
    }

    public static TicketTriage Create(CommunityConfig config, string knowledgeDirectory, string? savedModelsDirectory = null) =>
        new(config, TriageKnowledge.Load(knowledgeDirectory), new TriageModelStore(knowledgeDirectory, savedModelsDirectory));

    public TriageKnowledge Knowledge { get; }

    public TriageModelStore? Store { get; }

    public ClassifierSettings Settings { get; }

    /// <summary>The category codes in the config's order.</summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>Completes when the category model is loaded (or trained, when none was found).</summary>
    public Task WhenReady => _loading;

    /// <summary>What the model in use was trained on.</summary>
    public TriageModelManifest ModelManifest => Current.Manifest;

    /// <summary>Where the model in use came from: <c>saved</c> (nightly retraining), <c>shipped</c>, or <c>trained</c> at start.</summary>
    public string ModelSource => Current.Source;

    private TriageModel Current => Volatile.Read(ref _current) ?? _loading.GetAwaiter().GetResult();

    /// <summary>Triages <paramref name="text"/>; with <paramref name="conversation"/> also reads it with the conversation gate's model.</summary>
    public TriageResult Triage(string text, Person? reporter, CommunityInfo community, bool conversation = false)
    {
        var normalized = TextNormalizer.Normalize(text ?? "");
        var input = Prepare(normalized);
        var guess = _classifier.Classify(input.Chars, Current.Model.Probabilities(input), Settings);
        var category = _config.FindCategory(guess.Code) ?? _config.OtherCategory;
        var signals = UrgencySignals(normalized, input);
        var reason = Decide(signals, category.AlwaysUrgent, Settings);
        var urgent = reason != UrgencyReason.None;
        var cue = urgent ? signals.Cue : null;
        var named = _places.FindNamed(normalized, reporter, community);
        var compound = named?.Compound ?? _places.SoleCompoundOf(reporter, community);
        return new TriageResult(
            category.Code,
            guess.BestCode,
            guess.Confidence,
            guess.LowConfidence,
            urgent,
            cue?.Cue,
            compound?.Id,
            Router.Route(category, compound, community),
            category.TimeLimitFor(urgent),
            guess.Candidates)
        {
            UrgentKind = cue?.Kind ?? (reason == UrgencyReason.Learned ? LearnedUrgency : null),
            NamesPlace = named is not null,
            Conversation = conversation ? Current.Conversation.Probabilities(input)[1] : null,
        };
    }

    /// <summary>What the models train on: the reports of a known category and the conversation lines.</summary>
    public static IReadOnlyList<LabelledReport> TrainingSet(CommunityConfig config, IEnumerable<LabelledReport> examples) =>
        [.. examples.Where(e => config.FindCategory(e.Category) is not null || e.Category == LabelledReport.ConversationLabel)];

    /// <summary>The model's and the phrases' view of one report, for tuning by cross-validation.</summary>
    internal (double[] Model, string Stripped, UrgencySignal Urgency) Explain(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        var input = Prepare(normalized);
        return (Current.Model.Probabilities(input), input.Chars, UrgencySignals(normalized, input));
    }

    /// <summary>
    /// Whether a report is urgent, and whether a cue decided it. A cue that stands alone decides; in a
    /// drill or a talk nothing is urgent; an always-urgent category is urgent unless the report says its
    /// danger is not there (没闻到味道, 误报) or names it only to deny it; a cue that needs corroboration
    /// counts when the learned model agrees; with no cue named at all and no all-clear, the learned model alone decides.
    /// </summary>
    internal static UrgencyReason Decide(UrgencySignal s, bool alwaysUrgent, ClassifierSettings settings)
    {
        if (s.Cue is { Corroborate: false, Weak: false })
        {
            return UrgencyReason.Cue;
        }

        if (s.Quiet)
        {
            return UrgencyReason.None;
        }

        if (alwaysUrgent && !s.AllClear && !(s.NamesCue && s.Cue is null) && (s.Cue is { Weak: false } || s.Learned >= settings.AlwaysUrgentAbove))
        {
            return UrgencyReason.Category;
        }

        if (s.Cue is { } cue)
        {
            // A weak cue (烧烤摊冒烟, 站牌被撞倒) counts where the learned model alone would.
            return s.Learned >= (cue.Weak ? settings.UrgentAbove : settings.CorroborateAbove) ? UrgencyReason.Cue : UrgencyReason.None;
        }

        return !s.NamesCue && !s.AllClear && s.Learned >= settings.UrgentAbove ? UrgencyReason.Learned : UrgencyReason.None;
    }

    private UrgencySignal UrgencySignals(string normalized, ClassifierInput input)
    {
        var urgency = Current.Urgency;
        return UrgencySignals(_urgency, normalized, () => urgency.Probabilities(input)[1]);
    }

    /// <summary>What the rules read of a normalised report, with the learned probability computed only when asked for.</summary>
    internal static UrgencySignal UrgencySignals(UrgencyDetector detector, string normalized, Func<double> learned)
    {
        // Voice-to-text and terse reports space their words (电线 垂到 地上): cues are read across such spaces.
        normalized = UrgencyDetector.Compact(normalized);
        return new(
            detector.Find(normalized),
            detector.InNonUrgentContext(normalized),
            detector.NamesAnyCue(normalized),
            detector.SaysAllClear(normalized),
            new Lazy<double>(learned, LazyThreadSafetyMode.None));
    }

    internal CategoryClassifier Classifier => _classifier;

    /// <summary>Trains a category model on labelled reports (off the request path: seconds on the full corpus).</summary>
    internal TriageModel Train(IEnumerable<LabelledReport> examples, int corrections, DateTimeOffset at, string source)
    {
        var all = TrainingSet(_config, examples);
        var inputs = all.Select(e => (Input: Prepare(TextNormalizer.Normalize(e.Text)), Example: e)).ToList();
        var reports = inputs.Where(x => x.Example.Category != LabelledReport.ConversationLabel).ToList();
        var model = CategoryModel.Train(Codes, reports.Select(x => (x.Input, x.Example.Category)));
        var codes = TriageModelStore.UrgencyCodes;
        var urgency = CategoryModel.Train(codes, reports.Select(x => (x.Input, x.Example.Urgent ? codes[1] : codes[0])), CategoryModel.UrgencyTrainer);
        var gate = TriageModelStore.ConversationCodes;
        var conversation = CategoryModel.Train(gate, inputs.Select(x => (x.Input, x.Example.Category == LabelledReport.ConversationLabel ? gate[1] : gate[0])), CategoryModel.ConversationTrainer, CategoryModel.ConversationWeights);
        var manifest = new TriageModelManifest
        {
            CorpusHash = TriageModelManifest.HashOf(all),
            Examples = all.Count,
            Corrections = corrections,
            TrainedAt = at,
            Codes = Codes,
        };
        return new TriageModel(model, urgency, conversation, manifest, source);
    }

    // What the classifiers read: places stripped, denied hazards (没有冒烟, not 万一着火) blanked.
    private ClassifierInput Prepare(string normalized) => _text.Prepare(_urgency.WithoutNegatedCues(normalized));

    /// <summary>Puts a newly trained model in use; triage in flight finishes with the old one.</summary>
    internal void Swap(TriageModel model) => Volatile.Write(ref _current, model);
}
