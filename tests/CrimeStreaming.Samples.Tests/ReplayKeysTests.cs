using System.Diagnostics;
using System.Text.RegularExpressions;
using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
using Microsoft.Extensions.Time.Testing;

namespace CrimeStreaming.Samples.Tests;

/// <summary>The live dashboard's keys: on the clock directly, and in a real terminal (tmux) against the demo process.</summary>
public sealed partial class ReplayKeysTests
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_key_steers_the_clock_within_the_accelerations_the_demo_accepts()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        using var stop = new StopSignal("test");
        var keys = new ReplayKeys(clock, stop, DemoOptions.MinAcceleration, DemoOptions.MaxAcceleration);
        clock.Run();

        keys.Apply(' ').Should().BeTrue();
        keys.State.Should().Be("paused (3,600x)");
        time.Advance(TimeSpan.FromSeconds(10));
        clock.Now.Should().Be(Start);
        keys.Apply(' ');
        keys.Apply('+');
        keys.State.Should().Be("7,200x");
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Now.Should().Be(Start.AddHours(2));

        keys.Apply('f');
        clock.Acceleration.Should().Be(DemoOptions.MaxAcceleration);
        keys.Apply('+');
        clock.Acceleration.Should().Be(DemoOptions.MaxAcceleration, "never beyond what --acceleration accepts");
        for (var i = 0; i < 30; i++)
        {
            keys.Apply('-');
        }

        clock.Acceleration.Should().Be(DemoOptions.MinAcceleration);
        keys.Apply('x').Should().BeFalse();
        stop.IsRequested.Should().BeFalse();
        keys.Apply('q').Should().BeTrue();
        stop.IsRequested.Should().BeTrue();
        stop.Reason.Should().Be("q");
    }

    [Fact]
    public async Task In_a_terminal_space_pauses_plus_and_minus_change_the_speed_and_q_quits_with_the_summary()
    {
        if (!Tmux.IsInstalled)
        {
            Assert.Fail("tmux is needed for this test (apt install tmux; .ci/run installs it)");
        }

        var demo = Path.Combine(AppContext.BaseDirectory, "CrimeStreaming.Demo.dll");
        using var tmux = new Tmux($"dotnet {demo} --acceleration 3600 --seed 1; echo EXIT=$?; sleep 60");
        await tmux.WaitForAsync(s => s.Contains("clock: 3,600x", StringComparison.Ordinal), "the dashboard with the clock line");

        tmux.Send(" ");
        var paused = await tmux.WaitForAsync(s => s.Contains("clock: paused (3,600x)", StringComparison.Ordinal), "the clock paused");
        await Task.Delay(1500); // 1.5 real seconds are 1.5 simulated hours at 3,600x, had the clock gone on
        var stillPaused = await tmux.WaitForAsync(s => s.Contains("clock: paused", StringComparison.Ordinal), "the clock still paused");
        SimulatedTime(stillPaused).Should().Be(SimulatedTime(paused), "a paused clock stands still");

        tmux.Send(" ");
        tmux.Send("+");
        await tmux.WaitForAsync(s => s.Contains("clock: 7,200x", StringComparison.Ordinal), "twice the speed");
        tmux.Send("-");
        tmux.Send("-");
        var slower = await tmux.WaitForAsync(s => s.Contains("clock: 1,800x", StringComparison.Ordinal), "half the first speed");
        slower.Should().NotContain("+-", "keys are read without echo");

        tmux.Send("q");
        var end = await tmux.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), "the demo's exit");
        end.Should().Contain("results sha256:").And.Contain("EXIT=130", "q stops as Ctrl+C does");
    }

    private static string SimulatedTime(string screen) => TimeLine().Match(screen).Value;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} [-+]\d{2}:\d{2}", RegexOptions.Multiline)]
    private static partial Regex TimeLine();

    /// <summary>A detached tmux session of 80×24 running one shell command; keys are sent to it and its screen read.</summary>
    private sealed class Tmux : IDisposable
    {
        private readonly string _name = "keys-" + Guid.NewGuid().ToString("N")[..8];

        public Tmux(string command) => Run("new-session", "-d", "-s", _name, "-x", "80", "-y", "24", command);

        public static bool IsInstalled
        {
            get
            {
                try
                {
                    return Run("-V").StartsWith("tmux", StringComparison.Ordinal);
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    return false;
                }
            }
        }

        public void Send(string keys) => Run("send-keys", "-t", _name, "-l", keys);

        public string Screen() => Run("capture-pane", "-p", "-t", _name);

        /// <summary>Reads the screen until <paramref name="condition"/> holds (a deadline, not a fixed sleep).</summary>
        public async Task<string> WaitForAsync(Func<string, bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                var screen = Screen();
                if (condition(screen))
                {
                    return screen;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{what} did not show within 90 s; the screen:\n{screen}");
                }

                await Task.Delay(100);
            }
        }

        public void Dispose()
        {
            try
            {
                Run("kill-session", "-t", _name);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }

        private static string Run(params string[] args)
        {
            var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {error.Trim()}");
        }
    }
}
