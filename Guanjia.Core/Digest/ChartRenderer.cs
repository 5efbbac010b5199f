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
            var (name, values) = panel.Series[s];
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

            var barPlot = plot.Add.Bars(bars);
            if (seriesCount > 1)
            {
                barPlot.LegendText = name;
            }
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < panel.Labels.Count; i++)
        {
            ticks.AddMajor(i, panel.Labels[i]);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(-0.6, panel.Labels.Count - 0.4);
        var max = panel.Series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, Math.Max(4, Math.Ceiling(max * 1.2)));
        plot.Title(panel.Title);
        if (seriesCount > 1)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        if (CjkFontName is { } font)
        {
            plot.Font.Set(font);
            plot.Legend.FontName = font;
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
