using ScottPlot;
using SkiaSharp;

namespace Guanjia.Core.Digest;

/// <summary>One bar chart: a label per group and one or more named series of values.</summary>
public sealed record ChartPanel(string Title, IReadOnlyList<string> Labels, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> Series);

/// <summary>
/// Renders bar charts to PNG with ScottPlot. Chinese labels need a CJK font on the machine (Debian:
/// fonts-noto-cjk or fonts-wqy-microhei); the font is looked up by the characters it must draw.
/// </summary>
public static class ChartRenderer
{
    public const int Width = 960;
    public const int PanelHeight = 420;

    private static readonly Lazy<string?> CjkFont = new(FindCjkFont);
    private static readonly string[] ColourNames = ["蓝", "绿", "橙", "红"];

    /// <summary>The font family used for Chinese text, or null when the machine has none.</summary>
    public static string? CjkFontName => CjkFont.Value;

    /// <summary>The panels stacked top to bottom in one PNG.</summary>
    public static byte[] RenderPng(IReadOnlyList<ChartPanel> panels)
    {
        ArgumentOutOfRangeException.ThrowIfZero(panels.Count);
        var info = new SKImageInfo(Width, PanelHeight * panels.Count);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (var i = 0; i < panels.Count; i++)
        {
            var plot = Build(panels[i]);
            canvas.Save();
            canvas.Translate(0, i * PanelHeight);
            canvas.ClipRect(new SKRect(0, 0, Width, PanelHeight));
            plot.Render(canvas, Width, PanelHeight);
            canvas.Restore();
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static Plot Build(ChartPanel panel)
    {
        var plot = new Plot();
        var seriesCount = panel.Series.Count;
        var width = 0.8 / seriesCount;
        Color[] palette = [Color.FromHex("#4E79A7"), Color.FromHex("#59A14F"), Color.FromHex("#F28E2B"), Color.FromHex("#E15759")];
        for (var s = 0; s < seriesCount; s++)
        {
            var values = panel.Series[s].Values;
            var bars = new List<Bar>();
            for (var i = 0; i < values.Count; i++)
            {
                bars.Add(new Bar
                {
                    Position = i - 0.4 + (width * (s + 0.5)),
                    Value = values[i],
                    Size = width * 0.9,
                    FillColor = palette[s % palette.Length],
                    Label = values[i] > 0 ? values[i].ToString("0", System.Globalization.CultureInfo.InvariantCulture) : "",
                });
            }

            plot.Add.Bars(bars);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < panel.Labels.Count; i++)
        {
            ticks.AddMajor(i, panel.Labels[i]);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        // Counts of tickets: no 0.5 steps on the value axis.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(-0.6, panel.Labels.Count - 0.4);
        var max = panel.Series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, Math.Max(4, Math.Ceiling(max * 1.2)));
        // ScottPlot's legend box is measured for Latin text and clips CJK labels, so the series are
        // named in the title by their colour instead.
        plot.Title(seriesCount > 1
            ? $"{panel.Title}（{string.Join("，", panel.Series.Select((x, i) => $"{ColourNames[i % ColourNames.Length]}：{x.Name}"))}）"
            : panel.Title);

        if (CjkFontName is { } font)
        {
            plot.Font.Set(font);
        }

        return plot;
    }

    private static string? FindCjkFont()
    {
        string[] preferred = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "Noto Sans SC"];
        foreach (var name in preferred)
        {
            using var typeface = SKFontManager.Default.MatchFamily(name);
            if (typeface is not null && typeface.ContainsGlyph('办'))
            {
                return typeface.FamilyName;
            }
        }

        using var any = SKFontManager.Default.MatchCharacter('办');
        return any?.FamilyName;
    }
}
