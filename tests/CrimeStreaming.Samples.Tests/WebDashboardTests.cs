using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace CrimeStreaming.Samples.Tests;

/// <summary>
/// The web dashboard as a user sees it: the demo process serving it, Debian's Chromium showing it (driven by
/// PuppeteerSharp, never a browser download), and the command line around it.
/// </summary>
public sealed partial class WebDashboardTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    // A loaded 2-core machine: every wait is for a condition, with room to spare.
    private const int Timeout = 90_000;

    [Fact]
    public async Task In_a_browser_points_and_windows_move_pause_stops_the_clock_and_speed_changes_its_rate()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is needed for this test (apt-get install chromium; .ci/run installs it).");
        }

        var watch = Stopwatch.StartNew();

        // One simulated hour per real second: the bundled sample's January is busy, so points come at once and the
        // hourly windows close every second.
        using var demo = SampleProcess.Demo("--web", "0", "--acceleration", "3600", "--seed", "1");
        await demo.WaitForOutputAsync("web dashboard: ", TimeSpan.FromSeconds(60));
        var url = WebUrl().Match(demo.Stdout).Groups[1].Value;
        url.Should().StartWith("http://127.0.0.1:", "the dashboard listens on loopback unless --web-host says otherwise");

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        await using var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e.Message);
        page.Console += (_, e) =>
        {
            // The bad speed typed in below is answered 400, which the browser logs; anything else is an error.
            if (e.Message.Type == ConsoleType.Error && !e.Message.Text.Contains("status of 400", StringComparison.Ordinal))
            {
                errors.Add(e.Message.Text);
            }
        };
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        await page.GoToAsync(url);

        // Points appear on the map, and the windows' figures change as hours close.
        await WaitAsync(page, "Number(document.getElementById('map').dataset.points) >= 5", "five points on the map");
        await WaitAsync(page, "/^\\d{4}-/.test(document.getElementById('w1-end').textContent)", "a complete 1-hour window");
        var firstEnd = await TextAsync(page, "w1-end");
        var firstUpdates = await page.EvaluateExpressionAsync<int>("Number(document.getElementById('windows').dataset.updates)");
        await WaitAsync(page, $"document.getElementById('w1-end').textContent !== '{firstEnd}'", "the next 1-hour window");
        await WaitAsync(page, "Number(document.getElementById('w12-total').textContent.replace(/,/g, '')) > 0", "crimes in the last 12 hours");
        (await page.EvaluateExpressionAsync<int>("Number(document.getElementById('windows').dataset.updates)")).Should().BeGreaterThan(firstUpdates);

        // Pause: the clock stops (over ten more frames, about 2 real seconds, it does not move); resume.
        await page.ClickAsync("#pause");
        await WaitAsync(page, "document.getElementById('clock').dataset.paused === 'true'", "the clock paused");
        (await TextAsync(page, "pause")).Should().Be("Resume");
        var paused = await ClockAsync(page);
        var frames = await page.EvaluateExpressionAsync<int>("Number(document.body.dataset.frames)");
        await WaitAsync(page, $"Number(document.body.dataset.frames) >= {frames + 10}", "ten more frames");
        var stillPaused = await ClockAsync(page);
        stillPaused.RealMs.Should().BeGreaterThan(paused.RealMs + 1000, "real time went on");
        stillPaused.NowMs.Should().Be(paused.NowMs, "a paused clock stands still");
        (await TextAsync(page, "clock-state")).Should().StartWith("paused");
        await page.ClickAsync("#pause");
        await WaitAsync(page, "document.getElementById('clock').dataset.paused === 'false'", "the clock running again");

        // Speed: the rate the page's clock moves at is the acceleration set, before and after.
        var before = await RateAsync(page);
        await page.TypeAsync("#speed", "14400");
        await page.ClickAsync("#set-speed");
        await WaitAsync(page, "document.getElementById('clock').dataset.acceleration === '14400'", "the new speed");
        (await TextAsync(page, "clock-state")).Should().Be("14,400×");
        var after = await RateAsync(page);
        output.WriteLine($"clock rate: {before:N0} simulated s per real s at 3,600x, {after:N0} at 14,400x");
        before.Should().BeInRange(3600 * 0.8, 3600 * 1.1);
        (after / before).Should().BeInRange(3.3, 4.4, "four times the speed");

        await page.ClickAsync("#faster");
        await WaitAsync(page, "document.getElementById('clock').dataset.acceleration === '28800'", "twice the speed");
        await page.ClickAsync("#slower");
        await WaitAsync(page, "document.getElementById('clock').dataset.acceleration === '14400'", "half of it again");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "web-dashboard.png");
        await WaitAsync(page, "Number(document.getElementById('map').dataset.points) >= 150", "150 points on the map");
        await page.ScreenshotAsync(screenshot);
        output.WriteLine($"screenshot: {screenshot}");

        // A bad value typed in: the page shows the server's message, and the clock keeps its speed.
        await page.EvaluateExpressionAsync("document.getElementById('speed').value = ''");
        await page.TypeAsync("#speed", "0");
        await page.ClickAsync("#set-speed");
        await WaitAsync(page, "document.getElementById('control-message').textContent.includes(\"'0' is not a number\")", "the error message");
        (await page.EvaluateExpressionAsync<string>("document.getElementById('clock').dataset.acceleration")).Should().Be("14400");

        // Ctrl+C's twin: the page is told the run is over, and keeps its last state.
        demo.Signal("TERM");
        await WaitAsync(page, "document.body.dataset.phase === 'done'", "the end of the run");
        await demo.ExitAsync(TimeSpan.FromSeconds(60));
        demo.ExitCode.Should().Be(130, demo.Stderr);
        errors.Should().BeEmpty("the page's script runs without errors");
        output.WriteLine($"test took {watch.Elapsed.TotalSeconds:N1} s");
    }

    [Fact]
    public async Task A_port_in_use_is_one_error_line_and_exit_2_before_anything_starts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        using var demo = await SampleProcess.Demo("--web", port, "--seed", "1").ExitAsync();

        demo.ShouldBeOneErrorLine(2).Should().Be($"error: --web: port {port} is in use on 127.0.0.1; give another port, or 0 for any free one.");
        demo.Stdout.Should().NotContain("Topic", "no cluster was started");
    }

    [Fact]
    public async Task Listening_beyond_loopback_warns_and_is_reachable_there()
    {
        using var demo = SampleProcess.Demo("--web", "0", "--web-host", "0.0.0.0", "--acceleration", "3600", "--seed", "1");
        await demo.WaitForOutputAsync("web dashboard: ", TimeSpan.FromSeconds(60));
        var deadline = Stopwatch.StartNew();
        while (!demo.Stderr.Contains("warning: ", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        var port = new Uri(WebUrl().Match(demo.Stdout).Groups[1].Value).Port;
        demo.Stderr.Should().Contain($"warning: the web dashboard listens on 0.0.0.0:{port} for other machines too, without authentication: anyone who can reach it can pause and re-pace the replay.");

        // 127.0.0.2 is not the loopback address a default dashboard listens on: reachable only beyond loopback.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var state = await http.GetStringAsync(new Uri($"http://127.0.0.2:{port}/api/state"));
        state.Should().StartWith("{\"phase\":");

        demo.Signal("TERM");
        await demo.ExitAsync(TimeSpan.FromSeconds(60));
        demo.ExitCode.Should().Be(130, demo.Stderr);
    }

    private static async Task WaitAsync(IPage page, string condition, string what)
    {
        try
        {
            await page.WaitForFunctionAsync($"() => {condition}", new WaitForFunctionOptions { Timeout = Timeout, PollingInterval = 50 });
        }
        catch (WaitTaskTimeoutException)
        {
            var body = await page.EvaluateExpressionAsync<string>("document.body.innerText");
            throw new TimeoutException($"{what} did not show within {Timeout / 1000} s; the page:\n{body}");
        }
    }

    private static Task<string> TextAsync(IPage page, string id) => page.EvaluateExpressionAsync<string>($"document.getElementById('{id}').textContent");

    /// <summary>Simulated now and the server's real milliseconds when it was read, as the page last got them.</summary>
    private static async Task<(long NowMs, long RealMs)> ClockAsync(IPage page)
    {
        var text = await page.EvaluateExpressionAsync<string>("document.getElementById('clock').dataset.nowMs + ' ' + document.getElementById('clock').dataset.realMs");
        var parts = text.Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Simulated seconds per real second over about three real seconds of frames, as the page shows the clock.</summary>
    /// <remarks>
    /// The lag bound holds the clock while the consumers catch up (a busy machine), and a held clock rightly does not
    /// move: a measurement during which the page saw a hold begin or last is taken again, up to five times.
    /// </remarks>
    private static async Task<double> RateAsync(IPage page)
    {
        const string Held = "document.getElementById('clock').dataset.held + ' ' + document.getElementById('k-lag').dataset.waits";
        for (var attempt = 1; ; attempt++)
        {
            // A frame still on its way may carry the old speed: start from one sent after the change.
            var frames = await page.EvaluateExpressionAsync<int>("Number(document.body.dataset.frames)");
            await WaitAsync(page, $"Number(document.body.dataset.frames) >= {frames + 2}", "two more frames");
            var heldBefore = await page.EvaluateExpressionAsync<string>(Held);
            var first = await ClockAsync(page);
            await WaitAsync(page, $"Number(document.getElementById('clock').dataset.realMs) >= {first.RealMs + 3000}", "three seconds of frames");
            var last = await ClockAsync(page);
            var heldAfter = await page.EvaluateExpressionAsync<string>(Held);
            if (heldBefore == heldAfter && heldBefore.StartsWith("false ", StringComparison.Ordinal))
            {
                return (last.NowMs - first.NowMs) / (double)(last.RealMs - first.RealMs);
            }

            if (attempt == 5)
            {
                Assert.Fail($"five measurements in a row saw the clock held by the lag bound (held, waits: '{heldBefore}' then '{heldAfter}')");
            }
        }
    }

    [GeneratedRegex(@"web dashboard: (\S+)")]
    private static partial Regex WebUrl();
}
