using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Guanjia.Core.Triage;

/// <summary>
/// The learned part of the category decision: ML.NET maximum-entropy (multinomial logistic
/// regression, L-BFGS; see CategoryTrainer) over character 1–3-grams of the place-stripped text and jieba word
/// 1–2-grams. Training is deterministic (fixed seed, one thread). <see cref="Probabilities"/> is thread-safe.
/// </summary>
internal sealed class CategoryModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<CategoryRow, CategoryPrediction>> _engines = [];
    private readonly int[] _slotOfCode;

    private CategoryModel(MLContext ml, ITransformer model, IReadOnlyList<string> modelCodes, IReadOnlyList<string> codes)
    {
        _ml = ml;
        _model = model;
        _slotOfCode = [.. codes.Select(c => modelCodes.ToList().IndexOf(c))];
        Codes = modelCodes;
    }

    /// <summary>The categories the model knows, in the order of its score slots.</summary>
    public IReadOnlyList<string> Codes { get; }

    // L2 regularisation of SDCA when chosen (GJ_TRIAGE_*_TRAINER=sdca:…), by 3-fold CV (1e-3: 70 %, 1e-4: 81 %, 1e-5: 84 % model alone).
    private const float SdcaL2 = 1e-5f;

    /// <summary>
    /// The category model's trainer: L-BFGS maximum entropy, L2 0.01. On 5-fold CV over 4,132 reports it read
    /// 91.0 % of categories right where SDCA (L2 1e-5) read 89.1 % (docs/triage.md).
    /// </summary>
    public static readonly ModelTrainer CategoryTrainer = new("category", "lbfgs", 0.01f);

    /// <summary>
    /// The learned urgency model's trainer: L-BFGS maximum entropy, L2 0.03. More regularised than the category
    /// model: with SDCA at 1e-5 its probabilities were near 0 or 1 for calm reports (灭火器不见了 0.97), and on
    /// 5-fold CV L-BFGS at 0.03 raised urgent precision from 77 % to 85 % at the same recall (docs/triage.md).
    /// </summary>
    public static readonly ModelTrainer UrgencyTrainer = new("urgency", "lbfgs", 0.03f);

    /// <summary>The conversation gate's trainer (report or conversation): L-BFGS maximum entropy, L2 0.01, chosen on CV (docs/triage.md).</summary>
    public static readonly ModelTrainer ConversationTrainer = new("conversation", "lbfgs", 0.01f);

    /// <summary>
    /// The conversation lines count four times in the gate's training (there are ten times fewer of them than reports): on 5-fold
    /// CV the model alone then files 56 of 399 conversation lines at 0.5 instead of 72 (docs/triage.md).
    /// Chosen on CV; try another without a rebuild: GJ_TRIAGE_CONVERSATION_WEIGHT=3.
    /// </summary>
    public static IReadOnlyDictionary<string, float> ConversationWeights { get; } = new Dictionary<string, float>(StringComparer.Ordinal)
    {
        [LabelledReport.ConversationLabel] = float.TryParse(Environment.GetEnvironmentVariable("GJ_TRIAGE_CONVERSATION_WEIGHT"), System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 4f,
    };

    public static CategoryModel Train(IReadOnlyList<string> codes, IEnumerable<(ClassifierInput Input, string Label)> examples, ModelTrainer? trainer = null, IReadOnlyDictionary<string, float>? weights = null)
    {
        trainer = Override(trainer ?? CategoryTrainer);
        var l2 = trainer.L2 > 0 ? trainer.L2 : SdcaL2;
        var ml = new MLContext(seed: 1);
        var rows = examples
            .Where(e => codes.Contains(e.Label))
            .Select(e => new CategoryRow { Text = e.Input.Chars, Words = e.Input.Words, Label = e.Label, Weight = weights?.GetValueOrDefault(e.Label, 1f) ?? 1f })
            .ToList();
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("No labelled examples to train the category model on.");
        }

        var keys = ml.Data.LoadFromEnumerable(codes.Select(c => new CategoryKey { Label = c }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Label", keyData: keys)
            .Append(ml.Transforms.Text.FeaturizeText("Chars", CharOptions(), "Text"))
            .Append(ml.Transforms.Text.FeaturizeText("WordGrams", WordOptions(), "Words"))
            .Append(ml.Transforms.Concatenate("Features", "Chars", "WordGrams"))
            ;
        var featurizer = pipeline.Fit(ml.Data.LoadFromEnumerable(rows));
        IEstimator<ITransformer> estimator = trainer.Name switch
        {
            "lbfgs" => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                NumberOfThreads = 1,
                L2Regularization = l2,
                L1Regularization = 0,
                ExampleWeightColumnName = weights is null ? null : nameof(CategoryRow.Weight),
            }),
            "ova-lr" => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1, L2Regularization = l2, L1Regularization = 0 })),
            _ => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                NumberOfThreads = 1,
                MaximumNumberOfIterations = 30,
                L2Regularization = l2,
            }),
        };
        var predictor = estimator.Fit(WithoutAnnotations(ml, featurizer.Transform(ml.Data.LoadFromEnumerable(rows)), rows, keys));
        return new CategoryModel(ml, featurizer.Append(predictor), codes, codes);
    }

    // For trying trainers by cross-validation without a rebuild: GJ_TRIAGE_URGENCY_TRAINER=sdca:1e-4 triage-eval --cv 5.
    private static ModelTrainer Override(ModelTrainer trainer) =>
        Environment.GetEnvironmentVariable($"GJ_TRIAGE_{trainer.Role.ToUpperInvariant()}_TRAINER") is { } value
        && value.Split(':') is [var name, var l2] && float.TryParse(l2, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? trainer with { Name = name, L2 = v }
            : trainer;

    public static CategoryModel Load(string path, IReadOnlyList<string> modelCodes, IReadOnlyList<string> codes)
    {
        var ml = new MLContext(seed: 1);
        using var stream = File.OpenRead(path);
        var model = ml.Model.Load(stream, out _);
        return new CategoryModel(ml, model, modelCodes, codes);
    }

    public void Save(string path)
    {
        using var stream = File.Create(path);
        _ml.Model.Save(_model, SchemaOf(_ml), stream);
    }

    /// <summary>Probabilities aligned with the <c>codes</c> given at construction (0 for a code the model does not know).</summary>
    public double[] Probabilities(ClassifierInput input)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<CategoryRow, CategoryPrediction>(_model);
        }

        try
        {
            var scores = engine.Predict(new CategoryRow { Text = input.Chars, Words = input.Words, Label = "" }).Score;
            var result = new double[_slotOfCode.Length];
            for (var k = 0; k < result.Length; k++)
            {
                result[k] = _slotOfCode[k] is var slot and >= 0 && slot < scores.Length ? scores[slot] : 0;
            }

            return result;
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>
    /// The training features as plain values, without the n-gram names: the trainer keeps the schema it was trained on
    /// in the model (and in model.zip), and with every n-gram's name as a slot name that schema was two thirds of a loaded
    /// model's memory (docs/benchmarks.md, "RSS under load"). Same values and labels, so the same model.
    /// </summary>
    private static IDataView WithoutAnnotations(MLContext ml, IDataView featured, List<CategoryRow> rows, IDataView keys)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Features)].ColumnType = featured.Schema[nameof(FeatureRow.Features)].Type;
        var read = SchemaDefinition.Create(typeof(FeatureVector));
        read[nameof(FeatureVector.Features)].ColumnType = definition[nameof(FeatureRow.Features)].ColumnType;

        // The cursor hands out its own buffers again for the next row: each row's features are copied.
        var features = ml.Data.CreateEnumerable<FeatureVector>(featured, reuseRowObject: true, schemaDefinition: read).Select(f => Copy(f.Features));
        var plain = ml.Data.LoadFromEnumerable(
            rows.Zip(features, (row, f) => new FeatureRow { Label = row.Label, Features = f, Weight = row.Weight }).ToList(),
            definition);
        return ml.Transforms.Conversion.MapValueToKey("Label", "Label", keyData: keys).Fit(plain).Transform(plain);
    }

    private static VBuffer<float> Copy(VBuffer<float> features)
    {
        var copy = default(VBuffer<float>);
        features.CopyTo(ref copy);
        return copy;
    }

    private static DataViewSchema SchemaOf(MLContext ml) =>
        ml.Data.LoadFromEnumerable(Array.Empty<CategoryRow>()).Schema;

    private static TextFeaturizingEstimator.Options CharOptions() => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.None,
        KeepPunctuations = false,
        KeepNumbers = true,
        KeepDiacritics = true,
        WordFeatureExtractor = null,
        CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = true },
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };

    private static TextFeaturizingEstimator.Options WordOptions() => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.None,
        KeepPunctuations = false,
        KeepNumbers = true,
        KeepDiacritics = true,
        CharFeatureExtractor = null,
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };
}

/// <summary>Which ML.NET trainer fits a model (<c>sdca</c>, <c>lbfgs</c>, <c>ova-lr</c>) and its L2 regularisation; <paramref name="Role"/> names the model.</summary>
internal sealed record ModelTrainer(string Role, string Name, float L2);

internal sealed class CategoryRow
{
    public string Text { get; set; } = "";

    public string Words { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary>How much the example counts in training (1 unless a class is weighted up).</summary>
    public float Weight { get; set; } = 1f;
}

internal sealed class CategoryPrediction
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}

/// <summary>One training row as the trainer reads it: the label, the features, the example's weight.</summary>
internal sealed class FeatureRow
{
    public string Label { get; set; } = "";

    public VBuffer<float> Features { get; set; }

    public float Weight { get; set; } = 1f;
}

/// <summary>The features of one row as the featuriser wrote them.</summary>
internal sealed class FeatureVector
{
    public VBuffer<float> Features { get; set; }
}

internal sealed class CategoryKey
{
    public string Label { get; set; } = "";
}
