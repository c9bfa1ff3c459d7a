extern alias generate;
using generate::CrimeStreaming.Generate;

namespace CrimeStreaming.Samples.Tests;

public sealed class ProgressBarTests
{
    [Fact]
    public void The_line_shows_the_bar_the_rows_the_rate_and_the_time_left_within_the_width()
    {
        var line = ProgressBar.Render(2_500_000, 10_000_000, TimeSpan.FromSeconds(5), 79);

        // The bar takes what the text leaves (19 of 79 columns here), a quarter of it filled.
        line.Should().Be("[#####..............]  25% 2,500,000/10,000,000 rows, 500,000 rows/s, 15 s left");
    }

    [Fact]
    public void Done_says_done_and_a_narrow_terminal_gets_a_shorter_bar_or_none()
    {
        ProgressBar.Render(1_000, 1_000, TimeSpan.FromSeconds(1), 79).Should().MatchRegex(@"^\[#+\] 100% 1,000/1,000 rows, 1,000 rows/s, done$");
        ProgressBar.Render(0, 1_000, TimeSpan.Zero, 79).Should().Contain("  0% 0/1,000 rows, 0 rows/s");
        ProgressBar.Render(500, 1_000, TimeSpan.FromSeconds(1), 60).Length.Should().BeLessThanOrEqualTo(60);
        ProgressBar.Render(500, 1_000_000_000, TimeSpan.FromSeconds(1), 39).Should().NotContain("[").And.HaveLength(39);
    }

    [Fact]
    public void Drawing_redraws_one_line_in_place_and_clearing_erases_it()
    {
        var terminal = new StringWriter();
        var bar = new ProgressBar(100, terminal);

        bar.Report(40);
        terminal.ToString().Should().Contain(" 40% 40/100 rows", "the first report draws at once");
        bar.Report(100);
        bar.Clear();

        var text = terminal.ToString();
        text.Should().StartWith("\r[").And.Contain("100% 100/100 rows", "the last report always draws").And.EndWith("\r");
        text.Should().NotContain("\n");
    }
}
